//! Tests for the chapter 2 exercises. Run one with `cargo xtask exercise ch02 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use ch02_lazy_futures::countdown::Countdown;
use ch02_lazy_futures::event_log::EventLog;
use ch02_lazy_futures::exercises::ex1_poll_count::poll_count;
use ch02_lazy_futures::exercises::ex2_yield_once::yield_once;
use ch02_lazy_futures::exercises::ex3_block_on::block_on;
use test_support::{LIMIT, join_within, run_within};

mod common;
use common::CountingWaker;

// ---- Exercise 1: poll_count
// -------------------------------------------------------------

#[test]
fn ex1_a_ready_future_needs_one_poll() {
    assert_eq!(
        poll_count(async { 42 }),
        1,
        "an async block with no pending .await is ready on its first poll"
    );
}

#[test]
fn ex1_countdown_needs_one_poll_per_pending_plus_one() {
    for n in [0, 1, 3, 10] {
        assert_eq!(
            poll_count(Countdown::new(n)),
            n as usize + 1,
            "Countdown::new({n}) answers Pending {n} times, then Ready: {} polls",
            n + 1
        );
    }
}

#[test]
fn ex1_poll_count_really_runs_the_body() {
    let log = EventLog::new();
    let polls = poll_count(async {
        log.record("started");
        Countdown::new(2).await;
        log.record("finished");
    });
    assert_eq!(
        polls, 3,
        "two Pendings from the inner Countdown, then Ready"
    );
    assert_eq!(
        log.entries(),
        ["started", "finished"],
        "poll_count must poll the future to completion"
    );
}

// ---- Exercise 2: YieldOnce
// --------------------------------------------------------------

#[test]
fn ex2_yield_once_is_pending_then_ready() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut fut = pin!(yield_once());
    assert_eq!(
        fut.as_mut().poll(&mut cx),
        Poll::Pending,
        "the first poll should answer Pending"
    );
    assert_eq!(
        fut.as_mut().poll(&mut cx),
        Poll::Ready(()),
        "the second poll should answer Ready(())"
    );
}

#[test]
fn ex2_yield_once_wakes_before_pending() {
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(yield_once());
    assert!(
        fut.as_mut().poll(&mut cx).is_pending(),
        "first poll: Pending"
    );
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        1,
        "YieldOnce returned Pending without waking its waker: an executor would \
         never poll it again"
    );
}

#[tokio::test]
async fn ex2_yield_once_completes_on_tokio() {
    // If YieldOnce forgot to wake, this would hang; the timeout turns a hang into a
    // message.
    let finished = tokio::time::timeout(Duration::from_secs(5), yield_once()).await;
    assert!(
        finished.is_ok(),
        "awaiting YieldOnce on tokio never finished: does it wake its waker before \
         Pending?"
    );
}

// ---- Exercise 3: block_on
// ---------------------------------------------------------------

/// What a `block_on` that never returns did not do (it parks, and nothing unparks
/// it).
const RETURNS: &str = "block_on to return: does the waker unpark the parked thread?";

#[test]
fn ex3_block_on_returns_the_output() {
    assert_eq!(run_within(LIMIT, RETURNS, || block_on(async { 6 * 7 })), 42);
    assert_eq!(
        run_within(LIMIT, RETURNS, || block_on(Countdown::new(3))),
        3,
        "block_on(Countdown::new(3))"
    );
}

#[test]
fn ex3_block_on_is_woken_from_another_thread() {
    let (tx, rx) = futures::channel::oneshot::channel();
    let sender = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        tx.send("from another thread").unwrap();
    });
    assert_eq!(
        run_within(LIMIT, RETURNS, || block_on(rx)),
        Ok("from another thread"),
        "block_on must sleep until the other thread's send wakes it"
    );
    join_within(sender, LIMIT, "the sending thread to end").unwrap();
}

/// Pending on its first poll; a helper thread wakes it a little later. Counts its
/// polls.
struct WokenLater {
    polls: Arc<AtomicUsize>,
    woken: Arc<AtomicBool>,
}

impl Future for WokenLater {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let polls = self.polls.fetch_add(1, Ordering::SeqCst) + 1;
        if polls == 1 {
            let (waker, woken) = (cx.waker().clone(), self.woken.clone());
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                woken.store(true, Ordering::SeqCst);
                waker.wake();
            });
        }
        // Ready once the helper has woken us; any earlier poll is a wasted one.
        if self.woken.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn ex3_block_on_sleeps_instead_of_spinning() {
    let polls = Arc::new(AtomicUsize::new(0));
    let woken_later = WokenLater {
        polls: polls.clone(),
        woken: Arc::new(AtomicBool::new(false)),
    };
    run_within(LIMIT, RETURNS, || block_on(woken_later));
    let polls = polls.load(Ordering::SeqCst);
    // Two polls (a rare spurious wake-up of park() may add one): not thousands.
    assert!(
        polls <= 4,
        "block_on polled a pending future {polls} times while waiting: park the \
         thread on Pending and let the waker unpark it, instead of polling in a \
         loop"
    );
}
