//! Exercise 3: `maxtasksperchild`, a worker that retires after N jobs. Reference
//! solution.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::rc::Rc;

use ch05_io::IoCore;

use crate::frame::{decode, encode};
use crate::job::Job;
use crate::pool::process::WorkerProcess;
use crate::pool::{JobError, WorkerId};
use crate::worker::Request;

/// One worker process at a time, replaced after `max_tasks` jobs.
pub struct RecyclingWorker {
    io: Rc<IoCore>,
    program: PathBuf,
    max_tasks: usize,
    /// `None` between a retirement and the next job.
    current: Option<WorkerProcess>,
    /// Jobs the current process has run.
    done: usize,
    next_job_id: u64,
    started: Vec<WorkerId>,
    exits: Vec<ExitStatus>,
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
        // CPython's words, from Pool.__init__.
        assert!(
            max_tasks > 0,
            "maxtasksperchild must be a positive int or None"
        );
        let mut this = Self {
            io: io.clone(),
            program: program.as_ref().to_path_buf(),
            max_tasks,
            current: None,
            done: 0,
            next_job_id: 0,
            started: Vec::new(),
            exits: Vec::new(),
        };
        this.current = Some(this.start_worker()?);
        Ok(this)
    }

    // ANCHOR: recycling_run
    /// Runs `job` on the current worker process (a fresh one if the last retired)
    /// and returns its output. A job that fails still counts.
    pub async fn run<J: Job>(&mut self, job: J) -> Result<J::Output, JobError> {
        let id = self.next_job_id;
        self.next_job_id += 1;
        let request = Request::for_job(id, &job)
            .and_then(|request| encode(&request))
            .map_err(|error| JobError::serialize(J::NAME, error))?;
        let mut worker = match self.current.take() {
            Some(worker) => worker,
            None => self.start_worker().map_err(|e| {
                JobError::Broken(format!("a worker could not be started: {e}"))
            })?,
        };
        let outcome = match worker.call(id, &request).await {
            Ok(outcome) => {
                outcome.map_err(|e| JobError::from_worker(e, worker.id()))
            }
            Err(failure) => {
                // It died or broke the protocol: reaped now, replaced next time.
                let (error, status) = worker.retire(failure).await;
                self.exits.push(status);
                return Err(error);
            }
        };
        self.done += 1;
        let ran_on = worker.id();
        if self.done == self.max_tasks {
            // As CPython's `worker()` returns after its last task: stdin closed,
            // it exits with status 0, and the pidfd says when.
            self.exits.push(worker.close().await);
        } else {
            self.current = Some(worker);
        }
        decode(&outcome?).map_err(|e| JobError::Protocol {
            worker: ran_on,
            problem: format!("the job's output does not decode: {e}"),
        })
    }
    // ANCHOR_END: recycling_run

    /// The pid of every worker process started so far, in order.
    pub fn pids_started(&self) -> Vec<u32> {
        self.started.iter().map(|worker| worker.pid).collect()
    }

    /// How each retired worker process ended, in order.
    pub fn exits(&self) -> Vec<ExitStatus> {
        self.exits.clone()
    }

    /// Starts the next worker process, numbered from 1 as the pool numbers its,
    /// with no job run yet.
    fn start_worker(&mut self) -> io::Result<WorkerProcess> {
        let number = self.started.len() + 1;
        let worker = WorkerProcess::start(&self.io, &self.program, number)?;
        self.started.push(worker.id());
        self.done = 0;
        Ok(worker)
    }
}
