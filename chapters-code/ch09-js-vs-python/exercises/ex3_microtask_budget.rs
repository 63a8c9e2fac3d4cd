//! Exercise 3: a microtask budget.
//!
//! A JavaScript checkpoint runs microtasks until none is left, so a chain that
//! keeps queueing starves a due timer until it ends. Write a turn that gives the
//! checkpoint a budget instead: `run_once_with_budget(lp, budget)` runs one
//! macrotask (a due timer is one), then at most `budget` microtasks, and returns
//! how many it ran. The microtasks left over stay queued, in order: the next turn
//! runs them, up to `budget` again, after its macrotask if there is one. So a
//! 1,000-link chain with a due timer behind it lets the timer run after link
//! `budget`. A budget larger than the chain changes nothing, and a budget of 0
//! panics with "a microtask budget must be 1+" (no microtask would ever run).

use crate::MicrotaskLoop;

/// One turn of `lp` whose checkpoint runs at most `budget` microtasks; returns
/// how many it ran.
///
/// # Panics
/// If `budget` is 0.
pub fn run_once_with_budget(lp: &MicrotaskLoop, budget: usize) -> usize {
    let _ = (lp, budget);
    todo!("exercise 3: one macrotask, then at most `budget` microtasks")
}
