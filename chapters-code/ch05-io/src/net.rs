//! Non-blocking TCP on the loop: [`TcpListener`] and [`TcpStream`].
//!
//! Each is a std socket in non-blocking mode, registered with the loop's selector
//! for as long as it lives. Every operation is a future that *tries the system call
//! first*; only on `WouldBlock` does it leave its task's waker with the selector and
//! return `Pending`. That is what asyncio's `sock_recv`, `sock_sendall`,
//! `sock_accept` and `sock_connect` do (`Lib/asyncio/selector_events.py`), with a
//! waker where they have a callback and a future.

use std::cell::Cell;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::Rc;
use std::time::Duration;

use rustix::net::{AddressFamily, SocketType};

use crate::io_core::IoCore;
use crate::io_op::io_op;
use crate::selector::{FdKey, Interest};

/// The listen backlog: how many finished handshakes the kernel keeps for `accept`.
/// asyncio's `start_server` defaults to 100; ours is larger so a thousand clients
/// that connect at once never find the queue full (the kernel caps it at
/// `net.core.somaxconn`).
pub const BACKLOG: i32 = 1024;

fn socket_for(addr: &SocketAddr) -> io::Result<OwnedFd> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let fd = rustix::net::socket(family, SocketType::STREAM, None)?;
    rustix::io::ioctl_fionbio(&fd, true)?; // O_NONBLOCK
    Ok(fd)
}

/// A listening socket on the loop.
#[derive(Debug)]
pub struct TcpListener {
    io: Rc<IoCore>,
    key: FdKey,
    name: String,
    accepted: Cell<u64>,
    inner: std::net::TcpListener,
}

impl TcpListener {
    /// Binds and listens on `addr` (use port 0 for any free port), registered as
    /// `listener`.
    pub fn bind(io: &Rc<IoCore>, addr: SocketAddr) -> io::Result<Self> {
        Self::bind_named(io, "listener", addr)
    }

    /// [`TcpListener::bind`] with a name for traces.
    pub fn bind_named(
        io: &Rc<IoCore>,
        name: &str,
        addr: SocketAddr,
    ) -> io::Result<Self> {
        let fd = socket_for(&addr)?;
        rustix::net::sockopt::set_socket_reuseaddr(&fd, true)?;
        rustix::net::bind(&fd, &addr)?;
        rustix::net::listen(&fd, BACKLOG)?;
        let inner = std::net::TcpListener::from(fd);
        let key = io.register(inner.as_fd(), name)?;
        Ok(Self {
            io: io.clone(),
            key,
            name: name.to_string(),
            accepted: Cell::new(0),
            inner,
        })
    }

    /// The address it listens on (with the port the OS chose for port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// The next connection: asyncio's `sock_accept`. The stream is registered as
    /// `conn1`, `conn2`, ... in the order the kernel queued the handshakes.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) =
            io_op(&self.io, self.key, Interest::Read, || self.inner.accept())
                .await?;
        // accepted sockets do not inherit O_NONBLOCK on Linux
        stream.set_nonblocking(true)?;
        let n = self.accepted.get() + 1;
        self.accepted.set(n);
        let stream = TcpStream::from_std(&self.io, &format!("conn{n}"), stream)?;
        Ok((stream, peer))
    }

    /// The selector key.
    pub fn key(&self) -> FdKey {
        self.key
    }

    /// Its name in traces.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl Drop for TcpListener {
    /// Deregisters, then (as the field drops) closes the socket.
    fn drop(&mut self) {
        self.io.deregister(self.key);
    }
}

/// A connected TCP socket on the loop. Share it between tasks with an `Rc`: one may
/// read while another writes.
#[derive(Debug)]
pub struct TcpStream {
    io: Rc<IoCore>,
    key: FdKey,
    name: String,
    inner: std::net::TcpStream,
}

impl TcpStream {
    /// Connects to `addr`, registered as `client`: asyncio's `sock_connect`.
    pub async fn connect(io: &Rc<IoCore>, addr: SocketAddr) -> io::Result<Self> {
        Self::connect_named(io, "client", addr).await
    }

    // ANCHOR: connect
    /// [`TcpStream::connect`] with a name for traces. A non-blocking `connect`
    /// answers `EINPROGRESS`; the socket becomes writable when the handshake is
    /// done, and `SO_ERROR` then says whether it succeeded.
    pub async fn connect_named(
        io: &Rc<IoCore>,
        name: &str,
        addr: SocketAddr,
    ) -> io::Result<Self> {
        let fd = socket_for(&addr)?;
        match rustix::net::connect(&fd, &addr) {
            Ok(()) | Err(rustix::io::Errno::INPROGRESS) => {}
            Err(e) => return Err(e.into()),
        }
        let stream = Self::from_std(io, name, std::net::TcpStream::from(fd))?;
        io_op(io, stream.key, Interest::Write, || {
            match stream.inner.peer_addr() {
                Ok(_) => Ok(()), // connected
                Err(e) if e.kind() == ErrorKind::NotConnected => {
                    match rustix::net::sockopt::socket_error(&stream.inner)? {
                        // still in progress
                        Ok(()) => Err(ErrorKind::WouldBlock.into()),
                        // refused, unreachable...
                        Err(errno) => Err(errno.into()),
                    }
                }
                Err(e) => Err(e),
            }
        })
        .await?;
        Ok(stream)
    }
    // ANCHOR_END: connect

    /// Takes over a std stream: sets it non-blocking and registers it as `name`.
    pub fn from_std(
        io: &Rc<IoCore>,
        name: &str,
        inner: std::net::TcpStream,
    ) -> io::Result<Self> {
        inner.set_nonblocking(true)?;
        let key = io.register(inner.as_fd(), name)?;
        Ok(Self {
            io: io.clone(),
            key,
            name: name.to_string(),
            inner,
        })
    }

    // ANCHOR: read
    /// Reads what is there, up to `buf.len()` bytes: asyncio's `sock_recv`. `Ok(0)`
    /// is the end of the stream: the peer closed its side.
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        io_op(&self.io, self.key, Interest::Read, || {
            (&self.inner).read(buf)
        })
        .await
    }

    /// Writes some of `buf`, as much as the kernel takes now (at least one byte).
    pub async fn write(&self, buf: &[u8]) -> io::Result<usize> {
        io_op(&self.io, self.key, Interest::Write, || {
            (&self.inner).write(buf)
        })
        .await
    }
    // ANCHOR_END: read

    /// Writes all of `buf`: asyncio's `sock_sendall`.
    pub async fn write_all(&self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    // ANCHOR: read_exact
    /// Reads exactly `buf.len()` bytes: asyncio's `StreamReader.readexactly`. If the
    /// peer closes first, an `UnexpectedEof` error says how far it got (asyncio
    /// raises `IncompleteReadError` with the partial bytes).
    pub async fn read_exact(&self, buf: &mut [u8]) -> io::Result<()> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.read(&mut buf[filled..]).await? {
                0 => {
                    return Err(io::Error::new(
                        ErrorKind::UnexpectedEof,
                        format!(
                            "{}: the peer closed the connection after {filled} of \
                             {} bytes",
                            self.name,
                            buf.len()
                        ),
                    ));
                }
                n => filled += n,
            }
        }
        Ok(())
    }
    // ANCHOR_END: read_exact

    /// Reads until the peer closes, appending to `out`; returns how many bytes were
    /// read.
    pub async fn read_to_end(&self, out: &mut Vec<u8>) -> io::Result<usize> {
        let mut buf = [0; 8192];
        let start = out.len();
        loop {
            match self.read(&mut buf).await? {
                0 => return Ok(out.len() - start),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    /// Closes the writing side (sends FIN): the peer's reads return 0 once they have
    /// read everything. asyncio's `write_eof()`.
    pub fn shutdown_write(&self) -> io::Result<()> {
        self.inner.shutdown(Shutdown::Write)
    }

    /// Closes the connection with a reset (RST) instead of a FIN: `SO_LINGER` of 0,
    /// then close. The peer's next read fails with `ECONNRESET`. asyncio's
    /// `transport.abort()` closes without flushing; with `SO_LINGER` 0 a close sends
    /// RST.
    pub fn abort(self) -> io::Result<()> {
        rustix::net::sockopt::set_socket_linger(&self.inner, Some(Duration::ZERO))?;
        drop(self);
        Ok(())
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// The selector key.
    pub fn key(&self) -> FdKey {
        self.key
    }

    /// Its name in traces.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl Drop for TcpStream {
    /// Deregisters, then (as the field drops) closes the socket: a closed socket
    /// never stays in the selector.
    fn drop(&mut self) {
        self.io.deregister(self.key);
    }
}
