//! The notes' `check_status` example on tokio: blocking work on executor threads,
//! gathered.
//!
//! Python's `loop.run_in_executor(None, f)` becomes [`tokio::task::spawn_blocking`],
//! and `asyncio.gather(*coros)` becomes [`futures::future::join_all`].

use std::sync::{Arc, Barrier};
use std::thread::{self, ThreadId};

use futures::future::join_all;

use crate::event_log::EventLog;

/// What one status check found out, and which threads did the work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The period that was checked.
    pub period: String,
    /// The thread the async body ran on (the runtime's thread).
    pub body_thread: ThreadId,
    /// The thread the blocking call ran on (an executor thread).
    pub worker_thread: ThreadId,
}

/// Checks download statuses; holds the shared log and a barrier for the blocking
/// calls.
#[derive(Debug, Clone)]
pub struct StatusChecker {
    log: EventLog,
    all_at_once: Arc<Barrier>,
}

impl StatusChecker {
    /// A checker whose blocking calls each wait until `parallel` of them are
    /// running.
    ///
    /// That barrier is how the tests prove parallelism without a clock: if the calls
    /// ran one after another, the first would wait forever for the others.
    pub fn new(log: EventLog, parallel: usize) -> Self {
        Self {
            log,
            all_at_once: Arc::new(Barrier::new(parallel)),
        }
    }

    /// The log this checker writes to.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    // ANCHOR: check_status
    /// `async def check_status(p): return await loop.run_in_executor(None, ...)`, in
    /// Rust.
    ///
    /// Calling it runs nothing. The first poll records `"body started {period}"` and
    /// hands the blocking call to tokio's blocking pool, which starts it on a thread
    /// of its own right away; the body then waits, without blocking the runtime, for
    /// the result.
    pub async fn check_status(&self, period: String) -> Status {
        self.log.record(format!("body started {period}"));
        let body_thread = thread::current().id();
        let (log, barrier, p) =
            (self.log.clone(), self.all_at_once.clone(), period.clone());
        let worker_thread = tokio::task::spawn_blocking(move || {
            file_download_status(&log, &barrier, &p)
        })
        .await
        .expect("the blocking call panicked");
        Status {
            period,
            body_thread,
            worker_thread,
        }
    }
    // ANCHOR_END: check_status

    // ANCHOR: check_all
    /// Builds one `check_status` future per period, then runs them all with
    /// `join_all`.
    ///
    /// The log shows the order: every `"created future for …"` comes before
    /// `"join_all awaited"`, and every `"body started …"` after it, because building
    /// a future runs nothing.
    pub async fn check_all(&self, periods: &[&str]) -> Vec<Status> {
        let mut futures = Vec::new();
        for period in periods {
            futures.push(self.check_status(period.to_string()));
            self.log.record(format!("created future for {period}"));
        }
        self.log.record("join_all awaited");
        join_all(futures).await
    }
    // ANCHOR_END: check_all
}

/// The blocking call from the notes: stands in for asking a server whether a file is
/// ready.
///
/// Returns the id of the thread it ran on. It waits at the barrier first, so it
/// returns only once every expected call is running at the same time, on a thread of
/// its own.
pub fn file_download_status(
    log: &EventLog,
    all_at_once: &Barrier,
    period: &str,
) -> ThreadId {
    log.record(format!("executor started {period}"));
    all_at_once.wait();
    thread::current().id()
}
