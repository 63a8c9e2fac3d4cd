//! Exercise 2: a bounded job queue, with back-pressure. Reference solution.

use std::rc::Rc;

use ch03_ready_queue::JoinHandle;
use ch05_io::IoCore;
use ch06_patterns::Semaphore;

use crate::job::Job;
use crate::pool::{JobError, ProcessPool};

/// A [`ProcessPool`] that holds at most `limit` of its jobs at once.
pub struct BoundedPool {
    io: Rc<IoCore>,
    pool: Rc<ProcessPool>,
    places: Semaphore,
}

// ANCHOR: bounded_submit
impl BoundedPool {
    /// At most `limit` jobs at once in `pool`, whose loop's core is `io`.
    pub fn new(io: &Rc<IoCore>, pool: Rc<ProcessPool>, limit: usize) -> Self {
        let io = io.clone();
        let places = Semaphore::new(limit);
        Self { io, pool, places }
    }

    /// Waits until fewer than `limit` jobs are in the pool, submits `job`, and
    /// returns a handle to its outcome.
    pub async fn submit<J>(&self, job: J) -> JoinHandle<Result<J::Output, JobError>>
    where
        J: Job,
        J::Output: 'static,
    {
        let place = self.places.acquire().await; // the back-pressure
        let output = self.pool.submit(job);
        // The done-callback: a task that frees the place once the job is done,
        // whether or not anyone awaits the handle.
        self.io.spawn(async move {
            let outcome = output.await;
            drop(place);
            outcome
        })
    }
}
// ANCHOR_END: bounded_submit
