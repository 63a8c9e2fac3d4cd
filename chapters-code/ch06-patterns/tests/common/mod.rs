//! Helpers shared by the tests.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ch04_timers::{EventLoop, TimerCore};

/// A shared list of what happened, in order.
pub type Log = Rc<RefCell<Vec<String>>>;

/// `secs(1.5)` is 1.5 s.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// A fresh loop on the virtual clock and an empty log, for scenarios that record
/// what happens.
pub fn virtual_loop_with_log() -> (EventLoop, Log) {
    (EventLoop::virtual_time(), Log::default())
}

/// Runs `scenario(handle, log)` to completion on a fresh virtual-time loop with an
/// empty log; returns the loop, for what the test checks afterwards, the scenario's
/// output and the log.
#[track_caller]
pub fn run_logged<F>(
    scenario: impl FnOnce(Rc<TimerCore>, Log) -> F,
) -> (EventLoop, F::Output, Log)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let (lp, log) = virtual_loop_with_log();
    let output = lp
        .run_until_complete(scenario(lp.handle(), log.clone()))
        .expect("the scenario runs to completion");
    (lp, output, log)
}

/// Runs `scenario(handle)` to completion on a fresh virtual-time loop; returns the
/// loop, for what the test checks afterwards, and the scenario's output.
#[track_caller]
pub fn run_virtual<F>(
    scenario: impl FnOnce(Rc<TimerCore>) -> F,
) -> (EventLoop, F::Output)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let (lp, output, _) = run_logged(|handle, _| scenario(handle));
    (lp, output)
}

/// Waits until `cond` holds; `false` after 10 s (a guard against hanging if the
/// claim is false, not a timing assertion: on success it returns as soon as `cond`
/// holds).
pub fn wait_until(cond: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::yield_now();
    }
    true
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
