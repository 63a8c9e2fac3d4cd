//! Exercise 3: `write_all`, one partial write at a time.
//!
//! `stream.write(buf)` writes *some* of `buf`: as much as the kernel's send buffer
//! takes now (it waits only when it can take nothing). `write_all` must write all of
//! `buf`, in order, however many writes that takes. If a write returns `Ok(0)`, fail
//! with `io::ErrorKind::WriteZero` instead of looping forever. Return how many
//! `write` calls it took.

use std::io;

use crate::TcpStream;

/// Writes all of `buf` to `stream`; returns the number of `write` calls.
pub async fn write_all(stream: &TcpStream, buf: &[u8]) -> io::Result<usize> {
    let _ = (stream, buf);
    todo!("exercise 3: call stream.write until every byte is written")
}
