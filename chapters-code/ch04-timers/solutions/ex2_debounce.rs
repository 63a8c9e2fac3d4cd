//! Exercise 2, reference solution: a debouncer.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use crate::{TimerCore, TimerHandle};

/// Runs a callback `delay` after the last of a burst of triggers.
pub struct Debouncer {
    timers: Rc<TimerCore>,
    delay: Duration,
    callback: Rc<RefCell<dyn FnMut()>>,
    pending: RefCell<Option<TimerHandle>>,
}

impl fmt::Debug for Debouncer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Debouncer")
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl Debouncer {
    /// A debouncer on `timers`' loop; nothing is scheduled until the first
    /// `trigger`.
    pub fn new(
        timers: &Rc<TimerCore>,
        delay: Duration,
        callback: impl FnMut() + 'static,
    ) -> Self {
        Self {
            timers: timers.clone(),
            delay,
            callback: Rc::new(RefCell::new(callback)),
            pending: RefCell::new(None),
        }
    }

    /// Restarts the wait: the callback runs `delay` from now, unless triggered again
    /// first.
    pub fn trigger(&self) {
        if let Some(previous) = self.pending.borrow_mut().take() {
            previous.cancel();
        }
        let callback = self.callback.clone();
        let timer =
            self.timers
                .call_later_named("debounce", self.delay, move || {
                    (callback.borrow_mut())()
                });
        *self.pending.borrow_mut() = Some(timer);
    }
}
