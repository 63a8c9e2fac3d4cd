//! `call_soon_threadsafe`: the inbox and the self-pipe.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use ch07_executors::scenarios::wait_until;
use ch07_executors::{EventLoop, LoopClosed};
use test_support::{LIMIT, join_within};

// ANCHOR: threadsafe_post
#[test]
fn a_callback_from_another_thread_runs_on_the_loops_thread() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let loop_thread = thread::current().id();
    let poster = thread::spawn(move || {
        let (tx, rx) = mpsc::channel();
        to_loop
            .call_soon_threadsafe(move || {
                tx.send(thread::current().id()).unwrap();
            })
            .unwrap();
        let ran_on = rx.recv_timeout(Duration::from_secs(10));
        to_loop.stop().unwrap();
        ran_on
    });
    lp.run_forever().unwrap();
    let ran_on = join_within(poster, LIMIT, "the posting thread to end")
        .unwrap()
        .expect("the callback ran");
    assert_eq!(ran_on, loop_thread);
}
// ANCHOR_END: threadsafe_post

#[test]
fn a_post_wakes_a_loop_asleep_in_select_with_no_timeout() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let waker = thread::spawn(move || {
        let parked = wait_until(|| to_loop.is_parked());
        to_loop.stop().unwrap();
        parked
    });
    // Nothing ready, no timer, no socket: the loop sleeps until the other thread
    // posts.
    lp.run_forever().unwrap();
    assert!(
        join_within(waker, LIMIT, "the waking thread to end").unwrap(),
        "the loop was asleep in select"
    );
    assert!(
        lp.iteration() <= 2,
        "it slept; it did not spin: {}",
        lp.iteration()
    );
}

#[test]
fn posts_run_in_the_order_they_were_made_through_the_ready_queue() {
    let lp = EventLoop::traced();
    let to_loop = lp.threadsafe();
    let posting = thread::spawn(move || {
        for i in 0..3 {
            to_loop
                .call_soon_threadsafe_named(format!("post {i}"), || {})
                .unwrap();
        }
    });
    join_within(posting, LIMIT, "the posting thread to end").unwrap();
    // All three wait in the inbox; one iteration moves them to the ready queue and
    // runs them.
    lp.run_once();
    let lines = lp.trace_lines();
    let runs: Vec<_> = lines.iter().filter(|l| l.starts_with("callback")).collect();
    assert_eq!(
        runs,
        ["callback post 0", "callback post 1", "callback post 2"]
    );
    assert!(
        lines.contains(&"select(timeout=0s)".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"iteration 1: 3 ready".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn posting_to_a_dropped_loop_fails_like_cpythons_closed_loop() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    drop(lp);
    assert_eq!(to_loop.call_soon_threadsafe(|| {}), Err(LoopClosed));
    assert_eq!(LoopClosed.to_string(), "Event loop is closed");
}

#[test]
fn drain_inbox_moves_what_threads_left_to_the_back_of_the_ready_queue() {
    let lp = EventLoop::new();
    lp.call_soon(|| {});
    let to_loop = lp.threadsafe();
    let posting = thread::spawn(move || {
        for _ in 0..3 {
            to_loop.call_soon_threadsafe(|| {}).unwrap();
        }
    });
    join_within(posting, LIMIT, "the posting thread to end").unwrap();
    assert!(!lp.inbox_is_empty());
    assert_eq!(lp.drain_inbox(), 3);
    assert!(lp.inbox_is_empty());
    assert_eq!(lp.ready_len(), 4, "behind the call_soon already there");
}

/// `asyncio.sleep(0)`: return to the loop once, the task's next step queued at once.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await
}

#[test]
fn a_post_from_the_loops_own_thread_waits_for_the_next_drain_unlike_cpythons() {
    let lp = EventLoop::new();
    let (core, to_loop) = (lp.handle(), lp.threadsafe());
    let log = Arc::new(Mutex::new(Vec::new()));
    let say = |line: &'static str| {
        let log = log.clone();
        move || log.lock().unwrap().push(line)
    };
    let (one, two, three, four) = (
        say("1: call_soon"),
        say("2: call_soon_threadsafe"),
        say("3: call_soon"),
        say("4: main resumes"),
    );
    lp.run_until_complete(async move {
        core.call_soon(one);
        to_loop.call_soon_threadsafe(two).unwrap();
        core.call_soon(three);
        yield_once().await; // asyncio.sleep(0)
        four();
    })
    .unwrap();
    // CPython prints 1 2 3 4: its post goes straight into `_ready`. Ours waits in
    // the inbox until the next iteration drains it, behind main's next step.
    assert_eq!(
        *log.lock().unwrap(),
        [
            "1: call_soon",
            "3: call_soon",
            "4: main resumes",
            "2: call_soon_threadsafe"
        ]
    );
}
