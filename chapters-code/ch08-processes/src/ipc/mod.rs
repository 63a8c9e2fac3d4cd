//! Inter-process communication: what two processes can share, and how.
//!
//! A process owns its memory. Another process cannot read it or change it: that
//! is the isolation a worker pool buys, and the price is that every value crosses
//! the boundary through the kernel. Python's `multiprocessing` offers four ways,
//! and each has a twin here:
//!
//! - [`pipe`]: `multiprocessing.Pipe()`, a two-way channel between two processes;
//! - [`queue`]: `multiprocessing.Queue`, many producers and one consumer on one
//!   pipe;
//! - [`shared`]: `multiprocessing.Value` and `shared_memory`, memory both processes
//!   map, changed only through atomics (the crate's one `unsafe` module);
//! - [`isolation`]: what a child changes in its own memory stays there.
//!
//! [`start`] is about how a child begins: fork, spawn, forkserver, and what
//! `std::process::Command` does.
//!
//! The children of these examples are one program of the crate,
//! `ch08-ipc-child`, told what to do by its first argument.

pub mod isolation;
pub mod pipe;
pub mod queue;
pub mod shared;
pub mod start;

use std::io;
use std::process::{Child, ExitStatus};
use std::rc::Rc;
use std::time::{Duration, Instant};

use ch05_io::IoCore;

use crate::child_exit::wait_exit;

/// How long a process spins on a word of shared memory before it gives up: the
/// tests' `LIMIT`. A child whose peer died holding a lock, or whose test failed,
/// exits with an error after this instead of spinning for ever: a child whose
/// stdin is a memfd never sees an end of input that would stop it.
pub const SPIN_LIMIT: Duration = Duration::from_secs(10);

/// Tries `done` until it returns `true`, yielding the CPU between tries. After
/// [`SPIN_LIMIT`], an error of kind `TimedOut` that says what was awaited.
pub fn spin_until(what: &str, mut done: impl FnMut() -> bool) -> io::Result<()> {
    let deadline = Instant::now() + SPIN_LIMIT;
    while !done() {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("gave up after {SPIN_LIMIT:?} waiting for {what}"),
            ));
        }
        std::thread::yield_now();
    }
    Ok(())
}

/// Child processes that nothing can leave behind: dropped before they were waited
/// for (a test that failed half-way, a spawn that failed after others), each is
/// killed and reaped.
#[derive(Debug, Default)]
pub struct Children {
    list: Vec<Child>,
}

impl Children {
    /// No children yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes charge of `child`.
    pub fn push(&mut self, child: Child) {
        self.list.push(child);
    }

    /// The children's pids, in the order they were pushed.
    pub fn pids(&self) -> Vec<u32> {
        self.list.iter().map(Child::id).collect()
    }

    /// Waits on the loop for every child to exit, and reaps each: their statuses
    /// in the order they were pushed.
    pub async fn wait_all(
        &mut self,
        io: &Rc<IoCore>,
    ) -> io::Result<Vec<ExitStatus>> {
        let mut statuses = Vec::with_capacity(self.list.len());
        for child in &mut self.list {
            statuses.push(wait_exit(io, child).await?);
        }
        Ok(statuses)
    }
}

impl Drop for Children {
    /// Kills every child still running, then reaps each. The `SIGKILL`s go out
    /// first, so the kernel tears the children down at once. Each wait blocks the
    /// thread as long as the kernel takes to finish that child: no process can
    /// catch or ignore `SIGKILL`, but one in uninterruptible sleep (state `D`, in
    /// a disk or NFS read) dies only when it leaves that sleep.
    fn drop(&mut self) {
        // `try_wait` returns the status of a child already reaped; only one still
        // running is killed.
        let mut running: Vec<&mut Child> = (self.list.iter_mut())
            .filter_map(|child| {
                matches!(child.try_wait(), Ok(None)).then_some(child)
            })
            .collect();
        for child in &mut running {
            let _ = child.kill();
        }
        for child in running {
            let _ = child.wait();
        }
    }
}
