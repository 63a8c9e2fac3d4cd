//! Exercise 1: `Pool.map(func, items, chunksize)`.
//!
//! Each job crosses the process boundary twice: a request frame down the worker's
//! stdin, a response frame up its stdout, a wake-up on each side. For a small job
//! that round trip costs more than the work. `map` sends the items in chunks: one
//! [`Batch`](crate::job::Batch) job per `chunksize` items, so `n` items cost
//! `n.div_ceil(chunksize)` jobs instead of `n` ([`ProcessPool::dispatched`]
//! counts them). The outputs come back in the items' order, whichever chunk
//! finishes first; if a chunk fails, its error (the first in the items' order) is
//! the answer. A `chunksize` of 0 panics with "chunksize must be 1+" (CPython's
//! `Pool.map` returns a list of `None` for it).

use crate::job::Batchable;
use crate::pool::{JobError, ProcessPool};

/// Runs every item on `pool`, `chunksize` items per job, and returns their
/// outputs in the items' order.
///
/// # Panics
/// If `chunksize` is 0.
pub async fn map<J: Batchable>(
    pool: &ProcessPool,
    items: Vec<J>,
    chunksize: usize,
) -> Result<Vec<J::Output>, JobError> {
    let _ = (pool, items, chunksize);
    todo!("exercise 1: one Batch job per chunk, then the outputs in order")
}
