//! One worker process as the pool sees it: a child, its stdin and stdout as pipes
//! on the loop, and what to do when it misbehaves.

use std::io;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::rc::Rc;
use std::time::Duration;

use ch05_io::IoCore;

use super::error::{JobError, WorkerId};
use crate::frame::{FrameError, decode};
use crate::pipe::{FrameReader, Pipe};
use crate::wait_exit;
use crate::worker::{Response, WorkerError};

/// How long a worker whose stdout ended may take to exit before it is killed. A
/// closed stdout almost always means the process is exiting; the grace keeps its
/// real exit status (a kill would turn "exited with status 0" into SIGKILL).
pub const EXIT_GRACE: Duration = Duration::from_secs(5);

/// Why a worker cannot go on.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Its stdout ended, or its stdin broke: the process is exiting or gone.
    Ended,
    /// It sent something that is not the answer: it is alive but not to be trusted.
    Garbage(String),
}

/// A running worker process. Dropping it kills and reaps the process, whatever it
/// was doing: no worker outlives its owner.
#[derive(Debug)]
pub(crate) struct WorkerProcess {
    id: WorkerId,
    io: Rc<IoCore>,
    child: Child,
    stdin: Option<Pipe>,
    stdout: FrameReader,
}

impl WorkerProcess {
    // ANCHOR: start_worker
    /// Starts `program` as worker number `number`, its stdin and stdout piped and
    /// registered with the loop's selector; stderr is shared with this process.
    pub(crate) fn start(
        io: &Rc<IoCore>,
        program: &Path,
        number: usize,
    ) -> io::Result<Self> {
        let mut child = Command::new(program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let id = WorkerId {
            number,
            pid: child.id(),
        };
        let name = format!("worker-{number}");
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let pipes =
            Pipe::new(io, stdin, &format!("{name} stdin")).and_then(|stdin| {
                Ok((stdin, Pipe::new(io, stdout, &format!("{name} stdout"))?))
            });
        let (stdin, stdout) = pipes.inspect_err(|_| {
            let _ = child.kill();
            let _ = child.wait();
        })?;
        Ok(Self {
            id,
            io: io.clone(),
            child,
            stdin: Some(stdin),
            stdout: FrameReader::new(stdout),
        })
    }
    // ANCHOR_END: start_worker

    /// Which worker this is.
    pub(crate) fn id(&self) -> WorkerId {
        self.id
    }

    // ANCHOR: call
    /// Sends one request frame and reads the one response frame: the output's
    /// bytes, or the error the worker reported. A response with another id, or
    /// bytes that are not a response, are a [`Failure::Garbage`].
    pub(crate) async fn call(
        &mut self,
        id: u64,
        request: &[u8],
    ) -> Result<Result<Vec<u8>, WorkerError>, Failure> {
        let stdin = self.stdin.as_mut().expect("open until the worker retires");
        stdin.write_all(request).await.map_err(|_| Failure::Ended)?;
        let payload = match self.stdout.next_frame().await {
            Ok(Some(payload)) => payload,
            Ok(None) => return Err(Failure::Ended), // EOF between frames
            Err(error) => return Err(read_failure(error)),
        };
        let response: Response = decode(&payload)
            .map_err(|e| Failure::Garbage(format!("{e} (expected a response)")))?;
        if response.id != id {
            let stray = response.id;
            return Err(Failure::Garbage(format!(
                "it answered job {stray} while running job {id}"
            )));
        }
        Ok(response.outcome)
    }
    // ANCHOR_END: call

    // ANCHOR: retire
    /// Ends a worker that failed, reaps it, and returns the running job's error:
    /// one that ended is waited for (its exit status says how it died); one that
    /// sent garbage is killed first.
    pub(crate) async fn retire(
        &mut self,
        failure: Failure,
    ) -> (JobError, ExitStatus) {
        self.stdin = None;
        let worker = self.id;
        match failure {
            Failure::Ended => {
                let status = self.exit_within(EXIT_GRACE).await;
                (JobError::WorkerDied { worker, status }, status)
            }
            Failure::Garbage(problem) => {
                let _ = self.child.kill();
                let status = self.exit_within(EXIT_GRACE).await;
                (JobError::Protocol { worker, problem }, status)
            }
        }
    }
    // ANCHOR_END: retire

    /// Closes the worker's stdin, so that it exits (as CPython's `shutdown_workers`
    /// sends each worker a `None`), and waits for its exit.
    pub(crate) async fn close(&mut self) -> ExitStatus {
        self.stdin = None;
        self.exit_within(EXIT_GRACE).await
    }

    /// Waits on the loop (pidfd) for the process to exit and reaps it; after
    /// `grace`, kills it.
    async fn exit_within(&mut self, grace: Duration) -> ExitStatus {
        let io = self.io.clone();
        let exited = io.wait_for(wait_exit(&io, &mut self.child), grace).await;
        match exited {
            Ok(Ok(status)) => status,
            // Stuck, or the pidfd failed: kill, then a blocking wait (see
            // `kill_and_reap`).
            _ => self
                .kill_and_reap()
                .expect("our own child can be waited for"),
        }
    }

    /// Sends `SIGKILL` and reaps, blocking the loop's thread for as long as the
    /// kernel takes to tear the process down: no process can catch or ignore
    /// `SIGKILL`, but one in uninterruptible sleep (state `D`, in a disk or NFS
    /// read) dies only when it leaves that sleep.
    fn kill_and_reap(&mut self) -> io::Result<ExitStatus> {
        // Once the child is reaped, std's `kill` sends nothing (its pid may
        // belong to another process by then) and `wait` returns the stored status.
        let _ = self.child.kill();
        self.child.wait()
    }
}

impl Drop for WorkerProcess {
    /// Kills and reaps the worker; see `kill_and_reap` for how long that blocks.
    /// A pool that drops its workers sends every `SIGKILL` first (see
    /// `ProcessPool`'s `Drop`), so the kernel tears them down side by side, and
    /// these waits do not add up one teardown after another.
    fn drop(&mut self) {
        let _ = self.kill_and_reap();
    }
}

/// A read that failed: a cut-off frame is a worker that ended; an oversized length
/// or any other error is garbage.
fn read_failure(error: io::Error) -> Failure {
    let frame_error = error.get_ref().and_then(|e| e.downcast_ref::<FrameError>());
    match frame_error {
        Some(FrameError::Truncated { .. }) => Failure::Ended,
        Some(frame_error) => Failure::Garbage(frame_error.to_string()),
        None => Failure::Garbage(format!("reading its stdout failed: {error}")),
    }
}
