//! Helpers shared by the tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use ch03_ready_queue::{Core, EventLoop, JoinHandle};

/// A shared list of what happened, in order.
pub type Log = Rc<RefCell<Vec<String>>>;

/// A new, empty log.
pub fn log() -> Log {
    Log::default()
}

/// Appends `entry` to `log`.
pub fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

/// A callback that appends `entry` to `log` when it runs.
pub fn logs(log: &Log, entry: &'static str) -> impl FnOnce() + 'static {
    let log = log.clone();
    move || push(&log, entry)
}

/// Spawns a task whose body appends `entry` to `log`.
pub fn spawn_logging(
    lp: &EventLoop,
    log: &Log,
    entry: &'static str,
) -> JoinHandle<()> {
    let log = log.clone();
    lp.spawn(async move { push(&log, entry) })
}

/// Runs `main(core)` to completion on a fresh loop; returns the loop, for what the
/// test checks afterwards, and the output.
#[track_caller]
pub fn run_main<F>(main: impl FnOnce(Rc<Core>) -> F) -> (EventLoop, F::Output)
where
    F: Future + 'static,
    F::Output: 'static,
{
    run_main_expecting("the main future runs to completion", main)
}

/// [`run_main`], failing with `expectation` if the loop cannot run `main` to the
/// end.
#[track_caller]
pub fn run_main_expecting<F>(
    expectation: &str,
    main: impl FnOnce(Rc<Core>) -> F,
) -> (EventLoop, F::Output)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let lp = EventLoop::new();
    let output = lp.run_until_complete(main(lp.handle())).expect(expectation);
    (lp, output)
}
