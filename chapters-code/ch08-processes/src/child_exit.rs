//! How the loop learns that a child process exited, without a thread: a *pidfd*.
//!
//! Since Linux 5.3, `pidfd_open(pid)` returns a file descriptor that refers to a
//! process and becomes readable when it exits. Registered with the selector, a
//! child's exit is one more readiness event, like a socket's. CPython 3.12 does this
//! on Linux (`PidfdChildWatcher` in `Lib/asyncio/unix_events.py`); 3.11 by default
//! starts a thread per child that blocks in `waitpid` (`ThreadedChildWatcher`).
//!
//! The pidfd only says *that* the child exited. Collecting its status (and with it
//! the zombie the kernel keeps until someone does) is still `waitpid`, done here by
//! std's `Child::try_wait`, which can no longer block.

use std::io;
use std::os::fd::AsFd;
use std::process::{Child, ExitStatus};
use std::rc::Rc;

use ch05_io::{Interest, IoCore, io_op};
use rustix::process::{Pid, PidfdFlags, pidfd_open};

// ANCHOR: wait_exit
/// Waits on the loop until `child` exits, then reaps it and returns its status:
/// `await proc.wait()`. Other tasks run meanwhile; no thread is started.
pub async fn wait_exit(
    io: &Rc<IoCore>,
    child: &mut Child,
) -> io::Result<ExitStatus> {
    if let Some(status) = child.try_wait()? {
        return Ok(status); // already exited (and now reaped)
    }
    let pid = Pid::from_child(child);
    // No flags: epoll only watches the pidfd, nothing reads it. (`NONBLOCK` would
    // matter only to `waitid` on the pidfd, and needs Linux 5.10; this needs 5.3.)
    let pidfd = pidfd_open(pid, PidfdFlags::empty())?;
    let key = io.register(pidfd.as_fd(), &format!("pidfd {pid}"))?;
    let _registered = Deregister { io, key }; // even if this future is dropped
    // Readable once the child has exited. Registered after the check above: a child
    // that exits in between makes the fd readable at once, and epoll reports a fd
    // that is ready when it is added.
    io_op(io, key, Interest::Read, || match child.try_wait() {
        Ok(Some(status)) => Ok(status),
        Ok(None) => Err(io::ErrorKind::WouldBlock.into()),
        Err(error) => Err(error),
    })
    .await
}

/// Deregisters a key when dropped, before the fd it names is closed.
struct Deregister<'a> {
    io: &'a IoCore,
    key: ch05_io::FdKey,
}

impl Drop for Deregister<'_> {
    fn drop(&mut self) {
        self.io.deregister(self.key);
    }
}
// ANCHOR_END: wait_exit

/// Whether the process `pid` is gone: neither running nor a zombie waiting to be
/// reaped. `kill(pid, 0)` succeeds on both, and fails with `ESRCH` only once the
/// process has been reaped. (A pid is reused only after many others: long after a
/// test looks.)
pub fn is_gone(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return true;
    };
    matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}
