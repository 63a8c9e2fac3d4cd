//! `asyncio.create_subprocess_exec` on our loop: a child process whose stdin and
//! stdout are pipes in the selector, and whose exit is a pidfd in the selector.
//!
//! asyncio builds the same thing from three parts (`Lib/asyncio/subprocess.py`,
//! `base_subprocess.py`, `unix_events.py`): a `subprocess.Popen` with pipes, a read
//! and a write pipe transport registered with the selector, and a child watcher
//! that learns when the child exits. In 3.11 that watcher is a thread per child,
//! blocked in `waitpid` (`ThreadedChildWatcher`); here it is [`wait_exit`] and a
//! pidfd, so no thread is started.
//!
//! std's [`Child`] does nothing when dropped: the child runs on, and once it exits
//! it stays a zombie until someone reaps it. A [`Subprocess`] kills and reaps a
//! child still running when it is dropped, so no child outlives it.

use std::ffi::OsStr;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::pin;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::rc::Rc;
use std::task::Poll;

use ch05_io::IoCore;

use crate::child_exit::wait_exit;
use crate::pipe::{LineReader, Pipe};

// ANCHOR: subprocess
/// A child process driven by the loop: `asyncio.subprocess.Process`.
///
/// Its pipes are public, as in std's [`Child`] and asyncio's `Process`: take one
/// out (`proc.stdout.take()`) to read it in another task while this one waits.
#[derive(Debug)]
pub struct Subprocess {
    io: Rc<IoCore>,
    child: Child,
    program: String,
    /// The child's stdin. Dropping it (or [`Subprocess::close_stdin`], or
    /// [`Subprocess::wait`]) closes the pipe: the child reads the end of its input.
    pub stdin: Option<Pipe>,
    /// The child's stdout, read line by line as it arrives.
    pub stdout: Option<LineReader>,
}
// ANCHOR_END: subprocess

impl Subprocess {
    /// Starts `program` with `args`, stdin and stdout piped, stderr inherited:
    /// `await asyncio.create_subprocess_exec(program, *args, stdin=PIPE,
    /// stdout=PIPE)`. The error of a program that cannot start names it.
    pub fn exec<I, S>(io: &Rc<IoCore>, program: &str, args: I) -> io::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::spawn(io, Command::new(program).args(args))
    }

    // ANCHOR: spawn
    /// Starts `command` with its stdin and stdout piped to the loop.
    pub fn spawn(io: &Rc<IoCore>, command: &mut Command) -> io::Result<Self> {
        let program = command.get_program().to_string_lossy().into_owned();
        // std's error says only "No such file or directory": say which program.
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                io::Error::new(e.kind(), format!("cannot start {program:?}: {e}"))
            })?;
        let stdin = child.stdin.take().expect("piped above");
        let stdout = child.stdout.take().expect("piped above");
        let mut proc = Self {
            io: io.clone(),
            child,
            program,
            stdin: None,
            stdout: None,
        };
        // From here on, an error drops `proc`, which kills and reaps the child.
        let name = |end| format!("{} {end}", proc.program);
        proc.stdin = Some(Pipe::new(io, stdin, &name("stdin"))?);
        let stdout = Pipe::new(io, stdout, &name("stdout"))?;
        proc.stdout = Some(LineReader::new(stdout));
        Ok(proc)
    }
    // ANCHOR_END: spawn

    /// The child's process id: `proc.pid`.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The program this child runs, as it was given.
    pub fn program(&self) -> &str {
        &self.program
    }

    // ANCHOR: wait
    /// Closes the child's stdin, then waits on the loop until the child exits, and
    /// returns its status: `await proc.wait()`. Its pidfd is in the selector
    /// meanwhile; no thread is started.
    ///
    /// Closing stdin first is what std's `Child::wait` and tokio's do: a child that
    /// reads its input to the end sees the end, instead of waiting for input while
    /// we wait for its exit. (asyncio's `Process.wait` leaves stdin open.) A child
    /// that fills its stdout pipe while nobody reads it never exits either: read
    /// `stdout` in another task, or use [`Subprocess::communicate`].
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        self.close_stdin();
        wait_exit(&self.io, &mut self.child).await
    }
    // ANCHOR_END: wait

    /// The status if the child has exited (and reaps it), `None` if it still runs:
    /// `proc.returncode`, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Sends `SIGKILL`: `proc.kill()`. A child already reaped is left alone.
    pub fn kill(&mut self) -> io::Result<()> {
        self.child.kill()
    }

    /// Closes the child's stdin: `proc.stdin.close()`.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    // ANCHOR: communicate
    /// Writes `input` to stdin and closes it, reads stdout to its end, then waits
    /// for the exit: `await proc.communicate(input)`. The writing and the reading
    /// take turns on the loop, so neither pipe's buffer can fill for good: a child
    /// that answers as it reads cannot deadlock with us.
    pub async fn communicate(
        &mut self,
        input: &[u8],
    ) -> io::Result<(Vec<String>, ExitStatus)> {
        let (stdin, stdout) = (self.stdin.take(), self.stdout.take());
        let feed = async move {
            let Some(mut stdin) = stdin else {
                return Ok(());
            };
            match stdin.write_all(input).await {
                // a child that stops reading early is not an error (CPython's
                // `_feed_stdin` ignores it too)
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                result => result,
            } // `stdin` is dropped here: the child reads the end of its input
        };
        let drain = async move {
            let mut lines = Vec::new();
            if let Some(mut stdout) = stdout {
                while let Some(line) = stdout.next_line().await? {
                    lines.push(line);
                }
            }
            io::Result::Ok(lines)
        };
        let (fed, lines) = both(feed, drain).await; // `gather(stdin, stdout)`
        fed?;
        let lines = lines?;
        Ok((lines, self.wait().await?))
    }
    // ANCHOR_END: communicate
}

// ANCHOR: drop
impl Drop for Subprocess {
    /// Kills and reaps a child still running: no child outlives its `Subprocess`,
    /// and none stays a zombie. asyncio's transport `close()` kills too, and its
    /// watcher reaps later. The wait blocks the loop's thread for as long as the
    /// kernel takes to tear the child down. No child can catch or ignore
    /// `SIGKILL`, but one in uninterruptible sleep (state `D`: a read from a dead
    /// NFS server, say) dies only when it leaves that sleep.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
// ANCHOR_END: drop

/// Runs two futures at once in the current task, and returns both outputs when
/// both are done: a `gather` of two that spawns no task.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(out) = a.as_mut().poll(cx)
        {
            out_a = Some(out);
        }
        if out_b.is_none()
            && let Poll::Ready(out) = b.as_mut().poll(cx)
        {
            out_b = Some(out);
        }
        if out_a.is_none() || out_b.is_none() {
            return Poll::Pending;
        }
        Poll::Ready((out_a.take().expect("done"), out_b.take().expect("done")))
    })
    .await
}
