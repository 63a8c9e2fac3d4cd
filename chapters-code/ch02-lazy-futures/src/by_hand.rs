//! Polling a future ourselves, with a waker that does nothing.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use crate::countdown::Countdown;
use crate::event_log::EventLog;

// ANCHOR: poll_trace
/// Polls `fut` until it is ready (or `max_polls` times) and returns every answer, in
/// order.
///
/// The waker is [`Waker::noop`]: waking it does nothing, which is fine because we
/// poll in a loop anyway. A real executor would instead sleep until the waker is
/// called.
pub fn poll_trace<F: Future>(fut: F, max_polls: usize) -> Vec<Poll<F::Output>> {
    // `poll` takes `Pin<&mut Self>`: an async state machine may point into itself,
    // so it must not move once polled. `pin!` pins it on this stack frame.
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    let mut answers = Vec::new();
    for _ in 0..max_polls {
        let answer = fut.as_mut().poll(&mut cx);
        let ready = answer.is_ready();
        answers.push(answer);
        if ready {
            break;
        }
    }
    answers
}
// ANCHOR_END: poll_trace

/// Polls a pinned future exactly once with a no-op waker.
///
/// Handy to step a future and look at its side effects between polls.
pub fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

// ANCHOR: two_steps
/// An async body with one suspension point in the middle.
///
/// The first poll runs it up to the `.await` (and no further); the second poll
/// resumes it there.
pub async fn two_steps(log: EventLog) -> &'static str {
    log.record("step 1");
    Countdown::new(1).await; // Pending once: the body is suspended here.
    log.record("step 2");
    "done"
}
// ANCHOR_END: two_steps
