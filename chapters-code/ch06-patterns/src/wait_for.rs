//! `wait_for` with CPython's rule for a timeout of zero.
//!
//! Chapter 4's `TimerCore::wait_for` races the future against a timer. For
//! `timeout <= 0` CPython takes another path (`Lib/asyncio/tasks.py`, `wait_for`,
//! 3.11): it wraps the coroutine in a task, and since a new task is not `done()`,
//! cancels it with `_cancel_and_wait` before its first step and raises
//! `TimeoutError`. The cancellation is thrown into the coroutine at its first line:
//! its body never runs. A Rust future can be dropped unpolled, which is the same
//! thing.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{TimeoutError, TimerCore};

// ANCHOR: wait_for
/// `asyncio.wait_for(fut, timeout)`: `fut`'s output if it finishes within `timeout`,
/// else `TimeoutError`, with `fut` dropped first. A zero timeout drops `fut` without
/// polling it: its body never starts, as in CPython.
pub fn wait_for<F: Future>(
    timers: &Rc<TimerCore>,
    fut: F,
    timeout: Duration,
) -> impl Future<Output = Result<F::Output, TimeoutError>> + use<F> {
    let timers = timers.clone();
    async move {
        if timeout.is_zero() {
            drop(fut); // never polled: the body never ran
            return Err(TimeoutError { timeout });
        }
        timers.wait_for(fut, timeout).await // chapter 4's race against a timer
    }
}
// ANCHOR_END: wait_for
