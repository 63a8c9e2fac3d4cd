//! Exercise 1: run a callback a given number of iterations from now.
//!
//! `call_after_iterations(core, n, callback)` must run `callback` during the
//! iteration that comes `n` iterations after the next one: `n = 0` behaves like
//! `call_soon` (next iteration), `n = 2` runs it two iterations later. Use only
//! `call_soon`: no counters in the loop.

use std::rc::Rc;

use crate::Core;

/// Runs `callback` in the `n`-th iteration after the next one.
pub fn call_after_iterations(
    core: &Rc<Core>,
    n: u32,
    callback: impl FnOnce() + 'static,
) {
    let _ = (core, n, callback);
    todo!(
        "exercise 1: queue a callback that re-queues itself n times, then runs \
         `callback`"
    )
}
