//! Exercise 2: a debouncer.
//!
//! A `Debouncer` runs its callback once things have been quiet for `delay`: each
//! `trigger()` (re)starts the wait, so a burst of triggers gives one call, `delay`
//! after the *last* one. Only one timer of yours may be waiting at any moment: a new
//! trigger cancels the previous timer instead of leaving it in the heap to fire for
//! nothing.

use std::rc::Rc;
use std::time::Duration;

use crate::TimerCore;

/// Runs a callback `delay` after the last of a burst of triggers.
#[derive(Debug)]
pub struct Debouncer {
    // Add the loop, the delay, the callback and the pending timer.
}

impl Debouncer {
    /// A debouncer on `timers`' loop; nothing is scheduled until the first
    /// `trigger`.
    pub fn new(
        timers: &Rc<TimerCore>,
        delay: Duration,
        callback: impl FnMut() + 'static,
    ) -> Self {
        let _ = (timers, delay, callback);
        todo!("exercise 2: store what trigger needs")
    }

    /// Restarts the wait: the callback runs `delay` from now, unless triggered again
    /// first.
    pub fn trigger(&self) {
        todo!("exercise 2: cancel the pending timer, schedule a new one")
    }
}
