//! Exercise 3: a repeating timer, JavaScript's `setInterval`.
//!
//! `call_every(timers, period, callback)` must run `callback` at `start + period`,
//! `start + 2 * period`, ... where `start` is the loop's time when `call_every` is
//! called, until the returned [`Repeating`] is cancelled. The ticks must not drift:
//! a callback that takes 300 ms does not push the next tick 300 ms later. After
//! `cancel()`, no timer of yours may be left waiting in the heap.

use std::rc::Rc;
use std::time::Duration;

use crate::TimerCore;

/// A running repeating timer.
#[derive(Debug)]
pub struct Repeating {
    // Add what `cancel` needs.
}

impl Repeating {
    /// Stops the ticks: the pending timer is cancelled and no more are scheduled.
    pub fn cancel(&self) {
        todo!("exercise 3: cancel the pending tick and stop scheduling new ones")
    }
}

/// Runs `callback` every `period`, starting one period from now.
pub fn call_every(
    timers: &Rc<TimerCore>,
    period: Duration,
    callback: impl FnMut() + 'static,
) -> Repeating {
    let _ = (timers, period, callback);
    todo!(
        "exercise 3: schedule the first tick with call_at; each tick schedules the \
         next"
    )
}
