//! Exercise 2: a bounded job queue, with back-pressure.
//!
//! [`ProcessPool::submit`] never waits: a producer faster than the workers
//! fills the queue, and every queued job holds its input in memory. A
//! `BoundedPool` lets at most `limit` of its jobs be in the pool at once, queued
//! or running. `submit(job).await` waits on the loop, without blocking it, while
//! `limit` are there; it goes on as soon as one of them finishes. It returns a
//! handle to the job's outcome. A finished job gives its place back even if
//! nobody awaits its handle yet.

use std::rc::Rc;

use ch03_ready_queue::JoinHandle;
use ch05_io::IoCore;

use crate::job::Job;
use crate::pool::{JobError, ProcessPool};

/// A [`ProcessPool`] that holds at most `limit` of its jobs at once.
pub struct BoundedPool {
    _todo: (),
}

impl BoundedPool {
    /// At most `limit` jobs at once in `pool`, whose loop's core is `io`.
    pub fn new(io: &Rc<IoCore>, pool: Rc<ProcessPool>, limit: usize) -> Self {
        let _ = (io, pool, limit);
        todo!("exercise 2: keep the core, the pool and a Semaphore(limit)")
    }

    /// Waits until fewer than `limit` jobs are in the pool, submits `job`, and
    /// returns a handle to its outcome.
    pub async fn submit<J>(&self, job: J) -> JoinHandle<Result<J::Output, JobError>>
    where
        J: Job,
        J::Output: 'static,
    {
        let _ = job;
        todo!("exercise 2: a place, then submit, then give the place back when done")
    }
}
