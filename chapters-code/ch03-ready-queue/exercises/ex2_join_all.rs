//! Exercise 2: wait for several tasks, asyncio.gather-style.
//!
//! `join_all(handles)` returns a future that is ready once every task is done, with
//! the results in the order of `handles` (not the order the tasks finished). The
//! tasks are already spawned, so they run concurrently whatever `join_all` does; it
//! only has to wait well: when polled, it must not report `Ready` before every
//! handle has given its result.
//!
//! Hint: keep a `Vec<Option<Result<T, JoinError>>>`; on each poll, poll every handle
//! that has no result yet (`Pin::new(&mut handle).poll(cx)`); return `Pending` while
//! any is missing.

use std::future::Future;

use crate::{JoinError, JoinHandle};

/// Waits for every task; their results, in the order of `handles`.
pub fn join_all<T: 'static>(
    handles: Vec<JoinHandle<T>>,
) -> impl Future<Output = Vec<Result<T, JoinError>>> {
    let _ = handles;
    async { todo!("exercise 2: poll every handle until each has given its result") }
}
