//! A future written by hand: the same kind of state machine the compiler makes of
//! an `async fn`, spelled out.
//!
//! Each `Pending` first calls `wake_by_ref`: the contract of [`Future::poll`] is
//! that a future returning `Pending` has arranged for its waker to be woken when it
//! can make progress. A `Countdown` can make progress at once, so it wakes itself;
//! an executor then polls it again.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: countdown
/// A future that answers `Poll::Pending` `n` times, then `Poll::Ready(n)`.
#[derive(Debug)]
pub struct Countdown {
    total: u32,
    state: CountdownState,
}

/// Its states: the compiler keeps an `async fn`'s state in an enum of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountdownState {
    /// Built, never polled: rustc's `Unresumed`.
    Unresumed,
    /// Polled at least once; this many more `Pending`s to go.
    Counting(u32),
    /// Returned `Ready`; must not be polled again.
    Done,
}

impl Future for Countdown {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let left = match self.state {
            // The first poll leaves Unresumed: only now does any "body" run.
            CountdownState::Unresumed => self.total,
            CountdownState::Counting(left) => left,
            CountdownState::Done => panic!("Countdown polled after Ready"),
        };
        if left == 0 {
            self.state = CountdownState::Done;
            return Poll::Ready(self.total);
        }
        self.state = CountdownState::Counting(left - 1);
        // Without this wake, a real executor would never poll us again.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: countdown

impl Countdown {
    /// A countdown that will be `Pending` `n` times before it is ready. Nothing runs
    /// here: the state is `Unresumed` until the first poll.
    pub fn new(n: u32) -> Self {
        Self {
            total: n,
            state: CountdownState::Unresumed,
        }
    }

    /// Where the state machine is now.
    pub fn state(&self) -> CountdownState {
        self.state
    }
}
