//! "Will this block the loop?", answered by running it.
//!
//! A line of async code gives the loop a turn only if it makes its task return
//! `Pending`. [`measure`] awaits a future and watches for that from outside: it
//! counts the loop's iterations meanwhile, and it checks whether another task, ready
//! when the await began, got to run before it ended.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use ch03_ready_queue::Core;

/// What awaiting a future did to the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured<T> {
    /// What the future gave.
    pub output: T,
    /// How many iterations of the loop began while it was awaited.
    pub iterations: u64,
    /// Whether another task, ready when the await began, ran before it ended.
    pub others_ran: bool,
}

/// Awaits `future` in the calling task and reports whether the loop got a turn
/// meanwhile. A probe task is spawned first: it is ready, so it runs in the loop's
/// next iteration. A future that returns `Pending` lets that iteration come; a
/// future that blocks the thread, or is ready at its first poll, does not.
pub async fn measure<F: Future>(core: &Rc<Core>, future: F) -> Measured<F::Output> {
    let ran = Rc::new(Cell::new(false));
    let mark = ran.clone();
    let probe = core.spawn_named("probe", async move { mark.set(true) });
    let before = core.iteration();
    let output = future.await;
    let iterations = core.iteration() - before;
    probe.cancel(); // a probe that has not run by now never will
    Measured {
        output,
        iterations,
        others_ran: ran.get(),
    }
}
