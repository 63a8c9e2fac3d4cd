//! Helpers shared by the tests.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// A shared list of what happened, in order.
pub type Log = Rc<RefCell<Vec<String>>>;

/// `secs(1.5)` is 1.5 s.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Logs `"<name> dropped"` when dropped: shows when a future is cancelled.
pub struct DropGuard(pub Log, pub &'static str);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.borrow_mut().push(format!("{} dropped", self.1));
    }
}

/// Counts how many are inside at once, and the most there ever were.
#[derive(Default)]
pub struct Gauge {
    active: Cell<usize>,
    peak: Cell<usize>,
}

impl Gauge {
    /// Enters; the returned guard leaves when dropped.
    pub fn enter(self: &Rc<Self>) -> GaugeGuard {
        self.active.set(self.active.get() + 1);
        self.peak.set(self.peak.get().max(self.active.get()));
        GaugeGuard(self.clone())
    }

    /// The most that were ever inside at once.
    pub fn peak(&self) -> usize {
        self.peak.get()
    }
}

/// One holder of a [`Gauge`].
pub struct GaugeGuard(Rc<Gauge>);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.active.set(self.0.active.get() - 1);
    }
}
