//! Exercise 2: will this block the loop?
//!
//! Each snippet below runs as one line of a task on our loop, with `h` the loop's
//! handle (`Rc<ThreadedCore>`). While that line runs, does another task, ready
//! when the line began, get to run? `tests/exercises.rs` runs every snippet on a
//! fresh loop beside such a task, with [`measure`](crate::measure), and compares
//! what happened with your verdicts. It also checks that the snippets it runs are
//! the ones listed here.

/// What happens to the other tasks while a snippet runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The line gives the loop a turn: the other task runs before the line ends.
    OthersRun,
    /// The line keeps the thread until it ends: the other task waits.
    OthersWait,
}

/// The snippets, in order, as `tests/exercises.rs` runs them.
pub const SNIPPETS: [&str; 9] = [
    "h.sleep(Duration::from_millis(10)).await",
    "std::thread::sleep(Duration::from_millis(10))",
    "h.to_thread(|| std::thread::sleep(Duration::from_millis(10))).await",
    "h.sleep(Duration::ZERO).await",
    "async { (0..1_000u64).sum::<u64>() }.await",
    "h.spawn(async { 1 }).await",
    "drop(h.to_thread(|| 1))",
    "futures::future::join(async { 1 }, async { 2 }).await",
    "gather(h.core(), (1..=2).map(|n| async move { n })).await",
];

/// Your verdict on each of [`SNIPPETS`], in the same order.
pub fn verdicts() -> [Verdict; 9] {
    todo!("exercise 2: for each snippet, OthersRun or OthersWait")
}
