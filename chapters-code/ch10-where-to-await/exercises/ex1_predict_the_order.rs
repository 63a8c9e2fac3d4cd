//! Exercise 1: predict the order.
//!
//! `tests/exercises.rs` runs one `main` task on our loop (chapter 7's
//! `EventLoop`, on the virtual clock) and compares what it logs with your
//! prediction. `main` spawns a task A, builds a future B without spawning it,
//! awaits B, builds a `gather` of two children C and D (D sleeps 1 s first),
//! awaits the gather, then awaits A. Write your prediction down before you run
//! anything.

/// Every label the scenario logs, in the order its code mentions them.
pub const LABELS: [&str; 11] = [
    "main: start",
    "main: A spawned",
    "A: start",
    "A: end",
    "B: runs",
    "main: after B",
    "main: gather built",
    "C: runs",
    "D: after 1 s",
    "main: after gather",
    "main: end",
];

/// Your prediction: the order in which the scenario logs [`LABELS`].
pub fn predicted_order() -> Vec<&'static str> {
    todo!("exercise 1: the scenario's labels, in the order they are logged")
}
