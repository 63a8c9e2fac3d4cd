//! `to_thread` runs in parallel with the loop. Shown by structure, never by timing:
//! the thread waits for something only the running loop can do.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch04_timers::EventLoop;
use ch06_patterns::{gather, to_thread};
use common::wait_until;

#[test]
fn the_loop_keeps_running_while_to_thread_blocks() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let ticks = Arc::new(AtomicUsize::new(0));
    let t = ticks.clone();
    lp.spawn(async move {
        for _ in 0..3 {
            t.fetch_add(1, Ordering::SeqCst);
            handle.sleep(Duration::ZERO).await; // yield: one tick per iteration
        }
    });
    let t = ticks.clone();
    let (saw_ticks, thread) = lp
        .run_until_complete(to_thread(move || {
            // Blocks until the loop has ticked 3 times: only possible if the loop
            // runs meanwhile, on another thread.
            (
                wait_until(|| t.load(Ordering::SeqCst) == 3),
                std::thread::current().id(),
            )
        }))
        .unwrap();
    assert!(saw_ticks, "the loop ran while the function blocked");
    assert_ne!(thread, std::thread::current().id(), "on another thread");
}

#[test]
fn several_to_thread_calls_run_at_the_same_time() {
    const N: usize = 4;
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let arrived = Arc::new(AtomicUsize::new(0));
    let all_met = lp
        .run_until_complete(async move {
            let calls = (0..N).map(|_| {
                let arrived = arrived.clone();
                to_thread(move || {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    // A barrier: nobody leaves before all N are inside at once.
                    wait_until(|| arrived.load(Ordering::SeqCst) == N)
                })
            });
            gather(&handle, calls).await.unwrap()
        })
        .unwrap();
    assert_eq!(
        all_met, [true; N],
        "all {N} were inside the function at once"
    );
}

#[test]
fn a_panic_on_the_thread_reaches_the_awaiting_task() {
    let lp = EventLoop::virtual_time();
    let error = lp
        .run_until_complete(async { to_thread(|| panic!("thread failed")).await })
        .expect_err("the task panicked");
    let text = error.to_string();
    assert!(text.contains("thread failed"), "{text}");
}
