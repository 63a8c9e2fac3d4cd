//! Exercise 2, a reference answer: `thread::scope` borrows the slice, one thread per
//! piece.

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
    // `parts` pieces whose lengths differ by one at most: the first `extra` pieces
    // take one number more. (`chunks(len.div_ceil(parts))` may give fewer pieces:
    // 9 numbers in 4 parts would come out as 3 pieces of 3.)
    let (base, extra) = (numbers.len() / parts, numbers.len() % parts);
    let mut rest = numbers;
    thread::scope(|s| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let (piece, tail) = rest.split_at(base + usize::from(i < extra));
                rest = tail;
                s.spawn(move || PartialSum {
                    sum: piece.iter().fold(0u64, |a, &b| a.wrapping_add(b)),
                    thread: thread::current().id(),
                })
            })
            .collect();
        // Join only once every thread is started, or they would take turns.
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
