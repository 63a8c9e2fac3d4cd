//! Exercise 1: predict the order, on both policies. Reference solution.

/// Every label the Node scenario logs, in the order its code mentions them.
pub const NODE_LABELS: [&str; 8] = [
    "I/O callback starts",
    "setTimeout 0",
    "setImmediate",
    "queueMicrotask",
    "promise then",
    "nextTick queued by then",
    "nextTick",
    "I/O callback ends",
];

/// Every label the asyncio scenario logs, in the order its code mentions them.
pub const ASYNCIO_LABELS: [&str; 6] = [
    "first callback",
    "call_later(0)",
    "call_soon",
    "task: step 1",
    "task: step 2",
    "task: step 3",
];

// ANCHOR: node_order
/// The order in which the Node scenario logs [`NODE_LABELS`].
pub fn node_order() -> Vec<&'static str> {
    vec![
        // The callback runs to its end: nothing interrupts sync code.
        "I/O callback starts",
        "I/O callback ends",
        // The checkpoint after it: the tick queue first...
        "nextTick",
        // ...then the microtask queue, in the order it was filled.
        "queueMicrotask",
        "promise then",
        // A tick queued by a microtask waits for the microtask queue to empty.
        "nextTick queued by then",
        // The check phase comes right after the poll phase...
        "setImmediate",
        // ...and the timers phase only in the next turn.
        "setTimeout 0",
    ]
}
// ANCHOR_END: node_order

// ANCHOR: asyncio_order
/// The order in which the asyncio scenario logs [`ASYNCIO_LABELS`].
pub fn asyncio_order() -> Vec<&'static str> {
    vec![
        // Iteration 1's snapshot: the callback, then the task's first step.
        "first callback",
        "task: step 1",
        // Iteration 2: what those two queued, then the timer, due by now and
        // moved to the back of the ready queue before the snapshot.
        "call_soon",
        "task: step 2",
        "call_later(0)",
        // Iteration 3: the step that `sleep(0)` queued in iteration 2.
        "task: step 3",
    ]
}
// ANCHOR_END: asyncio_order
