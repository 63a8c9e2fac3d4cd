//! A lazy `to_thread`, as CPython writes it.
//!
//! `asyncio.to_thread` (`Lib/asyncio/threads.py`) is an `async def`: calling it
//! builds a coroutine and runs none of its body, so `loop.run_in_executor` is
//! called only when the coroutine is first resumed. Never awaited, the function
//! never runs. `loop.run_in_executor` (`Lib/asyncio/base_events.py`) is a plain
//! method that calls `executor.submit` at once: never awaited, the function runs
//! anyway. Chapter 7's `ThreadedCore::to_thread` calls `run_in_executor` at once,
//! so it behaves like the second. An `async` block around it makes it the first.

use std::future::Future;
use std::rc::Rc;

use ch07_executors::{JobError, ThreadedCore};

// ANCHOR: lazy_to_thread
/// `asyncio.to_thread(func)`: runs `func` on the loop's default pool, but only once
/// the returned future is first polled. Dropped unpolled, `func` never runs.
pub fn to_thread<F, T>(
    core: &Rc<ThreadedCore>,
    func: F,
) -> impl Future<Output = Result<T, JobError>> + 'static
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let core = core.clone();
    // The body of an async block runs at the first poll: that is the laziness.
    async move { core.to_thread(func).await }
}
// ANCHOR_END: lazy_to_thread
