//! Exercise 2: `first_completed`, asyncio's `wait(fs, return_when=FIRST_COMPLETED)`.
//!
//! `first_completed(core, futures)` spawns every future as a task and finishes as
//! soon as one task finishes, with a [`First`]: the winner's index (in argument
//! order), its result, and the handles of the tasks still running, in argument
//! order. Like asyncio's `wait`, it cancels nothing: the others keep running, and
//! the caller may await or cancel them.

use std::future::Future;
use std::rc::Rc;

use ch03_ready_queue::{Core, JoinError, JoinHandle};

/// The first task to finish, and the others.
pub struct First<T> {
    /// Its position among the futures given.
    pub index: usize,
    /// What it gave.
    pub result: Result<T, JoinError>,
    /// The tasks still running, in argument order.
    pub pending: Vec<JoinHandle<T>>,
}

/// Spawns every future; finishes when the first of them does. Cancels nothing.
pub async fn first_completed<F>(core: &Rc<Core>, futures: Vec<F>) -> First<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let _ = (core, futures);
    todo!("exercise 2: spawn them all, poll the handles until one is ready")
}
