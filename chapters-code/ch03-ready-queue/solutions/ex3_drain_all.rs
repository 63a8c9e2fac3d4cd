//! Exercise 3, reference solution: an iteration that drains the ready queue.

use crate::EventLoop;

/// One draining iteration; how many callbacks and task steps it ran.
pub fn run_once_draining(lp: &EventLoop) -> usize {
    lp.begin_iteration(); // the snapshot it returns is ignored: we run until empty
    let mut ran = 0;
    while lp.run_next_ready() {
        ran += 1;
    }
    ran
}
