//! Exercise 2: wait for several tasks, asyncio.gather-style.
//!
//! `join_all(handles)` returns a future that is ready once every task is done, with
//! the results in the order of `handles` (not the order the tasks finished). The
//! tasks are already spawned, so they run concurrently whatever `join_all` does; it
//! only has to wait well: when polled, it must not report `Ready` before every
//! handle has given its result.

use std::future::Future;

use crate::{JoinError, JoinHandle};

/// Waits for every task; their results, in the order of `handles`.
pub fn join_all<T: 'static>(
    handles: Vec<JoinHandle<T>>,
) -> impl Future<Output = Vec<Result<T, JoinError>>> {
    let _ = handles;
    async { todo!("exercise 2: poll every handle until each has given its result") }
}
