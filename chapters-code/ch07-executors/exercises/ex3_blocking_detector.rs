//! Exercise 3: find the callbacks that block the loop.
//!
//! asyncio's debug mode logs every callback that held the loop for
//! `loop.slow_callback_duration` (0.1 s) or more: "Executing <Handle ...> took 0.250
//! seconds" (`_run_once` tests `dt >= self.slow_callback_duration`). Write that:
//! `detector.wrap(label, f)` returns a callback that runs `f` and, if it took the
//! threshold or longer *on the loop's clock*, records `(label, how long)`.
//! `report()` lists the slow ones in the order they ran. On a virtual clock, a
//! callback that calls `clock.advance(..)` plays a slow one, so the tests are exact:
//! a callback of exactly the threshold is reported.

use std::rc::Rc;
use std::time::Duration;

use ch04_timers::TimerCore;

/// Records callbacks that took a threshold or longer.
pub struct BlockingDetector {
    _todo: (),
}

impl BlockingDetector {
    /// A detector on `timers`' clock, reporting callbacks that take `threshold` or
    /// longer.
    pub fn new(timers: Rc<TimerCore>, threshold: Duration) -> Self {
        let _ = (timers, threshold);
        todo!("exercise 3: keep the clock, the threshold and a shared report")
    }

    /// `f`, measured: runs it, and records `label` if it took the threshold or
    /// longer.
    pub fn wrap(
        &self,
        label: &str,
        f: impl FnOnce() + 'static,
    ) -> impl FnOnce() + 'static {
        let _ = (label, f);
        || todo!("exercise 3: time() before, f(), time() after")
    }

    /// The slow callbacks so far: label and duration, in the order they ran.
    pub fn report(&self) -> Vec<(String, Duration)> {
        todo!("exercise 3: a copy of the report")
    }
}
