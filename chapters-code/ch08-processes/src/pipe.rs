//! Pipes on the loop: a child's stdin and stdout, registered with chapter 5's
//! selector like any socket.
//!
//! A pipe end is a file descriptor; epoll reports it readable when bytes (or the
//! end of the stream) wait, writable when the kernel's pipe buffer has room. So the
//! loop needs nothing new to talk to a process: [`Pipe`] is chapter 5's
//! `TcpStream` idea (non-blocking fd, try the system call, wait only on
//! `WouldBlock`) over a pipe. asyncio does the same with `connect_read_pipe` and
//! `_UnixReadPipeTransport` (`Lib/asyncio/unix_events.py`).
//!
//! The readers, [`FrameReader`] and [`LineReader`], are *cancel-safe*: a
//! `next_frame` or `next_line` dropped while it waits (cut short by `wait_for`, say)
//! loses no byte and leaves none behind, and the next call goes on from the same
//! place.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::Rc;

use ch05_io::{FdKey, Interest, IoCore, io_op};

use crate::frame::{Decoder, FrameError};

/// How much one read asks for: the size of a Linux pipe's buffer.
const READ_SIZE: usize = 64 * 1024;

/// A pipe end (or any stream fd) in non-blocking mode, registered with the loop's
/// selector for as long as it lives.
///
/// Reading and writing take `&mut self`: one operation at a time, as tokio's
/// `AsyncRead` and `AsyncWrite` take `Pin<&mut Self>`. The selector keeps one
/// waiter per fd and direction, and a second waiter replaces the first. Two tasks
/// reading one pipe through `&self` would each leave their waker, and the first
/// would never be woken: a lost wake-up, which the borrow checker now rules out.
#[derive(Debug)]
pub struct Pipe {
    io: Rc<IoCore>,
    key: FdKey,
    fd: OwnedFd,
}

impl Pipe {
    /// Puts `fd` in non-blocking mode and registers it under `name` (`"worker-1
    /// stdout"`).
    pub fn new(
        io: &Rc<IoCore>,
        fd: impl Into<OwnedFd>,
        name: &str,
    ) -> io::Result<Self> {
        let fd = fd.into();
        rustix::io::ioctl_fionbio(&fd, true)?; // O_NONBLOCK
        let key = io.register(fd.as_fd(), name)?;
        Ok(Self {
            io: io.clone(),
            key,
            fd,
        })
    }

    /// Reads what is there, waiting on the loop if nothing is: `Ok(0)` at the end
    /// of the stream (every writer closed its end). Bytes land in `buf` only in the
    /// poll that returns them: dropped while it waits, this read took nothing.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        io_op(&self.io, self.key, Interest::Read, || {
            rustix::io::read(&self.fd, &mut *buf).map_err(io::Error::from)
        })
        .await
    }

    /// Writes some of `buf`, waiting on the loop while the pipe is full.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io_op(&self.io, self.key, Interest::Write, || {
            rustix::io::write(&self.fd, buf).map_err(io::Error::from)
        })
        .await
    }

    /// Writes all of `buf`, as many times as the pipe's buffer makes it take. A
    /// reader that closed its end makes this fail with `BrokenPipe` (Rust ignores
    /// `SIGPIPE`, as CPython does). Not cancel-safe: dropped half-way, part of
    /// `buf` may have been written.
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let written = self.write(buf).await?;
            buf = &buf[written..];
        }
        Ok(())
    }
}

impl AsFd for Pipe {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        // Deregister before the fd closes (the field drops after this).
        self.io.deregister(self.key);
    }
}

/// Where a reader's reads land, allocated once per reader. What a read returns is
/// handed on in the same poll; a read dropped while it waits wrote nothing here
/// that anyone will look at.
#[derive(Debug)]
struct Scratch(Box<[u8]>);

impl Scratch {
    fn new() -> Self {
        Self(vec![0; READ_SIZE].into_boxed_slice())
    }

    /// The bytes of one read from `pipe`; empty at the end of the stream.
    async fn read_from(&mut self, pipe: &mut Pipe) -> io::Result<&[u8]> {
        let n = pipe.read(&mut self.0).await?;
        Ok(&self.0[..n])
    }
}

/// A [`Pipe`] read as frames (see [`crate::frame`]).
#[derive(Debug)]
pub struct FrameReader {
    pipe: Pipe,
    decoder: Decoder,
    scratch: Scratch,
}

impl FrameReader {
    /// Reads frames from `pipe`.
    pub fn new(pipe: Pipe) -> Self {
        Self {
            pipe,
            decoder: Decoder::new(),
            scratch: Scratch::new(),
        }
    }

    /// The next frame's payload, `Ok(None)` if the stream ended cleanly between
    /// frames. A stream cut inside a frame, or an oversized length, is an error of
    /// kind `InvalidData` that says which. Cancel-safe: the decoder gets a read's
    /// bytes in the poll that read them.
    pub async fn next_frame(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(payload) = self.decoder.next_frame().map_err(invalid)? {
                return Ok(Some(payload));
            }
            match self.scratch.read_from(&mut self.pipe).await? {
                [] => return self.decoder.finish().map(|()| None).map_err(invalid),
                bytes => self.decoder.push(bytes),
            }
        }
    }

    /// The pipe underneath.
    pub fn pipe(&self) -> &Pipe {
        &self.pipe
    }

    /// The pipe underneath, to write to (a socket pair carries both ways).
    pub fn pipe_mut(&mut self) -> &mut Pipe {
        &mut self.pipe
    }
}

/// A [`FrameError`] as an `io::Error` of kind `InvalidData`.
pub fn invalid(error: FrameError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

/// A [`Pipe`] read line by line: `StreamReader.readline()` on a subprocess's
/// stdout.
#[derive(Debug)]
pub struct LineReader {
    pipe: Pipe,
    /// Bytes read and not yet returned: `buffer[start..]`.
    buffer: Vec<u8>,
    start: usize,
    scratch: Scratch,
    ended: bool,
}

impl LineReader {
    /// Reads lines from `pipe`.
    pub fn new(pipe: Pipe) -> Self {
        Self {
            pipe,
            buffer: Vec::new(),
            start: 0,
            scratch: Scratch::new(),
            ended: false,
        }
    }

    /// The next line without its `\n`, or `Ok(None)` at the end of the stream. A
    /// last line with no `\n` is still a line. Bytes that are not UTF-8 are
    /// replaced (U+FFFD), as `bytes.decode(errors="replace")` does. Cancel-safe: a
    /// call dropped while it waits leaves every byte read for the next one.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        loop {
            let pending = &self.buffer[self.start..];
            if let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line = text(&pending[..end]);
                self.start += end + 1;
                return Ok(Some(line));
            }
            if self.ended {
                let rest = (!pending.is_empty()).then(|| text(pending));
                self.start = self.buffer.len();
                return Ok(rest);
            }
            self.fill().await?;
        }
    }

    /// Reads once more from the pipe, after dropping the lines already returned
    /// (one move per read, not one per line). The buffer changes only after the
    /// read returns: at the `await`, it holds just the bytes not yet returned.
    async fn fill(&mut self) -> io::Result<()> {
        self.buffer.drain(..self.start);
        self.start = 0;
        let bytes = self.scratch.read_from(&mut self.pipe).await?;
        self.ended = bytes.is_empty();
        self.buffer.extend_from_slice(bytes);
        Ok(())
    }

    /// The pipe underneath, and the bytes read from it but not yet returned as
    /// lines.
    pub fn into_parts(self) -> (Pipe, Vec<u8>) {
        let rest = self.buffer[self.start..].to_vec();
        (self.pipe, rest)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
