//! Exercise 3: a loop iteration that drains the ready queue, as a JavaScript
//! microtask checkpoint does.
//!
//! `run_once_draining(lp)` runs one iteration that keeps taking entries from the
//! ready queue until it is empty, *including* entries queued while it runs, and
//! returns how many it ran. Begin the iteration with `begin_iteration()` (so the
//! trace shows one iteration), then use `run_next_ready()`, which returns `false`
//! once the queue is empty.

use crate::EventLoop;

/// One draining iteration; how many callbacks and task steps it ran.
pub fn run_once_draining(lp: &EventLoop) -> usize {
    let _ = lp;
    todo!(
        "exercise 3: begin an iteration, then run entries until the queue is empty"
    )
}
