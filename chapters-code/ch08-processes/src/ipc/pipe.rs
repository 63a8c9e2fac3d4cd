//! `multiprocessing.Pipe()`: a channel between two processes.
//!
//! CPython's `Pipe(duplex=True)` (`Lib/multiprocessing/connection.py`) is, on
//! POSIX, a `socket.socketpair()`: one fd at each end, bytes flowing both ways.
//! `Pipe(duplex=False)` is an `os.pipe()`: a read end and a write end, bytes flowing
//! one way. Each end is a `Connection` whose `send` writes one frame (a 4-byte
//! length, then the pickle) and whose `recv` reads one.
//!
//! Ours frames with [`crate::frame`]. The parent's end lives on the loop: a
//! [`Connection`] is a [`FrameReader`] over a [`Pipe`], registered with the
//! selector. The child's end becomes the child's stdin, fd 0. The child is a plain
//! program with nothing else to wait for, so it blocks: [`ChildConnection`].

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;

use ch05_io::IoCore;
use rustix::pipe::{PipeFlags, pipe_with};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::frame::{Decoder, decode, encode};
use crate::pipe::{FrameReader, Pipe, invalid};

/// Two connected ends, as `multiprocessing.Pipe(duplex)` returns them: with
/// `duplex`, a Unix socket pair (each end reads and writes); without, a pipe's read
/// end, then its write end.
///
/// Both are close-on-exec, as every fd std opens: a child started meanwhile by
/// another thread does not inherit them by accident. One is given to a child on
/// purpose, as its stdin or stdout.
pub fn pipe(duplex: bool) -> io::Result<(OwnedFd, OwnedFd)> {
    if duplex {
        let (a, b) = UnixStream::pair()?;
        Ok((a.into(), b.into()))
    } else {
        Ok(pipe_with(PipeFlags::CLOEXEC)?)
    }
}

// ANCHOR: spawn_connected
/// Starts `command` with one end of a duplex pipe as its stdin, and returns the
/// child and the other end, on the loop.
pub fn spawn_connected(
    io: &Rc<IoCore>,
    mut command: Command,
    name: &str,
) -> io::Result<(Child, Connection)> {
    let (ours, theirs) = pipe(true)?;
    // Our end joins the loop before the child starts: the spawn is the last step
    // that can fail, so an error never leaves a child behind.
    let connection = Connection::new(io, ours, name)?;
    let child = command.stdin(Stdio::from(theirs)).spawn()?;
    // The command holds our copy of the child's end. Dropped, only the child holds
    // it, so a child that exits (or dies) ends our stream: `recv` sees the end
    // instead of waiting for a message that cannot come.
    drop(command);
    Ok((child, connection))
}
// ANCHOR_END: spawn_connected

// ANCHOR: connection
/// One end of a channel, on the loop: `send` a value, `recv` the next one.
#[derive(Debug)]
pub struct Connection {
    frames: FrameReader,
}

impl Connection {
    /// `fd` (a socket or pipe end) on the loop, under `name` (`"child-1 channel"`).
    pub fn new(
        io: &Rc<IoCore>,
        fd: impl Into<OwnedFd>,
        name: &str,
    ) -> io::Result<Self> {
        Ok(Self {
            frames: FrameReader::new(Pipe::new(io, fd, name)?),
        })
    }

    /// Sends `value` as one frame, waiting on the loop while the buffer is full.
    /// `send` and `recv` take turns (`&mut self`): the selector keeps one waiter
    /// per direction, and one task drives the connection.
    pub async fn send<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> io::Result<()> {
        let frame = encode(value).map_err(invalid)?;
        self.frames.pipe_mut().write_all(&frame).await
    }

    /// The next value, or `Ok(None)` once the other end is closed.
    pub async fn recv<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        match self.frames.next_frame().await? {
            Some(payload) => decode(&payload).map(Some).map_err(invalid),
            None => Ok(None),
        }
    }
}
// ANCHOR_END: connection

/// The child's end of a [`spawn_connected`] channel: its stdin, read and written
/// with blocking calls.
#[derive(Debug)]
pub struct ChildConnection {
    stream: UnixStream,
    decoder: Decoder,
}

impl ChildConnection {
    /// The channel the parent made fd 0.
    pub fn from_stdin() -> io::Result<Self> {
        let fd = io::stdin().as_fd().try_clone_to_owned()?;
        Ok(Self {
            stream: UnixStream::from(fd),
            decoder: Decoder::new(),
        })
    }

    /// Sends `value` as one frame.
    pub fn send<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        self.stream.write_all(&encode(value).map_err(invalid)?)
    }

    /// The next value, or `Ok(None)` once the parent closed its end.
    pub fn recv<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        let mut buf = [0; 4096];
        loop {
            if let Some(payload) = self.decoder.next_frame().map_err(invalid)? {
                return decode(&payload).map(Some).map_err(invalid);
            }
            match self.stream.read(&mut buf)? {
                0 => return self.decoder.finish().map(|()| None).map_err(invalid),
                n => self.decoder.push(&buf[..n]),
            }
        }
    }
}
