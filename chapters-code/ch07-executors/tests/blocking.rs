//! What blocking the loop costs, in real time, asserted only with lower bounds; and
//! that the loop keeps running while a job blocks on a pool thread, shown by
//! structure.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ch07_executors::EventLoop;

#[test]
fn a_blocking_call_on_the_loop_delays_every_other_task() {
    let lp = EventLoop::new();
    let handle = lp.handle();
    let ticks = Rc::new(RefCell::new(Vec::new()));
    let t = ticks.clone();
    let h = handle.clone();
    // A callback that blocks the loop's thread for 100 ms: time.sleep(0.1) in a
    // coroutine.
    handle.call_later(Duration::from_millis(25), || {
        std::thread::sleep(Duration::from_millis(100));
    });
    lp.run_until_complete(async move {
        for _ in 0..6 {
            t.borrow_mut().push(Instant::now());
            h.sleep(Duration::from_millis(10)).await; // should tick every 10 ms
        }
    })
    .unwrap();
    let ticks = ticks.borrow();
    let longest = ticks.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    assert!(
        longest >= Duration::from_millis(100),
        "a 10 ms ticker waited {longest:?}: at least the 100 ms the loop was blocked"
    );
}

// ANCHOR: to_thread_ticks
#[test]
fn the_loop_keeps_ticking_while_a_job_blocks_on_a_pool_thread() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let (tick, ticks) = mpsc::channel::<u32>();
    let h = handle.clone();
    handle.spawn(async move {
        for i in 1..=3 {
            tick.send(i).unwrap();
            h.sleep(Duration::from_millis(10)).await;
        }
    });
    // The job returns only after the loop has ticked 3 times: the loop ran
    // meanwhile.
    let seen = lp
        .run_until_complete(async move {
            handle
                .to_thread(move || {
                    (0..3)
                        .map(|_| ticks.recv_timeout(Duration::from_secs(10)).ok())
                        .collect::<Vec<_>>()
                })
                .await
        })
        .unwrap()
        .unwrap();
    assert_eq!(seen, [Some(1), Some(2), Some(3)]);
}
// ANCHOR_END: to_thread_ticks
