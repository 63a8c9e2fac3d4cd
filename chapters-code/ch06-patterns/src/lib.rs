//! Chapter 6, *Sequential, concurrent, parallel*.
//!
//! A small asyncio-like toolkit on chapter 4's loop, each piece written the way
//! CPython writes it (`Lib/asyncio/tasks.py`, `Lib/asyncio/locks.py`,
//! `Lib/asyncio/threads.py`):
//!
//! - [`gather()`]: spawn every future as a task, wait for all, results in argument
//!   order; the first failure is returned at once and the other tasks keep running
//!   (asyncio's `gather(..., return_exceptions=False)`); [`gather_settled`] waits
//!   for all, failures included (`return_exceptions=True`);
//! - [`as_completed()`]: the results as the tasks finish, in completion order;
//! - [`wait_for()`]: chapter 4's `wait_for`, plus CPython's rule for a zero timeout;
//! - [`Semaphore`]: at most `n` holders at once, waiters served first come, first
//!   served;
//! - [`to_thread()`]: run a blocking function on another thread while the loop goes
//!   on;
//! - [`cpu`]: the CPU-bound jobs of the parallel speed-up benchmark;
//! - [`scenarios`]: the sequential and concurrent sleeps the book draws, and the
//!   timeline renderer for them.
//!
//! Everything else (tasks, `spawn`, `sleep`, the clock) is chapters 3 and 4, reused.

pub mod as_completed;
pub mod cpu;
pub mod gather;
pub mod scenarios;
pub mod semaphore;
pub mod to_thread;
pub mod wait_for;

pub use crate::as_completed::{AsCompleted, as_completed};
pub use crate::gather::{gather, gather_settled, join_handles};
pub use crate::semaphore::{Acquire, Semaphore, SemaphorePermit};
pub use crate::to_thread::{ToThread, to_thread};
pub use crate::wait_for::wait_for;

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
