//! A future written by hand: the same kind of state machine the compiler makes of
//! an `async fn`, spelled out.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ANCHOR: countdown
/// A future that answers `Poll::Pending` `n` times, then `Poll::Ready(n)`.
///
/// Each `Pending` first calls `wake_by_ref`: the contract of [`Future::poll`] is
/// that a future returning `Pending` has arranged for its waker to be woken when it
/// can make progress. Here it can make progress at once, so it wakes itself; an
/// executor then polls it again.
#[derive(Debug)]
pub struct Countdown {
    state: CountdownState,
}

/// The states, as an enum: the compiler keeps an `async fn`'s state in an enum of
/// the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountdownState {
    /// Built but never polled (rustc calls this state of an async body `Unresumed`).
    Unresumed {
        /// How many `Pending`s to answer.
        total: u32,
    },
    /// Polled at least once, `left` more `Pending`s to go.
    Counting {
        /// How many `Pending`s were asked for.
        total: u32,
        /// How many are left.
        left: u32,
    },
    /// Returned `Ready`; must not be polled again.
    Done,
}

impl Countdown {
    /// A countdown that will be `Pending` `n` times before it is ready.
    pub fn new(n: u32) -> Self {
        Self {
            state: CountdownState::Unresumed { total: n },
        }
    }

    /// Where the state machine is now.
    pub fn state(&self) -> CountdownState {
        self.state
    }
}

impl Future for Countdown {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // The first poll moves out of Unresumed: only now does any "body" run.
        if let CountdownState::Unresumed { total } = self.state {
            self.state = CountdownState::Counting { total, left: total };
        }
        match self.state {
            CountdownState::Counting { total, left: 0 } => {
                self.state = CountdownState::Done;
                Poll::Ready(total)
            }
            CountdownState::Counting { total, left } => {
                self.state = CountdownState::Counting {
                    total,
                    left: left - 1,
                };
                // Without this wake, a real executor would never poll us again.
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            CountdownState::Done => {
                panic!("Countdown polled after it returned Ready")
            }
            CountdownState::Unresumed { .. } => {
                unreachable!("left Unresumed just above")
            }
        }
    }
}
// ANCHOR_END: countdown
