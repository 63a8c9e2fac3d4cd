//! Every claim of chapter 2, one test each. The test names are cited in the chapter.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch02_lazy_futures::by_hand::{poll_once, poll_trace, two_steps};
use ch02_lazy_futures::check_status::StatusChecker;
use ch02_lazy_futures::countdown::{Countdown, CountdownState};
use ch02_lazy_futures::event_log::EventLog;
use ch02_lazy_futures::lazy::{eager_prefix, greet};
use futures::future::join_all;

mod common;
use common::CountingWaker;

// ---- Calling is not running
// -------------------------------------------------------------

#[test]
fn calling_an_async_fn_runs_none_of_its_body() {
    let log = EventLog::new();
    let fut = greet(log.clone(), "Ada");
    assert!(log.is_empty(), "calling greet must not run its body");
    let greeting = futures::executor::block_on(fut);
    assert_eq!(greeting, "hello, Ada");
    assert_eq!(log.entries(), ["body of greet ran"]);
}

#[test]
fn dropping_an_unpolled_future_never_runs_its_body() {
    let log = EventLog::new();
    let built = greet(log.clone(), "Ada");
    drop(built);
    drop(greet(log.clone(), "Grace")); // built and dropped in one go
    assert!(log.is_empty(), "a future that is never polled never runs");
}

#[test]
fn a_fn_returning_a_future_can_do_work_at_call_time() {
    let log = EventLog::new();
    let fut = eager_prefix(log.clone());
    assert_eq!(log.entries(), ["prefix ran at call time"]);
    futures::executor::block_on(fut);
    assert_eq!(
        log.entries(),
        ["prefix ran at call time", "async block ran at first poll"]
    );
}

// ---- A future by hand
// -------------------------------------------------------------------

#[test]
fn countdown_starts_unresumed_and_leaves_that_state_on_first_poll() {
    let mut countdown = Countdown::new(2);
    assert_eq!(countdown.state(), CountdownState::Unresumed);
    assert!(poll_once(pin!(&mut countdown)).is_pending());
    assert_eq!(countdown.state(), CountdownState::Counting(1));
}

#[test]
fn countdown_is_pending_n_times_then_ready() {
    assert_eq!(
        poll_trace(Countdown::new(3), 10),
        [Poll::Pending, Poll::Pending, Poll::Pending, Poll::Ready(3)]
    );
    assert_eq!(poll_trace(Countdown::new(0), 10), [Poll::Ready(0)]);
}

#[test]
fn countdown_wakes_its_waker_before_every_pending() {
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut countdown = pin!(Countdown::new(3));
    while countdown.as_mut().poll(&mut cx).is_pending() {}
    assert_eq!(counter.0.load(Ordering::SeqCst), 3, "one wake per Pending");
}

#[tokio::test]
async fn countdown_completes_on_tokio_because_it_wakes_itself() {
    assert_eq!(Countdown::new(5).await, 5);
}

/// `Countdown::new(1)` without its `wake_by_ref`: `Pending` once, and nobody is
/// told.
struct SilentPending {
    polls: Arc<AtomicUsize>,
}

impl std::future::Future for SilentPending {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.polls.fetch_add(1, Ordering::SeqCst) == 0 {
            Poll::Pending // no wake: the executor has no reason to come back
        } else {
            Poll::Ready(())
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_pending_future_that_never_wakes_is_never_polled_again() {
    let polls = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(SilentPending {
        polls: polls.clone(),
    });
    // With the clock paused, this returns only once the runtime has nothing else to
    // do.
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(
        polls.load(Ordering::SeqCst),
        1,
        "polled once, then never again"
    );
    assert!(
        !task.is_finished(),
        "one more poll would finish it, but nobody woke it"
    );
    task.abort();
}

#[test]
fn polling_after_ready_is_a_bug_both_by_hand_and_for_async_fn() {
    let mut countdown = pin!(Countdown::new(0));
    assert_eq!(poll_once(countdown.as_mut()), Poll::Ready(0));
    let again = catch_unwind(AssertUnwindSafe(|| poll_once(countdown.as_mut())));
    assert!(again.is_err(), "Countdown panics when polled after Ready");

    // The compiler-generated state machine does the same: its state is `Returned`.
    let mut greeting = pin!(greet(EventLog::new(), "Ada"));
    assert!(poll_once(greeting.as_mut()).is_ready());
    let again = catch_unwind(AssertUnwindSafe(|| poll_once(greeting.as_mut())));
    let message =
        again.expect_err("an async fn future panics when resumed after completion");
    let message = message.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("resumed after completion"), "{message}");
}

// ---- Polling by hand
// --------------------------------------------------------------------

#[test]
fn first_poll_runs_the_body_up_to_the_first_await() {
    let log = EventLog::new();
    let mut fut = pin!(two_steps(log.clone()));
    assert!(log.is_empty());
    assert_eq!(poll_once(fut.as_mut()), Poll::Pending);
    assert_eq!(log.entries(), ["step 1"]);
    assert_eq!(poll_once(fut.as_mut()), Poll::Ready("done"));
    assert_eq!(log.entries(), ["step 1", "step 2"]);
}

#[test]
fn a_body_without_pending_awaits_is_ready_on_first_poll() {
    let log = EventLog::new();
    let trace = poll_trace(greet(log.clone(), "Ada"), 10);
    assert_eq!(trace, [Poll::Ready("hello, Ada".to_string())]);
}

// ---- check_status / spawn_blocking / join_all
// -------------------------------------------

const PERIODS: [&str; 3] = ["2026-09", "2026-10", "2026-11"];

#[tokio::test]
async fn creating_the_futures_runs_no_body() {
    let checker = StatusChecker::new(EventLog::new(), PERIODS.len());
    checker.check_all(&PERIODS).await;
    let log = checker.log();
    let awaited = log.position("join_all awaited").unwrap();
    let entries = log.entries();
    let (before, after) = entries.split_at(awaited);
    assert_eq!(
        before,
        [
            "created future for 2026-09",
            "created future for 2026-10",
            "created future for 2026-11",
        ],
        "only the creations happen before join_all is awaited"
    );
    assert!(after.iter().all(|e| !e.starts_with("created")));
}

#[tokio::test]
async fn join_all_starts_the_bodies_in_argument_order() {
    let checker = StatusChecker::new(EventLog::new(), PERIODS.len());
    let statuses = checker.check_all(&PERIODS).await;
    assert_eq!(
        checker.log().starting_with("body started"),
        [
            "body started 2026-09",
            "body started 2026-10",
            "body started 2026-11",
        ]
    );
    let periods: Vec<_> = statuses.iter().map(|s| s.period.as_str()).collect();
    assert_eq!(periods, PERIODS, "results come back in argument order");
}

#[tokio::test]
async fn each_body_starts_before_its_blocking_call() {
    let checker = StatusChecker::new(EventLog::new(), PERIODS.len());
    checker.check_all(&PERIODS).await;
    let log = checker.log();
    for period in PERIODS {
        let body = log.position(&format!("body started {period}")).unwrap();
        let work = log.position(&format!("executor started {period}")).unwrap();
        assert!(
            body < work,
            "the executor call for {period} began before its body"
        );
    }
}

#[tokio::test]
async fn bodies_share_one_thread_while_blocking_calls_run_in_parallel() {
    // The barrier in StatusChecker lets the blocking calls finish only if all three
    // are running at once: finishing at all proves they ran in parallel.
    let checker = StatusChecker::new(EventLog::new(), PERIODS.len());
    let statuses = checker.check_all(&PERIODS).await;
    let here = std::thread::current().id();
    assert!(
        statuses.iter().all(|s| s.body_thread == here),
        "bodies run on the runtime's thread"
    );
    let workers: HashSet<_> = statuses.iter().map(|s| s.worker_thread).collect();
    assert_eq!(workers.len(), 3, "three blocking calls, three threads");
    assert!(
        !workers.contains(&here),
        "no blocking call runs on the runtime's thread"
    );
}

#[tokio::test(start_paused = true)]
async fn join_all_is_inert_until_awaited() {
    let checker = StatusChecker::new(EventLog::new(), PERIODS.len());
    let futures: Vec<_> = PERIODS
        .iter()
        .map(|p| checker.check_status(p.to_string()))
        .collect();
    let all = join_all(futures);
    // Give the runtime every chance to run something: with the clock paused, a sleep
    // returns only once the runtime has nothing else to do.
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        checker.log().is_empty(),
        "join_all, like any future, runs nothing until polled"
    );
    all.await;
    assert_eq!(checker.log().starting_with("body started").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn tokio_spawn_runs_a_task_nobody_awaits() {
    let log = EventLog::new();
    let handle = tokio::spawn(greet(log.clone(), "spawned"));
    let plain = greet(log.clone(), "plain");
    assert!(log.is_empty(), "spawn only schedules; nothing has run yet");
    // let the runtime run what is ready
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        log.entries(),
        ["body of greet ran"],
        "the spawned task ran without being awaited; the plain future did not"
    );
    drop(plain);
    drop(handle); // dropping a JoinHandle detaches the task; it does not cancel it
}
