//! Exercise 3: find the callbacks that block the loop. Reference solution.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::TimerCore;

/// Records callbacks that took a threshold or longer.
pub struct BlockingDetector {
    timers: Rc<TimerCore>,
    threshold: Duration,
    slow: Rc<RefCell<Vec<(String, Duration)>>>,
}

impl BlockingDetector {
    /// A detector on `timers`' clock, reporting callbacks that take `threshold` or
    /// longer.
    pub fn new(timers: Rc<TimerCore>, threshold: Duration) -> Self {
        Self {
            timers,
            threshold,
            slow: Rc::default(),
        }
    }

    /// `f`, measured: runs it, and records `label` if it took the threshold or
    /// longer.
    pub fn wrap(
        &self,
        label: &str,
        f: impl FnOnce() + 'static,
    ) -> impl FnOnce() + 'static {
        let (timers, threshold, slow) =
            (self.timers.clone(), self.threshold, self.slow.clone());
        let label = label.to_string();
        move || {
            let start = timers.time();
            f();
            let took = timers.time() - start;
            if took >= threshold {
                // CPython's `_run_once`: `if dt >= self.slow_callback_duration`.
                slow.borrow_mut().push((label, took));
            }
        }
    }

    /// The slow callbacks so far: label and duration, in the order they ran.
    pub fn report(&self) -> Vec<(String, Duration)> {
        self.slow.borrow().clone()
    }
}
