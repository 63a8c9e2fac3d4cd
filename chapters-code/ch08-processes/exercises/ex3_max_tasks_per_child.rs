//! Exercise 3: `maxtasksperchild`, a worker that retires after N jobs.
//!
//! `multiprocessing.Pool(maxtasksperchild=N)` lets each worker process run N
//! tasks, then exit; the pool starts a fresh one in its place. A worker that
//! leaks memory, or keeps state between jobs by accident, starts clean again. In
//! `Lib/multiprocessing/pool.py`, `worker()` counts its tasks (a task that raised
//! counts too) and returns after the N-th, and `_maintain_pool` replaces it.
//!
//! A `RecyclingWorker` is one such worker process, driven by the loop. `run(job)`
//! runs one job on the current process; after its `max_tasks`-th job the process
//! retires: its stdin is closed, it exits on its own (status 0), and it is reaped.
//! The next job gets a fresh process. `max_tasks` of 0 panics with CPython's
//! message, "maxtasksperchild must be a positive int or None". Dropping the
//! `RecyclingWorker` kills and reaps its process.

use std::io;
use std::path::Path;
use std::process::ExitStatus;
use std::rc::Rc;

use ch05_io::IoCore;

use crate::job::Job;
use crate::pool::JobError;

/// One worker process at a time, replaced after `max_tasks` jobs.
pub struct RecyclingWorker {
    _todo: (),
}

impl RecyclingWorker {
    /// Starts the first worker process, running `program`, on the loop whose core
    /// is `io`; it will run at most `max_tasks` jobs.
    ///
    /// # Panics
    /// If `max_tasks` is 0.
    pub fn start(
        io: &Rc<IoCore>,
        program: impl AsRef<Path>,
        max_tasks: usize,
    ) -> io::Result<Self> {
        let _ = (io, program.as_ref(), max_tasks);
        todo!("exercise 3: check max_tasks, start worker number 1")
    }

    /// Runs `job` on the current worker process (a fresh one if the last retired)
    /// and returns its output. A job that fails still counts.
    pub async fn run<J: Job>(&mut self, job: J) -> Result<J::Output, JobError> {
        let _ = job;
        todo!("exercise 3: call, count, and retire the worker after max_tasks")
    }

    /// The pid of every worker process started so far, in order.
    pub fn pids_started(&self) -> Vec<u32> {
        todo!("exercise 3: remember each worker's pid when it starts")
    }

    /// How each retired worker process ended, in order.
    pub fn exits(&self) -> Vec<ExitStatus> {
        todo!("exercise 3: remember each retired worker's exit status")
    }
}
