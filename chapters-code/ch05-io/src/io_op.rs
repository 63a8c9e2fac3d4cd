//! The one idea every I/O future of the loop is built on: try the system call first,
//! and wait for readiness only after `WouldBlock`.
//!
//! asyncio's `sock_recv` and friends (`Lib/asyncio/selector_events.py`) do the same
//! with a callback and a future: try `sock.recv`; on `BlockingIOError`, `add_reader`
//! a callback that retries, and return the future.

use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::task::Poll;

use crate::io_core::IoCore;
use crate::selector::{FdKey, Interest};

/// Removes a waiter when the operation that left it ends, finished or dropped
/// (cancelled by `wait_for`, say): no stale waker stays with the selector.
struct WaitGuard<'a> {
    io: &'a IoCore,
    key: FdKey,
    interest: Interest,
}

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        self.io.remove_waiter(self.key, self.interest);
    }
}

// ANCHOR: io_op
/// Runs `op` until it does not return `WouldBlock`: try the system call; if it would
/// block, leave this task's waker with the selector and return `Pending`; when the
/// selector reports the fd ready, the task is woken and the next poll tries again.
/// Works for any fd registered under `key` (pipes, Unix sockets), not only TCP.
pub async fn io_op<R>(
    io: &IoCore,
    key: FdKey,
    interest: Interest,
    mut op: impl FnMut() -> io::Result<R>,
) -> io::Result<R> {
    let _guard = WaitGuard { io, key, interest };
    poll_fn(|cx| {
        loop {
            match op() {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    io.add_waiter(key, interest, cx.waker());
                    return Poll::Pending;
                }
                // EINTR: try again
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                result => return Poll::Ready(result),
            }
        }
    })
    .await
}
// ANCHOR_END: io_op
