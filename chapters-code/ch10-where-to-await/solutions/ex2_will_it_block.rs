//! Exercise 2: will this block the loop? Reference solution.

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

/// The verdict on each of [`SNIPPETS`], in the same order.
pub fn verdicts() -> [Verdict; 9] {
    use Verdict::{OthersRun, OthersWait};
    [
        OthersRun,  // a timer: the task waits in no queue until it fires
        OthersWait, // the thread sleeps, and the loop with it
        OthersRun,  // the result comes back through the loop's inbox
        OthersRun,  // a bare yield: exactly one iteration
        OthersWait, // ready at its first poll: an await that never suspends
        OthersRun,  // a new task starts only in the next iteration
        OthersWait, // the job runs on a thread; this task never stops
        OthersWait, // join is concurrent, but both are ready at once
        OthersRun,  // gather spawns tasks: they run in the next iteration
    ]
}
