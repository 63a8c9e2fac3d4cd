//! Exercise 1, reference solution: run a callback a given number of iterations from
//! now.

use std::rc::Rc;

use crate::Core;

/// Runs `callback` in the `n`-th iteration after the next one.
pub fn call_after_iterations(
    core: &Rc<Core>,
    n: u32,
    callback: impl FnOnce() + 'static,
) {
    if n == 0 {
        core.call_soon(callback);
        return;
    }
    let again = core.clone();
    // Each hop is one iteration: what a callback queues waits for the next snapshot.
    core.call_soon(move || call_after_iterations(&again, n - 1, callback));
}
