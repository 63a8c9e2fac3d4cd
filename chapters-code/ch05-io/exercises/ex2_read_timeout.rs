//! Exercise 2: a read with a timeout.
//!
//! `read_timeout` reads like `stream.read(buf)`, but if nothing arrives within
//! `timeout` it gives up with an `io::ErrorKind::TimedOut` error. Either way, no
//! waiter may be left with the selector afterwards (`io.selector().waiting() == 0`).

use std::io;
use std::time::Duration;

use crate::{IoCore, TcpStream};

/// Reads into `buf`, or fails with `TimedOut` after `timeout`.
pub async fn read_timeout(
    io: &IoCore,
    stream: &TcpStream,
    buf: &mut [u8],
    timeout: Duration,
) -> io::Result<usize> {
    let _ = (io, stream, buf, timeout);
    todo!("exercise 2: race the read against a timer with wait_for")
}
