//! Tests for the chapter 7 exercises. Run one with `cargo xtask exercise ch07 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. Threads
//! are bounded and joined; every wait has a 10 s guard, so a wrong answer fails, it
//! never hangs.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use ch04_timers::VirtualClock;
use ch07_executors::exercises::ex1_loop_channel::loop_channel;
use ch07_executors::exercises::ex2_bounded_executor::BoundedExecutor;
use ch07_executors::exercises::ex3_blocking_detector::BlockingDetector;
use ch07_executors::scenarios::wait_until;
use ch07_executors::{EventLoop, ThreadPool};
use test_support::{LIMIT, join_within};

// ---- Exercise 1: loop_channel
// -------------------------------------------------------------

#[test]
fn ex1_values_from_three_threads_all_arrive_in_per_thread_order() {
    let lp = EventLoop::new();
    let (tx, mut rx) = loop_channel::<(u32, u32)>();
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..10 {
                    tx.send((t, i));
                }
            })
        })
        .collect();
    drop(tx);
    let got = lp
        .run_until_complete(async move {
            let mut got = Vec::new();
            while let Some(value) = rx.recv().await {
                got.push(value);
            }
            got
        })
        .expect("recv must end with None once every sender is dropped");
    for thread in threads {
        join_within(thread, LIMIT, "a sending thread to end").unwrap();
    }
    assert_eq!(got.len(), 30, "every value arrives");
    for t in 0..3 {
        let mine: Vec<_> = got.iter().filter(|v| v.0 == t).map(|v| v.1).collect();
        assert_eq!(
            mine,
            (0..10).collect::<Vec<_>>(),
            "thread {t}'s values, in order"
        );
    }
}

#[test]
fn ex1_a_waiting_receiver_sleeps_it_does_not_spin() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let (tx, mut rx) = loop_channel::<u32>();
    let sender = thread::spawn(move || {
        let parked = wait_until(|| to_loop.is_parked());
        tx.send(5);
        parked
    });
    let polls = Rc::new(Cell::new(0));
    let p = polls.clone();
    let value = lp
        .run_until_complete(async move {
            p.set(p.get() + 1);
            rx.recv().await
        })
        .unwrap();
    assert!(
        join_within(sender, LIMIT, "the sending thread to end").unwrap(),
        "the loop went to sleep while the receiver waited"
    );
    assert_eq!(value, Some(5));
    assert!(
        lp.iteration() <= 4,
        "recv should wait for a wake, not poll in a loop: {} iterations",
        lp.iteration()
    );
}

// ---- Exercise 2: BoundedExecutor
// ----------------------------------------------------------

#[test]
fn ex2_never_more_than_limit_jobs_in_flight_and_every_result_arrives() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let pool = Arc::new(ThreadPool::new(4));
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (r, p) = (running.clone(), peak.clone());
    let results = lp
        .run_until_complete(async move {
            let exec = Rc::new(BoundedExecutor::new(core.clone(), pool, 2));
            let jobs: Vec<_> = (0..8)
                .map(|i| {
                    let (exec, r, p) = (exec.clone(), r.clone(), p.clone());
                    core.spawn(async move {
                        exec.run(move || {
                            let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                            p.fetch_max(now, Ordering::SeqCst);
                            thread::sleep(Duration::from_millis(5));
                            r.fetch_sub(1, Ordering::SeqCst);
                            i
                        })
                        .await
                    })
                })
                .collect();
            let mut results = Vec::new();
            for job in jobs {
                results.push(job.await.unwrap().unwrap());
            }
            results
        })
        .expect("every job must finish");
    assert_eq!(results, (0..8).collect::<Vec<_>>(), "each job's own result");
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak <= 2, "{peak} jobs ran at once; the limit is 2");
}

// ---- Exercise 3: BlockingDetector
// ---------------------------------------------------------

#[test]
fn ex3_reports_only_the_callbacks_that_reach_the_threshold() {
    let clock = VirtualClock::new();
    let lp = ch04_timers::EventLoop::with_clock(
        clock.clone(),
        ch03_ready_queue::Tracing::Off,
    );
    let detector = BlockingDetector::new(lp.handle(), Duration::from_millis(100));
    for (label, ms) in [("quick", 5), ("slow", 250), ("ok", 99), ("slower", 400)] {
        let clock = clock.clone();
        lp.call_soon(detector.wrap(label, move || {
            // plays a callback that takes `ms`
            clock.advance(Duration::from_millis(ms));
        }));
    }
    lp.run_once();
    assert_eq!(
        detector.report(),
        [
            ("slow".to_string(), Duration::from_millis(250)),
            ("slower".to_string(), Duration::from_millis(400)),
        ],
        "only the callbacks of 100 ms or more, with how long they took, in the \
         order they ran"
    );
}

#[test]
fn ex3_a_callback_that_takes_exactly_the_threshold_is_reported() {
    let clock = VirtualClock::new();
    let lp = ch04_timers::EventLoop::with_clock(
        clock.clone(),
        ch03_ready_queue::Tracing::Off,
    );
    let detector = BlockingDetector::new(lp.handle(), Duration::from_millis(100));
    lp.call_soon(detector.wrap("exactly", move || {
        // plays a callback that takes exactly 100 ms
        clock.advance(Duration::from_millis(100));
    }));
    lp.run_once();
    assert_eq!(
        detector.report(),
        [("exactly".to_string(), Duration::from_millis(100))],
        "CPython reports a callback whose time is >= slow_callback_duration, so \
         exactly the threshold counts"
    );
}

#[test]
fn ex3_the_wrapped_callback_still_runs() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let detector = BlockingDetector::new(lp.handle(), Duration::from_millis(100));
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    lp.call_soon(detector.wrap("f", move || r.set(true)));
    lp.run_once();
    assert!(ran.get(), "wrap must call f");
    assert!(
        detector.report().is_empty(),
        "a quick callback is not reported"
    );
}
