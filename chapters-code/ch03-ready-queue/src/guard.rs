//! One running loop per thread.
//!
//! asyncio keeps the running loop in a thread-local (`events._set_running_loop`),
//! and `BaseEventLoop._check_running` refuses to start a second one on the same
//! thread. So do we.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use crate::core::Core;
use crate::join::JoinError;

thread_local! {
    static RUNNING: RefCell<Option<Rc<Core>>> = const { RefCell::new(None) };
}

/// Why a loop did not run, or did not finish what it was asked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// This loop is already running (a callback tried to run it again).
    AlreadyRunning,
    /// Another loop is running on this thread.
    AnotherLoopRunning,
    /// Nothing is ready and nothing can make anything ready: CPython would block in
    /// `select()` forever. (With timers, chapter 4, and I/O, chapter 5, there is
    /// more to wait for.)
    Stalled,
    /// `stop()` ended the run before the future was done.
    StoppedBeforeComplete,
    /// The future passed to `run_until_complete` panicked or was cancelled.
    Task(JoinError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // CPython's words, where CPython has the case.
            RunError::AlreadyRunning => {
                f.write_str("This event loop is already running")
            }
            RunError::AnotherLoopRunning => f.write_str(
                "Cannot run the event loop while another loop is running",
            ),
            RunError::Stalled => f.write_str(
                "nothing is ready and nothing can wake the loop: it would wait \
                 forever",
            ),
            RunError::StoppedBeforeComplete => {
                f.write_str("Event loop stopped before Future completed.")
            }
            RunError::Task(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for RunError {}

// ANCHOR: run_guard
/// Proof that `core` is this thread's running loop; dropping it clears the mark.
#[derive(Debug)]
pub struct RunGuard {
    core: Rc<Core>,
}

impl RunGuard {
    /// Marks `core` as this thread's running loop, or refuses with asyncio's
    /// messages.
    pub fn enter(core: &Rc<Core>) -> Result<Self, RunError> {
        Self::check(core)?;
        RUNNING.with(|running| *running.borrow_mut() = Some(core.clone()));
        core.set_running(true);
        Ok(Self { core: core.clone() })
    }

    /// Whether `core` could start running now (asyncio's `_check_running`).
    pub fn check(core: &Rc<Core>) -> Result<(), RunError> {
        if core.is_running() {
            return Err(RunError::AlreadyRunning);
        }
        if RUNNING.with(|running| running.borrow().is_some()) {
            return Err(RunError::AnotherLoopRunning);
        }
        Ok(())
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.core.set_running(false);
        let _ = RUNNING.try_with(|running| running.borrow_mut().take());
    }
}
// ANCHOR_END: run_guard

/// The loop running on this thread, if any: asyncio's `get_running_loop()`, which
/// lets a task spawn more tasks without being handed the loop.
pub fn current_loop() -> Option<Rc<Core>> {
    RUNNING.with(|running| running.borrow().clone())
}
