//! Exercise 2: back-pressure for `run_in_executor`.
//!
//! A `BoundedExecutor` sends jobs to a pool, but never has more than `limit` of them
//! in flight (submitted and not yet returned to the loop). `run(func).await` waits,
//! without blocking the loop, until there is room; then it submits `func` and waits
//! for its result. With a limit of 2 and ten slow jobs, at most 2 are ever running
//! on the pool.

use std::rc::Rc;
use std::sync::Arc;

use crate::{JobError, ThreadPool, ThreadedCore};

/// `run_in_executor` with at most `limit` jobs in flight.
pub struct BoundedExecutor {
    _todo: (),
}

impl BoundedExecutor {
    /// An executor over `pool` for the loop `core`, with at most `limit` jobs in
    /// flight.
    pub fn new(core: Rc<ThreadedCore>, pool: Arc<ThreadPool>, limit: usize) -> Self {
        let _ = (core, pool, limit);
        todo!("exercise 2: keep the core, the pool and a Semaphore(limit)")
    }

    /// Waits for room, runs `func` on the pool, and returns its result.
    pub async fn run<F, T>(&self, func: F) -> Result<T, JobError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _ = func;
        todo!("exercise 2: a permit, then run_in_executor, then the result")
    }
}
