//! Exercise 2: back-pressure for `run_in_executor`. Reference solution.

use std::rc::Rc;
use std::sync::Arc;

use ch06_patterns::Semaphore;

use crate::{JobError, ThreadPool, ThreadedCore};

/// `run_in_executor` with at most `limit` jobs in flight.
pub struct BoundedExecutor {
    core: Rc<ThreadedCore>,
    pool: Arc<ThreadPool>,
    room: Semaphore,
}

impl BoundedExecutor {
    /// An executor over `pool` for the loop `core`, with at most `limit` jobs in
    /// flight.
    pub fn new(core: Rc<ThreadedCore>, pool: Arc<ThreadPool>, limit: usize) -> Self {
        Self {
            core,
            pool,
            room: Semaphore::new(limit),
        }
    }

    /// Waits for room, runs `func` on the pool, and returns its result.
    pub async fn run<F, T>(&self, func: F) -> Result<T, JobError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.room.acquire().await;
        let job = self
            .core
            .run_in_executor(&self.pool, func)
            .expect("the pool is running");
        job.await // the permit is released here, once the result is back on the loop
    }
}
