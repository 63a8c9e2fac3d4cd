//! Exercise 3: a microtask budget. Reference solution.

use crate::MicrotaskLoop;
use crate::trace::Event;

// ANCHOR: run_once_with_budget
/// One turn of `lp` whose checkpoint runs at most `budget` microtasks; returns
/// how many it ran.
///
/// # Panics
/// If `budget` is 0.
pub fn run_once_with_budget(lp: &MicrotaskLoop, budget: usize) -> usize {
    assert!(budget >= 1, "a microtask budget must be 1+, not {budget}");
    let js = lp.handle();
    js.begin_turn();
    // No step 0 here: the microtasks left over wait for the next macrotask.
    // 1. Wait: not at all if a macrotask or a microtask is queued.
    if let Some(timeout) = js.poll_timeout() {
        js.wait(timeout);
    }
    // 2. Every due timer becomes a macrotask.
    js.queue_due_timers();
    // 3. ONE macrotask.
    js.run_macrotask();
    // 4. The checkpoint, cut short: the rest stays in the ready queue, in order.
    let mut ran = 0;
    while ran < budget && js.core().run_next_ready() {
        ran += 1;
    }
    js.record(|| Event::Checkpoint {
        ticks: 0,
        microtasks: ran,
    });
    ran
}
// ANCHOR_END: run_once_with_budget
