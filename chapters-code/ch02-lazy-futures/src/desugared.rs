//! An `async fn` with two `.await`s, and the state machine rustc roughly makes of
//! it, written by hand.
//!
//! rustc's real future differs in layout: locals that are never alive at the same
//! time may share storage, a `Panicked` state marks a body that unwound, and the
//! type is `!Unpin` because a body may borrow its own locals across an `.await`.
//! This one holds no such borrow, so it is `Unpin` and needs no `unsafe`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::countdown::Countdown;
use crate::event_log::EventLog;

// ANCHOR: two_awaits
/// Two suspension points; `first` is a local that lives across the second one.
pub async fn two_awaits(log: EventLog) -> u32 {
    log.record("start");
    let first = Countdown::new(1).await; // Pending once: Suspend0
    log.record(format!("first await gave {first}"));
    let second = Countdown::new(2).await; // Pending twice: Suspend1
    log.record(format!("second await gave {second}"));
    first + second
}
// ANCHOR_END: two_awaits

// ANCHOR: state_enum
/// `two_awaits`, desugared by hand: one variant per place the body can be.
#[derive(Debug)]
#[allow(missing_docs)] // each variant's comment says what its fields hold
pub enum TwoAwaits {
    /// Called, never polled: holds the arguments.
    Unresumed { log: EventLog },
    /// Stopped at the first `.await`: the live locals and the future it awaits.
    Suspend0 { log: EventLog, awaiting: Countdown },
    /// Stopped at the second `.await`: `first` is still needed after it.
    Suspend1 {
        log: EventLog,
        first: u32,
        awaiting: Countdown,
    },
    /// Finished: polling again is a bug.
    Returned,
}

/// What calling `two_awaits(log)` does: store the argument, run nothing.
pub fn two_awaits_by_hand(log: EventLog) -> TwoAwaits {
    TwoAwaits::Unresumed { log }
}
// ANCHOR_END: state_enum

// ANCHOR: state_poll
impl Future for TwoAwaits {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Every field is `Unpin` and none points into the enum, so the enum is
        // `Unpin`: we may take a plain `&mut` to it.
        let state = self.get_mut();
        // Each pass runs the body from one `.await` to the next. It leaves the loop
        // only when an inner future is Pending (`ready!` returns) or at the end.
        loop {
            match state {
                TwoAwaits::Unresumed { log } => {
                    log.record("start");
                    let log = std::mem::take(log);
                    let awaiting = Countdown::new(1);
                    *state = TwoAwaits::Suspend0 { log, awaiting };
                }
                TwoAwaits::Suspend0 { log, awaiting } => {
                    // Pending: return Pending and stay in Suspend0. The inner future
                    // has arranged the wake-up, with our `cx`.
                    let first = ready!(Pin::new(awaiting).poll(cx));
                    log.record(format!("first await gave {first}"));
                    let log = std::mem::take(log);
                    let awaiting = Countdown::new(2);
                    *state = TwoAwaits::Suspend1 {
                        log,
                        first,
                        awaiting,
                    };
                }
                TwoAwaits::Suspend1 {
                    log,
                    first,
                    awaiting,
                } => {
                    let second = ready!(Pin::new(awaiting).poll(cx));
                    log.record(format!("second await gave {second}"));
                    let output = *first + second;
                    // Leaving Suspend1 drops `log`, as the end of the body does.
                    *state = TwoAwaits::Returned;
                    return Poll::Ready(output);
                }
                TwoAwaits::Returned => {
                    panic!("`async fn` resumed after completion")
                }
            }
        }
    }
}
// ANCHOR_END: state_poll
