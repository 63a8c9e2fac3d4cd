//! Exercise 3: `write_all`, one partial write at a time (reference solution).

use std::io;

use crate::TcpStream;

/// Writes all of `buf` to `stream`; returns the number of `write` calls.
pub async fn write_all(stream: &TcpStream, mut buf: &[u8]) -> io::Result<usize> {
    let mut calls = 0;
    while !buf.is_empty() {
        calls += 1;
        match stream.write(buf).await? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => buf = &buf[n..],
        }
    }
    Ok(calls)
}
