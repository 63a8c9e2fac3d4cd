//! Scenarios shared by the tests and the diagrams.
#![allow(dead_code)]

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{EventLoop, TimerCore};

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

/// Two tasks sleep 1 s and 2 s at the same time; returns the loop and the times they
/// woke.
pub fn two_sleepers_scenario() -> (EventLoop, Vec<(String, Duration)>) {
    let lp = EventLoop::virtual_time_traced();
    let woke: Rc<RefCell<Vec<(String, Duration)>>> = Rc::default();
    for (name, delay) in [("A", 1.0), ("B", 2.0)] {
        let (handle, woke) = (lp.handle(), woke.clone());
        lp.spawn_named(name, async move {
            handle.sleep(secs(delay)).await;
            woke.borrow_mut().push((name.to_string(), handle.time()));
        });
    }
    lp.run_until_idle();
    let woke = woke.borrow().clone();
    (lp, woke)
}

/// A timer that is due and a callback queued in the same iteration; `notes_order`
/// runs the iterations in the order of the notes' pseudo-code instead of CPython's.
pub fn due_timer_vs_call_soon_scenario(notes_order: bool) -> (EventLoop, Log) {
    let lp = EventLoop::virtual_time_traced();
    let log: Log = Rc::default();
    let l = log.clone();
    lp.call_later_named("T", Duration::ZERO, move || {
        l.borrow_mut().push("T".into())
    });
    let (l, handle) = (log.clone(), lp.handle());
    lp.call_soon_named("X", move || {
        l.borrow_mut().push("X".into());
        let l = l.clone();
        handle.call_soon_named("Y", move || l.borrow_mut().push("Y".into()));
    });
    for _ in 0..2 {
        if notes_order {
            lp.run_once_notes_order();
        } else {
            lp.run_once();
        }
    }
    (lp, log)
}
