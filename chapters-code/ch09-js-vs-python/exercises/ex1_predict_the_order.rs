//! Exercise 1: predict the order, on both policies.
//!
//! `tests/exercises.rs` runs two scenarios and compares what they log with your
//! prediction. Write each prediction down before you run anything.
//!
//! - `node_scenario`, on our [`NodeLoop`](crate::NodeLoop): a socket becomes
//!   readable, and its poll-phase callback schedules a `setTimeout(0)`, a
//!   `setImmediate`, a `queueMicrotask`, a promise `then` (which queues a
//!   `nextTick` of its own) and a `nextTick`, between two lines of sync code.
//! - `asyncio_scenario`, on chapter 4's `EventLoop`: a callback queued with
//!   `call_soon` schedules a `call_later(0)` and a `call_soon`; a task spawned
//!   after it logs three steps, with a `sleep(0)` between two of them.

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

/// Your prediction: the order in which the Node scenario logs [`NODE_LABELS`].
pub fn node_order() -> Vec<&'static str> {
    todo!("exercise 1: the Node scenario's labels, in the order they are logged")
}

/// Your prediction: the order in which the asyncio scenario logs
/// [`ASYNCIO_LABELS`].
pub fn asyncio_order() -> Vec<&'static str> {
    todo!("exercise 1: the asyncio scenario's labels, in the order they are logged")
}
