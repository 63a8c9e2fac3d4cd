//! Child processes: the parent's side of the conversation with a worker.
//!
//! Rust's `std::process::Command` starts a *new program* (with `posix_spawn` where
//! it can, else fork then exec, on Unix): the child gets memory of its own, not a
//! snapshot of the parent's.
//! Like Python's `spawn` start method, unlike its `fork`.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{
    Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio,
};

use crate::protocol::{Request, Response};

/// Why talking to a worker failed. The parent gets one of these; it does not crash.
#[derive(Debug)]
pub enum WorkerError {
    /// The worker program could not be started.
    Spawn(io::Error),
    /// Reading or writing a pipe failed for a reason other than the worker's death.
    Io(io::Error),
    /// The worker answered something that is not a [`Response`].
    BadReply(String),
    /// The worker exited before answering.
    Died {
        /// The worker's process id.
        pid: u32,
        /// How it ended: its exit code, or the signal that killed it.
        status: ExitStatus,
        /// The last line it wrote to stderr (a panic message, usually), if any.
        last_words: Option<String>,
    },
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerError::Spawn(e) => write!(f, "could not start the worker: {e}"),
            WorkerError::Io(e) => write!(f, "talking to the worker failed: {e}"),
            WorkerError::BadReply(line) => {
                write!(f, "the worker sent a bad reply: {line}")
            }
            WorkerError::Died {
                pid,
                status,
                last_words,
            } => {
                write!(f, "worker {pid} died before replying ({status})")?;
                match last_words {
                    Some(words) => write!(f, ": {words}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for WorkerError {}

/// A running worker process and the two pipes to it (plus its stderr, read when it
/// dies).
#[derive(Debug)]
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: Option<ChildStderr>,
}

impl Worker {
    /// Starts `program` (the `ch01-worker` binary) with piped stdin, stdout and
    /// stderr.
    pub fn spawn(program: impl AsRef<Path>) -> Result<Self, WorkerError> {
        Self::start(Command::new(program.as_ref()))
    }

    /// Starts this very program again as a worker; its `main` must begin with
    /// [`crate::worker::run_as_worker_if_asked`].
    pub fn spawn_self() -> Result<Self, WorkerError> {
        let me = std::env::current_exe().map_err(WorkerError::Spawn)?;
        let mut command = Command::new(me);
        command.env(crate::worker::WORKER_ENV, "1");
        Self::start(command)
    }

    fn start(mut command: Command) -> Result<Self, WorkerError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(WorkerError::Spawn)?;
        let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), stderr) = pipes else {
            unreachable!("all three were asked for with Stdio::piped()");
        };
        Ok(Worker {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            stderr,
        })
    }

    /// The worker's process id, as the OS reports it to the parent.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one request without waiting for the answer (see [`Worker::receive`]).
    pub fn send(&mut self, request: &Request) -> Result<(), WorkerError> {
        let mut line = serde_json::to_vec(request)
            .map_err(|e| WorkerError::BadReply(e.to_string()))?;
        line.push(b'\n');
        let stdin = self
            .stdin
            .as_mut()
            .expect("stdin is only closed by finish()");
        match stdin.write_all(&line).and_then(|()| stdin.flush()) {
            Ok(()) => Ok(()),
            // A closed pipe means nobody is reading: find out how the worker ended.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(self.death()),
            Err(e) => Err(WorkerError::Io(e)),
        }
    }

    /// Sends a request and waits for its answer.
    pub fn ask(&mut self, request: &Request) -> Result<Response, WorkerError> {
        self.send(request)?;
        self.receive()
    }

    /// Closes the worker's stdin, which tells it to stop, and waits for it to exit.
    pub fn finish(mut self) -> Result<ExitStatus, WorkerError> {
        drop(self.stdin.take());
        self.child.wait().map_err(WorkerError::Io)
    }
}

// ANCHOR: worker_reply
impl Worker {
    /// Waits for the answer to the oldest request not yet answered.
    pub fn receive(&mut self) -> Result<Response, WorkerError> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            // end of file: the worker's end of the pipe is closed
            Ok(0) => Err(self.death()),
            Ok(_) => {
                serde_json::from_str(&line).map_err(|_| WorkerError::BadReply(line))
            }
            Err(e) => Err(WorkerError::Io(e)),
        }
    }

    /// Reaps a worker whose pipe closed and says how it ended.
    fn death(&mut self) -> WorkerError {
        let pid = self.pid();
        let status = match self.child.wait() {
            Ok(status) => status,
            Err(e) => return WorkerError::Io(e),
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = self.stderr.take() {
            // best effort: it is only for the message
            let _ = pipe.read_to_string(&mut stderr);
        }
        WorkerError::Died {
            pid,
            status,
            last_words: last_words(&stderr),
        }
    }
}
// ANCHOR_END: worker_reply

/// Picks the message out of what a dying worker wrote to stderr.
///
/// Rust prints a panic as `thread '...' panicked at file:line:col:` followed by the
/// message on the next line (and maybe a backtrace after it); anything else, take
/// its last non-empty line.
fn last_words(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let after_panic = lines
        .iter()
        .position(|l| l.contains(" panicked at "))
        .and_then(|i| lines.get(i + 1));
    after_panic
        .or_else(|| lines.iter().rev().find(|l| !l.trim().is_empty()))
        .map(|l| l.to_string())
}

impl Drop for Worker {
    fn drop(&mut self) {
        // A worker dropped without finish(): don't leave it running or unreaped.
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ANCHOR: waits_as_processes
/// Starts `n` workers, sends each a [`Request::Hello`] before reading any answer,
/// then collects their process ids.
///
/// While the parent writes, every worker sits blocked in a read of its stdin: `n`
/// waits at once, one per process.
pub fn waits_as_processes(
    program: &Path,
    n: usize,
) -> Result<Vec<u32>, WorkerError> {
    let mut workers = (0..n)
        .map(|_| Worker::spawn(program))
        .collect::<Result<Vec<_>, _>>()?;
    for worker in &mut workers {
        worker.send(&Request::Hello)?;
    }
    let mut pids = Vec::with_capacity(n);
    for mut worker in workers {
        match worker.receive()? {
            Response::Hello { pid } => pids.push(pid),
            other => return Err(WorkerError::BadReply(format!("{other:?}"))),
        }
        worker.finish()?;
    }
    Ok(pids)
}
// ANCHOR_END: waits_as_processes

/// What [`cpu_work_as_processes`] produced: the answers, and who computed them.
///
/// Unlike [`crate::workload::CpuRun`] there is no overlap count: an [`OverlapMeter`]
/// is shared memory, and the workers have none in common with each other or with the
/// parent.
///
/// [`OverlapMeter`]: crate::workload::OverlapMeter
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessCpuRun {
    /// The answer of each job, in the order of the seeds.
    pub results: Vec<u64>,
    /// The process id each worker reported for its job.
    pub pids: Vec<u32>,
}

// ANCHOR: cpu_as_processes
/// Runs one CPU job per seed, each in its own worker process.
///
/// All requests go out before any answer is read, so the workers compute at the same
/// time (on as many cores as the OS gives them). The seeds and the answers cross as
/// JSON; the code of `cpu_work` runs in the child.
pub fn cpu_work_as_processes(
    program: &Path,
    seeds: &[u64],
    rounds: u64,
) -> Result<ProcessCpuRun, WorkerError> {
    let mut workers = seeds
        .iter()
        .map(|_| Worker::spawn(program))
        .collect::<Result<Vec<_>, _>>()?;
    for (worker, &seed) in workers.iter_mut().zip(seeds) {
        worker.send(&Request::CpuWork { seed, rounds })?;
    }
    let (mut results, mut pids) = (Vec::new(), Vec::new());
    for mut worker in workers {
        match worker.receive()? {
            Response::Work { result, pid } => {
                results.push(result);
                pids.push(pid);
            }
            other => return Err(WorkerError::BadReply(format!("{other:?}"))),
        }
        worker.finish()?;
    }
    Ok(ProcessCpuRun { results, pids })
}
// ANCHOR_END: cpu_as_processes
