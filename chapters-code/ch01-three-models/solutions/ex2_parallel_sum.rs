//! Exercise 2, a reference answer: `thread::scope` borrows the slice, one thread per
//! chunk.

use std::thread::{self, ThreadId};

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
    if numbers.is_empty() || parts == 0 {
        return Vec::new();
    }
    let chunk = numbers.len().div_ceil(parts);
    thread::scope(|s| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .map(|piece| {
                s.spawn(move || PartialSum {
                    sum: piece.iter().fold(0u64, |a, &b| a.wrapping_add(b)),
                    thread: thread::current().id(),
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
