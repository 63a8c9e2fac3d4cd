//! Exercise 1: a bounded `gather`.
//!
//! `gather_limited(core, n, futures)` runs the futures concurrently, but never more
//! than `n` of them at once, and returns their outputs in argument order (like
//! `gather`, whatever the order they finish in). Ten 1 s jobs with `n = 3` take 4 s.
//! Assume no job panics.

use std::future::Future;
use std::rc::Rc;

use ch03_ready_queue::Core;

/// Runs `futures` with at most `n` at once; outputs in argument order.
pub async fn gather_limited<F>(
    core: &Rc<Core>,
    n: usize,
    futures: Vec<F>,
) -> Vec<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let _ = (core, n, futures);
    todo!("exercise 1: a Semaphore(n) around each future, then gather")
}
