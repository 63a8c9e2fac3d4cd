//! `run_threadsafe`: a plain thread runs a task on the loop and waits for its result
//! (`asyncio.run_coroutine_threadsafe`).

use std::thread;
use std::time::Duration;

use ch07_executors::{EventLoop, LoopClosed, WaitError};
use test_support::{LIMIT, join_within};

/// One `run_once` that cannot park for good: it fails instead if nothing is ready
/// and nothing is posted, since `select` would then wait with no timeout.
fn step(lp: &EventLoop) {
    assert!(
        lp.ready_len() > 0 || !lp.inbox_is_empty(),
        "this iteration would sleep in select(None) with nothing to wake it"
    );
    lp.run_once();
}

// ANCHOR: run_threadsafe_round_trip
#[test]
fn a_thread_runs_a_task_on_the_loop_and_waits_for_its_result_with_a_bound() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let caller = thread::spawn(move || {
        let answer = to_loop
            .run_threadsafe(|core| async move {
                core.sleep(Duration::from_millis(1)).await; // a timer of the loop
                (thread::current().id(), 6 * 7)
            })
            .expect("the loop is open");
        let got = answer.wait_timeout(Duration::from_secs(10));
        to_loop.stop().unwrap();
        got
    });
    lp.run_forever().unwrap(); // until the caller's stop
    let got = join_within(caller, LIMIT, "the caller to end").unwrap();
    let (ran_on, value) = got.expect("the task's result");
    assert_eq!(value, 42);
    assert_eq!(
        ran_on,
        thread::current().id(),
        "the task ran on the loop's thread"
    );
}
// ANCHOR_END: run_threadsafe_round_trip

#[test]
fn a_panicking_task_reaches_the_waiting_thread_as_an_error_with_its_message() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let caller = thread::spawn(move || {
        let answer = to_loop
            .run_threadsafe(|_core| async { panic!("no such file") })
            .map(|handle: ch07_executors::RunHandle<u32>| {
                handle.wait_timeout(Duration::from_secs(10))
            });
        to_loop.stop().unwrap();
        answer
    });
    lp.run_forever().unwrap();
    let got = join_within(caller, LIMIT, "the caller to end").unwrap();
    assert_eq!(got, Ok(Err(WaitError::Panicked("no such file".into()))));
    assert_eq!(
        WaitError::Panicked("no such file".into()).to_string(),
        "the task panicked: no such file"
    );
}

#[test]
fn a_loop_closed_before_the_task_ends_answers_the_waiting_thread_at_once() {
    let lp = EventLoop::new();
    let answer = lp
        .threadsafe()
        .run_threadsafe(|_core| std::future::pending::<u32>())
        .expect("the loop is open");
    step(&lp); // the callback: the task is spawned
    step(&lp); // the task's first step: pending
    assert_eq!(lp.task_count(), 1, "the task waits on the loop");
    let waiter = thread::spawn(move || answer.wait_timeout(Duration::from_secs(10)));
    drop(lp); // closes the loop: the task is dropped, and its sender with it
    let got = join_within(waiter, LIMIT, "the waiter to end").unwrap();
    assert_eq!(got, Err(WaitError::LoopClosed), "not a timeout: at once");
}

#[test]
fn a_task_posted_to_a_loop_that_closes_before_taking_it_answers_at_once() {
    let lp = EventLoop::new();
    let answer = lp
        .threadsafe()
        .run_threadsafe(|_core| async { 1 })
        .expect("the loop is open");
    drop(lp); // never ran: the inbox is emptied on close
    let got = answer.wait_timeout(Duration::from_secs(10));
    assert_eq!(got, Err(WaitError::LoopClosed));
}

#[test]
fn run_threadsafe_on_a_closed_loop_is_refused_at_once() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    drop(lp);
    let refused = to_loop.run_threadsafe(|_core| async { 1 }).unwrap_err();
    assert_eq!(refused, LoopClosed);
    assert_eq!(refused.to_string(), "Event loop is closed");
}

#[test]
fn a_wait_that_runs_out_of_time_may_be_repeated_and_the_result_is_taken_once() {
    let lp = EventLoop::new();
    let answer = lp
        .threadsafe()
        .run_threadsafe(|_core| async { 7 })
        .expect("the loop is open");
    // The loop has not run: nobody has started the task yet.
    assert_eq!(answer.wait_timeout(Duration::ZERO), Err(WaitError::Timeout));
    step(&lp); // the callback: the task is spawned
    step(&lp); // the task's only step
    assert_eq!(answer.wait_timeout(Duration::from_secs(10)), Ok(7));
    assert_eq!(answer.wait_timeout(Duration::ZERO), Err(WaitError::Taken));
}

#[test]
fn the_trace_shows_the_post_of_run_threadsafe_then_the_tasks_step() {
    let lp = EventLoop::traced();
    let answer = lp
        .threadsafe()
        .run_threadsafe(|_core| async { 7 })
        .expect("the loop is open");
    step(&lp); // the post is drained, and its callback spawns the task
    step(&lp); // the task's only step
    assert_eq!(answer.wait_timeout(Duration::from_secs(10)), Ok(7));
    assert_eq!(
        lp.trace_lines(),
        [
            "select(timeout=0s)", // the inbox is not empty: no wait
            "from another thread: run_threadsafe",
            "call_soon run_threadsafe",
            "iteration 1: 1 ready",
            "callback run_threadsafe",
            "spawn run_threadsafe", // on the loop's thread
            "select(timeout=0s)",
            "iteration 2: 1 ready",
            "poll run_threadsafe",
            "run_threadsafe -> Ready",
        ]
    );
}
