//! Exercise 1: count the polls.
//!
//! Write `poll_count(fut)`: poll `fut` with a no-op waker until it returns
//! `Poll::Ready`, and return how many polls that took. An async block with no
//! pending `.await` needs 1 poll; `Countdown::new(3)` needs 4 (three `Pending`s,
//! then `Ready`).

use std::future::Future;

/// How many polls `fut` needs to become ready under a no-op waker.
pub fn poll_count<F: Future>(fut: F) -> usize {
    drop(fut); // the stub throws the future away; your answer polls it
    todo!("exercise 1: poll the future until it is ready and count the polls")
}
