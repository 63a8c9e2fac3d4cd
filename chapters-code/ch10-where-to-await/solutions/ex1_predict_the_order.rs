//! Exercise 1: predict the order. Reference solution.

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

/// The order in which the scenario logs [`LABELS`].
pub fn predicted_order() -> Vec<&'static str> {
    vec![
        // main's first step runs until its first await that is pending. B is a
        // plain future: awaiting it runs it here, inside main's step.
        "main: start",
        "main: A spawned",
        "B: runs",
        "main: after B",
        // gather spawned C and D already; none of them has run yet.
        "main: gather built",
        // Iteration 2: the tasks spawned in iteration 1, in spawn order. A yields
        // at its sleep(0); C ends; D starts its 1 s sleep (it logs nothing yet).
        "A: start",
        "C: runs",
        // Iteration 3: A's second step.
        "A: end",
        // At 1 s: D ends, and wakes main.
        "D: after 1 s",
        "main: after gather",
        // A ended long ago: awaiting its handle does not yield.
        "main: end",
    ]
}
