//! Exercise 1: `Pool.map(func, items, chunksize)`. Reference solution.

use crate::job::{Batch, Batchable};
use crate::pool::{JobError, ProcessPool};

// ANCHOR: map
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
    assert!(chunksize >= 1, "chunksize must be 1+, not {chunksize}");
    let mut items = items.into_iter().peekable();
    let mut chunks = Vec::new();
    // All queued now, as `Pool.map` queues every task: the workers share them.
    while items.peek().is_some() {
        let chunk = items.by_ref().take(chunksize).collect();
        chunks.push(pool.submit(Batch(chunk)));
    }
    let mut outputs = Vec::new();
    for chunk in chunks {
        // In submission order: a chunk that finished early waits in its future.
        outputs.extend(chunk.await?);
    }
    Ok(outputs)
}
// ANCHOR_END: map
