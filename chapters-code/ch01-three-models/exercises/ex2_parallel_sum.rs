//! Exercise 2: a CPU sum, in parallel.
//!
//! Write `parallel_sum(numbers, parts)`: split `numbers` into `parts` contiguous
//! pieces of (almost) equal length, sum each piece on its own thread, and return one
//! `PartialSum` per piece, in order. Rust has no global lock: the pieces can be
//! summed at the same time, on different cores, with no processes and no copying.

use std::thread::ThreadId;

/// The sum of one piece, and the thread that computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialSum {
    /// The sum of the piece (wrapping on overflow).
    pub sum: u64,
    /// The thread that summed it.
    pub thread: ThreadId,
}

/// Sums `numbers` in `parts` pieces, one thread per piece.
pub fn parallel_sum(numbers: &[u64], parts: usize) -> Vec<PartialSum> {
    todo!(
        "exercise 2: split {} numbers into {parts} pieces and sum each on its own \
         thread",
        numbers.len()
    )
}
