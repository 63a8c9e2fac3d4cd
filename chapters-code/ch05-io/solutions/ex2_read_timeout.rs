//! Exercise 2: a read with a timeout (reference solution).

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
    match io.wait_for(stream.read(buf), timeout).await {
        Ok(result) => result,
        Err(elapsed) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "{}: nothing to read within {:?}",
                stream.name(),
                elapsed.timeout
            ),
        )),
    }
}
