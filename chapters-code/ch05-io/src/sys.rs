//! Two helpers that ask the OS directly, outside the loop: wait until an fd is
//! readable (for tests and examples that drive a peer between iterations), and raise
//! the open-files limit (for the thousand-connection server).

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

/// How long [`wait_readable`] waits before it gives up: far longer than loopback
/// ever takes, short enough that a test whose peer never writes fails instead of
/// hanging.
pub const READABLE_LIMIT: Duration = Duration::from_secs(10);

/// Blocks this thread (not the loop: call it outside `run_once`) until `fd` is
/// readable, without reading: `poll(2)`. For tests and examples that must know a
/// peer's bytes have arrived before the next iteration. Fails with `TimedOut` after
/// [`READABLE_LIMIT`].
pub fn wait_readable(fd: impl AsFd) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::IN)];
    let limit =
        Timespec::try_from(READABLE_LIMIT).expect("a few seconds fit a timespec");
    loop {
        match poll(&mut fds, Some(&limit)) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("the fd was not readable within {READABLE_LIMIT:?}"),
                ));
            }
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => return Err(error.into()),
        }
    }
}

/// Raises this process's soft limit on open files (`RLIMIT_NOFILE`) to at least
/// `needed`, up to the hard limit. Returns the new soft limit, or explains why it
/// cannot.
pub fn raise_fd_limit(needed: u64) -> Result<u64, String> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= needed {
        return Ok(current);
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    if hard < needed {
        return Err(format!(
            "{needed} file descriptors are needed, but the hard limit on open files \
             is {hard} (`ulimit -Hn`); raise it (e.g. in /etc/security/limits.conf, \
             or run in a shell with a higher `ulimit -n`)"
        ));
    }
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(hard),
            maximum: limit.maximum,
        },
    )
    .map_err(|e| format!("setrlimit(RLIMIT_NOFILE, {hard}) failed: {e}"))?;
    Ok(hard)
}
