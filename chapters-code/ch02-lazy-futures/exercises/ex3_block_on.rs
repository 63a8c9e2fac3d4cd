//! Exercise 3: write `block_on`, the smallest executor.
//!
//! `block_on(fut)` runs `fut` to completion on the current thread and returns its
//! output: poll it; if it answers `Poll::Pending`, put the thread to sleep until the
//! future's waker is called, then poll again. Do not spin: a `Pending` future should
//! cost one poll per wake-up, not thousands. The waker may be called from another
//! thread.

use std::future::Future;

/// Runs `fut` to completion on this thread, sleeping while it is pending.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    drop(fut); // the stub throws the future away; your answer polls it
    todo!("exercise 3: poll, park the thread on Pending, let the waker unpark it")
}
