//! Exercise 1: `race`, the select that `wait_for` is made of.
//!
//! `race(a, b)` must finish as soon as either future finishes, with
//! `Either::Left(output)` if `a` did and `Either::Right(output)` if `b` did. If both
//! are ready on the same poll, `a` wins. The loser must be dropped before `race`
//! returns (its destructors run, and a `Sleep` inside it cancels its timer).

use std::future::Future;

/// Which of two futures finished first, and its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Either<L, R> {
    /// The first future won.
    Left(L),
    /// The second future won.
    Right(R),
}

/// Runs `a` and `b` together until one finishes; the other is dropped.
pub async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let _ = (a, b);
    todo!("exercise 1: poll both, return the first output, drop the other")
}
