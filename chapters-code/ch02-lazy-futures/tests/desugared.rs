//! The state enum, by hand: `TwoAwaits` behaves like the `async fn` it desugars.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use ch02_lazy_futures::by_hand::poll_once;
use ch02_lazy_futures::desugared::{TwoAwaits, two_awaits, two_awaits_by_hand};
use ch02_lazy_futures::event_log::EventLog;

mod common;
use common::CountingWaker;

const LOG: [&str; 3] = ["start", "first await gave 1", "second await gave 2"];

/// What driving a future to the end looks like from outside: every answer of
/// `poll`, and how often the future woke the waker it was given.
struct Run<T> {
    answers: Vec<Poll<T>>,
    wakes: usize,
}

/// Polls `fut` until it is ready (at most 10 times) under a fresh counting waker.
fn drive<F: Future>(mut fut: Pin<&mut F>) -> Run<F::Output> {
    let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&waker);
    let mut answers = Vec::new();
    for _ in 0..10 {
        let answer = fut.as_mut().poll(&mut cx);
        let ready = answer.is_ready();
        answers.push(answer);
        if ready {
            break;
        }
    }
    Run {
        answers,
        wakes: counter.0.load(Ordering::SeqCst),
    }
}

#[test]
fn the_state_enum_and_the_async_fn_need_the_same_polls_and_wakes() {
    let (by_rustc, by_hand) = (EventLog::new(), EventLog::new());
    let rustc = drive(pin!(two_awaits(by_rustc.clone())));
    let hand = drive(pin!(two_awaits_by_hand(by_hand.clone())));

    let expected = [Poll::Pending, Poll::Pending, Poll::Pending, Poll::Ready(3)];
    assert_eq!(
        rustc.answers, expected,
        "the async fn: 1 + 2 Pendings, then 3"
    );
    assert_eq!(
        hand.answers, rustc.answers,
        "the enum answers poll for poll alike"
    );
    assert_eq!(
        rustc.wakes, 3,
        "each inner Pending woke the waker it was given"
    );
    assert_eq!(
        hand.wakes, rustc.wakes,
        "the enum wakes as often as the async fn"
    );
    assert_eq!(by_rustc.entries(), LOG);
    assert_eq!(by_hand.entries(), LOG);
}

#[test]
fn the_state_enum_moves_through_its_variants_one_await_at_a_time() {
    let log = EventLog::new();
    let mut fut = two_awaits_by_hand(log.clone());
    assert!(matches!(fut, TwoAwaits::Unresumed { .. }));
    assert!(log.is_empty(), "calling it ran nothing");

    assert_eq!(poll_once(Pin::new(&mut fut)), Poll::Pending);
    assert!(matches!(fut, TwoAwaits::Suspend0 { .. }));
    assert_eq!(log.entries(), LOG[..1]);

    assert_eq!(poll_once(Pin::new(&mut fut)), Poll::Pending);
    assert!(matches!(fut, TwoAwaits::Suspend1 { first: 1, .. }));
    assert_eq!(log.entries(), LOG[..2]);

    // The second Countdown is Pending twice: the enum stays where it is.
    assert_eq!(poll_once(Pin::new(&mut fut)), Poll::Pending);
    assert!(matches!(fut, TwoAwaits::Suspend1 { first: 1, .. }));

    assert_eq!(poll_once(Pin::new(&mut fut)), Poll::Ready(3));
    assert!(matches!(fut, TwoAwaits::Returned));
    assert_eq!(log.entries(), LOG);
}

#[test]
fn polling_the_state_enum_after_returned_panics_like_the_async_fn() {
    fn panic_after_ready<F: Future>(fut: F) -> String {
        let mut fut = pin!(fut);
        while poll_once(fut.as_mut()).is_pending() {}
        let again =
            catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready()));
        let payload = again.expect_err("polled after Ready: it must panic");
        payload
            .downcast_ref::<&str>()
            .copied()
            .unwrap_or_default()
            .to_string()
    }
    let rustc = panic_after_ready(two_awaits(EventLog::new()));
    let hand = panic_after_ready(two_awaits_by_hand(EventLog::new()));
    assert_eq!(rustc, "`async fn` resumed after completion");
    assert_eq!(hand, rustc);
}

#[tokio::test]
async fn the_state_enum_runs_on_tokio_like_the_async_fn() {
    use tokio::time::{Duration, timeout};
    let (by_rustc, by_hand) = (EventLog::new(), EventLog::new());
    let bound = Duration::from_secs(10); // a lost wake fails, never hangs
    let rustc = timeout(bound, two_awaits(by_rustc.clone())).await;
    let hand = timeout(bound, two_awaits_by_hand(by_hand.clone())).await;
    assert_eq!(rustc.expect("the async fn never finished"), 3);
    assert_eq!(hand.expect("the state enum lost a wake"), 3);
    assert_eq!(by_hand.entries(), by_rustc.entries());
}

#[test]
fn the_state_enum_adds_the_first_result_it_saved() {
    use ch02_lazy_futures::countdown::Countdown;
    let mut fut = TwoAwaits::Suspend1 {
        log: EventLog::new(),
        first: 40, // as if the first await had given 40
        awaiting: Countdown::new(2),
    };
    let mut answer = poll_once(Pin::new(&mut fut));
    while answer.is_pending() {
        answer = poll_once(Pin::new(&mut fut));
    }
    assert_eq!(answer, Poll::Ready(42), "first (40) + the second await's 2");
}

#[test]
fn the_state_enum_is_unpin_because_it_holds_no_self_reference() {
    fn is_unpin<T: Unpin>(_: &T) -> bool {
        true
    }
    // Compiles only because `TwoAwaits: Unpin`; the async fn's future is not (the
    // chapter's compile_fail snippet shows it).
    assert!(is_unpin(&two_awaits_by_hand(EventLog::new())));
}

#[test]
fn an_async_fn_polled_again_after_a_panic_says_so() {
    async fn fails(fail: bool) -> u32 {
        assert!(!fail, "the body panicked");
        1
    }
    let mut fut = pin!(fails(true));
    let first =
        catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready()));
    assert!(first.is_err(), "the body's own panic");
    let again =
        catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready()));
    let payload = again.expect_err("a panicked async fn panics when polled again");
    let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(message, "`async fn` resumed after panicking");
}

#[test]
fn an_async_fn_argument_held_across_an_await_takes_two_places_in_the_future() {
    use ch02_lazy_futures::countdown::Countdown;
    use std::hint::black_box;
    use std::mem::size_of_val;

    async fn argument(buf: [u8; 1024]) -> u8 {
        Countdown::new(1).await;
        black_box(buf)[0]
    }
    async fn local() -> u8 {
        let buf = black_box([0u8; 1024]);
        Countdown::new(1).await;
        black_box(buf)[0]
    }
    // The argument is captured where the call stored it, then moved into the
    // body's own local at the first poll; both slots stay in the layout
    // (rust-lang/rust#62958). The local has one slot.
    let (by_argument, by_local) = (argument([0; 1024]), local());
    assert!(
        size_of_val(&by_argument) >= 2048,
        "{}",
        size_of_val(&by_argument)
    );
    assert!(size_of_val(&by_local) < 2048, "{}", size_of_val(&by_local));
}
