//! Why a job gave no output, each way named with the worker it happened in.

use std::fmt;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use crate::frame::FrameError;
use crate::worker::WorkerError;

/// One worker process: its number in the pool's history and its pid. Shown as
/// `worker-2 (pid 1234)`. A replacement gets the next number, as multiprocessing
/// names its processes `SpawnProcess-1`, `SpawnProcess-2`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkerId {
    /// 1 for the first worker started, 2 for the next, and so on.
    pub number: usize,
    /// The worker process's pid.
    pub pid: u32,
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker-{} (pid {})", self.number, self.pid)
    }
}

// ANCHOR: job_error
/// Why awaiting a job gave no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Cancelled while queued: by [`JobFuture::cancel`](super::JobFuture::cancel),
    /// or by `shutdown(cancel_futures: true)`. No worker saw it.
    Cancelled,
    /// The job panicked in the worker, which lives on.
    Panicked {
        /// Where.
        worker: WorkerId,
        /// The panic's message.
        message: String,
    },
    /// The worker process ended while it ran the job: killed by a signal, or
    /// exited. It was reaped and replaced.
    WorkerDied {
        /// Which worker.
        worker: WorkerId,
        /// How it ended.
        status: ExitStatus,
    },
    /// The worker broke the protocol (a malformed frame, an oversized length, an
    /// answer to another job). It was killed, reaped and replaced.
    Protocol {
        /// Which worker.
        worker: WorkerId,
        /// What was wrong.
        problem: String,
    },
    /// The job's input could not be serialized; nothing was sent (pickle's
    /// `PicklingError`).
    Serialize {
        /// The job's name.
        job: String,
        /// What the serializer said.
        why: String,
    },
    /// The worker knows no job of that name (pickle's "Can't get attribute").
    UnknownJob {
        /// The worker that was asked.
        worker: WorkerId,
        /// The name it does not know.
        name: String,
    },
    /// Submitted after `shutdown`.
    Shutdown,
    /// No worker is left, and none could be started.
    Broken(String),
    /// The pool (or its loop) was dropped while the job ran; the worker was killed.
    Abandoned {
        /// The worker that was running it.
        worker: WorkerId,
    },
}
// ANCHOR_END: job_error

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Cancelled => f.write_str("the job was cancelled"),
            JobError::Panicked { worker, message } => {
                write!(f, "the job panicked in {worker}: {message}")
            }
            JobError::WorkerDied { worker, status } => {
                write!(f, "{worker} {} while running the job", ended(*status))
            }
            JobError::Protocol { worker, problem } => {
                write!(f, "{worker} broke the protocol: {problem}")
            }
            JobError::Serialize { job, why } => {
                write!(f, "the input of job `{job}` cannot be serialized: {why}")
            }
            JobError::UnknownJob { worker, name } => {
                write!(f, "{worker} knows no job named `{name}`")
            }
            // CPython's words, from ProcessPoolExecutor.submit.
            JobError::Shutdown => {
                f.write_str("cannot schedule new futures after shutdown")
            }
            JobError::Broken(why) => write!(f, "the pool has no worker left: {why}"),
            JobError::Abandoned { worker } => write!(
                f,
                "the pool or its loop was dropped while {worker} ran the \
                 job; the worker was killed"
            ),
        }
    }
}

impl std::error::Error for JobError {}

impl JobError {
    /// The error for a job that could not become a request frame.
    pub(crate) fn serialize(job: &str, error: FrameError) -> Self {
        let why = match error {
            // postcard keeps no message of serde's: "Serde Serialization Error".
            FrameError::Serialize(why) => format!("postcard: {why}"),
            too_long => too_long.to_string(),
        };
        let job = job.to_string();
        JobError::Serialize { job, why }
    }

    /// The error for what a healthy worker reported.
    pub(crate) fn from_worker(error: WorkerError, worker: WorkerId) -> Self {
        match error {
            WorkerError::Panicked { message } => {
                JobError::Panicked { worker, message }
            }
            WorkerError::UnknownJob { name } => {
                JobError::UnknownJob { worker, name }
            }
            bad_input @ WorkerError::BadInput { .. } => JobError::Protocol {
                worker,
                problem: bad_input.to_string(),
            },
        }
    }
}

/// How a process ended, in words: `was killed by signal 9 (SIGKILL)`, `exited with
/// status 0`.
pub fn ended(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => match signal_name(signal) {
            Some(name) => format!("was killed by signal {signal} ({name})"),
            None => format!("was killed by signal {signal}"),
        },
        (None, None) => format!("ended ({status})"),
    }
}

/// The usual name of a Linux signal number.
pub fn signal_name(signal: i32) -> Option<&'static str> {
    const NAMES: [&str; 15] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
        "SIGTERM",
    ];
    let index = usize::try_from(signal).ok()?.checked_sub(1)?;
    NAMES.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exit_status_reads_as_a_sentence_with_the_signals_name() {
        // wait(2)'s raw status: the signal in the low bits, or the code << 8.
        assert_eq!(
            ended(ExitStatus::from_raw(9)),
            "was killed by signal 9 (SIGKILL)"
        );
        assert_eq!(
            ended(ExitStatus::from_raw(15)),
            "was killed by signal 15 (SIGTERM)"
        );
        assert_eq!(ended(ExitStatus::from_raw(0)), "exited with status 0");
        assert_eq!(ended(ExitStatus::from_raw(3 << 8)), "exited with status 3");
        assert_eq!(signal_name(11), Some("SIGSEGV"));
        assert_eq!(signal_name(64), None);
    }
}
