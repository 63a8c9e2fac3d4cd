//! `multiprocessing.Queue`: many producer processes, one consumer, one pipe.
//!
//! A pipe does not know who writes to it. Any process holding its write end may
//! write, and the reader gets one stream of bytes. Frames from several producers
//! stay whole only if each lands in the stream in one piece. POSIX promises that
//! for small writes: a write of at most `PIPE_BUF` bytes (4096 on Linux) to a pipe
//! is atomic, never interleaved with another writer's. A larger one may be split:
//! Linux copies it page by page, and when the pipe is full it waits for room, and
//! another writer may go first.
//!
//! So [`put`] writes a frame in one `write` and refuses one over `PIPE_BUF`; for
//! larger frames, [`put_locked`] holds a lock that every producer shares for the
//! whole frame. CPython takes the lock for every frame, whatever its size:
//! `Queue.put` hands the object to a feeder thread (`_feed` in
//! `Lib/multiprocessing/queues.py`), which pickles it and sends it while holding
//! `_wlock`, a `multiprocessing.Lock`. Its `Connection._send_bytes` even writes a
//! frame over 16 KiB as two writes, length then payload.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use ch05_io::IoCore;
use serde::{Deserialize, Serialize};

use crate::frame::decode;
use crate::ipc::pipe::pipe;
use crate::ipc::{Children, spin_until};
use crate::pipe::{FrameReader, Pipe, invalid};

/// The largest write a pipe keeps in one piece: 4096 bytes on Linux.
pub const PIPE_BUF: usize = rustix::pipe::PIPE_BUF;

/// A message of the queue's traffic: who sent it, its number, and a body whose
/// bytes are a pattern made from both. A message cut short, or mixed with another,
/// no longer matches its pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Which producer sent it.
    pub producer: u32,
    /// Its number among that producer's messages, from 0.
    pub seq: u32,
    /// `len` bytes of the pattern.
    pub body: Vec<u8>,
}

impl Message {
    /// Message `seq` of `producer`, with a body of `len` bytes.
    pub fn new(producer: u32, seq: u32, len: usize) -> Self {
        let seed = producer.wrapping_mul(31).wrapping_add(seq.wrapping_mul(7));
        let body = (0..len)
            .map(|i| seed.wrapping_add(i as u32) as u8)
            .collect();
        Self {
            producer,
            seq,
            body,
        }
    }

    /// Whether the body is still the pattern its producer wrote.
    pub fn is_intact(&self) -> bool {
        *self == Self::new(self.producer, self.seq, self.body.len())
    }
}

// ANCHOR: put
/// Writes `frame` into a pipe that other producers share, in ONE `write`. At most
/// `PIPE_BUF` bytes, the kernel puts it in the pipe whole, so no other producer's
/// bytes can land inside it. A larger frame is refused: use [`put_locked`].
pub fn put(pipe: BorrowedFd<'_>, frame: &[u8]) -> io::Result<()> {
    if frame.len() > PIPE_BUF {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a frame of {} bytes is over PIPE_BUF ({PIPE_BUF}): the pipe may \
                 split it, and another producer's frame land inside; use put_locked",
                frame.len()
            ),
        ));
    }
    // On a blocking pipe, a write of at most PIPE_BUF bytes waits for room for all
    // of it, then writes all of it.
    let written = retry_on_interrupt(|| rustix::io::write(pipe, frame))?;
    if written < frame.len() {
        return Err(io::Error::other(format!(
            "a short write, {written} of {} bytes: is the fd a blocking pipe?",
            frame.len()
        )));
    }
    Ok(())
}
// ANCHOR_END: put

// ANCHOR: process_lock
/// A lock word in shared memory (see [`crate::ipc::shared`]): every process that
/// maps it takes the same lock. A twin of `multiprocessing.Lock`, which is a POSIX
/// semaphore in shared memory (`SemLock`, `Lib/multiprocessing/synchronize.py`).
/// This one spins, yielding the CPU between tries: enough for a lesson, where a real
/// lock would sleep in the kernel (a futex) until the holder wakes it. A holder
/// killed while it holds the lock leaves it taken, for good; so the spin gives up
/// after [`SPIN_LIMIT`](crate::ipc::SPIN_LIMIT), with an error.
#[derive(Debug, Clone, Copy)]
pub struct ProcessLock<'a> {
    word: &'a AtomicU64,
}

impl<'a> ProcessLock<'a> {
    /// The lock held in `word`: 0 free, 1 taken. A new memfd's slots are 0.
    pub fn new(word: &'a AtomicU64) -> Self {
        Self { word }
    }

    /// Runs `f` holding the lock. An error of kind `TimedOut` if the lock was not
    /// free within [`SPIN_LIMIT`](crate::ipc::SPIN_LIMIT); `f` did not run.
    pub fn with<T>(&self, f: impl FnOnce() -> T) -> io::Result<T> {
        spin_until("the lock to be free", || {
            let tried = self.word.compare_exchange_weak(0, 1, Acquire, Relaxed);
            tried.is_ok() // it was 0, free, and we made it 1
        })?;
        let _unlock = Unlock(self.word); // also if `f` panics
        Ok(f())
    }
}

struct Unlock<'a>(&'a AtomicU64);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.0.store(0, Release);
    }
}

/// Writes `frame`, of any size, into a shared pipe while holding `lock`: however
/// many writes it takes, no producer that takes the same lock writes in between.
/// `Queue._feed`'s `wacquire(); send_bytes(obj); wrelease()`.
pub fn put_locked(
    pipe: BorrowedFd<'_>,
    frame: &[u8],
    lock: ProcessLock,
) -> io::Result<()> {
    lock.with(|| {
        let mut rest = frame;
        while !rest.is_empty() {
            let written = retry_on_interrupt(|| rustix::io::write(pipe, rest))?;
            rest = &rest[written..];
        }
        Ok(())
    })?
}
// ANCHOR_END: process_lock

fn retry_on_interrupt(
    mut call: impl FnMut() -> rustix::io::Result<usize>,
) -> io::Result<usize> {
    loop {
        match call() {
            Err(rustix::io::Errno::INTR) => continue,
            result => return Ok(result?),
        }
    }
}

// ANCHOR: spawn_producers
/// Starts every command with the write end of ONE pipe as its stdout, and returns
/// the children and the read end, on the loop. The parent keeps no write end, so
/// the stream ends when the last producer exits.
pub fn spawn_producers(
    io: &Rc<IoCore>,
    commands: impl IntoIterator<Item = Command>,
) -> io::Result<(Children, FrameReader)> {
    let (read, write) = pipe(false)?;
    let mut children = Children::new(); // killed and reaped if a spawn fails
    for mut command in commands {
        let stdout = write.as_fd().try_clone_to_owned()?;
        children.push(command.stdout(Stdio::from(stdout)).spawn()?);
    } // each command, and the copy of the write end it held, is dropped here
    drop(write);
    Ok((children, FrameReader::new(Pipe::new(io, read, "queue")?)))
}
// ANCHOR_END: spawn_producers

/// The consumer: every message until the last producer closes the pipe, in the
/// order they arrived. A frame that is not a [`Message`] is an error.
pub async fn drain(reader: &mut FrameReader) -> io::Result<Vec<Message>> {
    let mut messages = Vec::new();
    while let Some(payload) = reader.next_frame().await? {
        messages.push(decode(&payload).map_err(invalid)?);
    }
    Ok(messages)
}
