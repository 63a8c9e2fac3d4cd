//! What the row tests share: a log, a guard that logs its drop, and a scenario
//! runner on the virtual clock.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch07_executors::{EventLoop, ThreadedCore};

/// What happened, in order.
pub type Log = Rc<RefCell<Vec<&'static str>>>;

pub fn push(log: &Log, entry: &'static str) {
    log.borrow_mut().push(entry);
}

/// `secs(1.5)` is 1.5 s.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Logs its label when dropped: shows when a future is dropped, cancelled or not.
pub struct DropGuard(pub Log, pub &'static str);

impl Drop for DropGuard {
    fn drop(&mut self) {
        push(&self.0, self.1);
    }
}

/// Runs `scenario(handle)` to completion on a fresh loop on the virtual clock;
/// returns the loop, for what the test checks afterwards, and the output.
#[track_caller]
pub fn run<F>(scenario: impl FnOnce(Rc<ThreadedCore>) -> F) -> (EventLoop, F::Output)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let lp = EventLoop::virtual_time();
    let output = lp
        .run_until_complete(scenario(lp.handle()))
        .expect("the scenario runs to completion");
    (lp, output)
}
