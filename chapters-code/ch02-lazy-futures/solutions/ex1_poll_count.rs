//! Exercise 1, reference solution: count the polls.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};

/// How many polls `fut` needs to become ready under a no-op waker.
pub fn poll_count<F: Future>(fut: F) -> usize {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 1;
    while fut.as_mut().poll(&mut cx).is_pending() {
        polls += 1;
    }
    polls
}
