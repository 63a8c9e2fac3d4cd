//! Async tasks: many waits on one thread, taking turns.
//!
//! Every function here builds a *current-thread* tokio runtime: one event loop on
//! the calling thread, the closest thing in Rust to `asyncio.run`.

use std::sync::Arc;
use std::thread::{self, ThreadId};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::Barrier;

use crate::workload::{CpuRun, OverlapMeter, cpu_work};

/// A runtime with one event loop that runs on the thread calling `block_on`, and
/// nowhere else.
pub fn one_thread_loop() -> Runtime {
    Builder::new_current_thread().enable_all().build().expect(
        "building a current-thread runtime only fails if the OS refuses resources",
    )
}

// ANCHOR: waits_as_tasks
/// Runs `n` tasks that each wait until all `n` are waiting, and returns the thread
/// each one ran on (read both before and after its wait).
///
/// No task can get past the barrier until the last one arrives, so returning at all
/// proves that `n` waits were in progress at the same time, on however many threads
/// the ids show.
pub fn waits_as_tasks(n: usize) -> Vec<ThreadId> {
    one_thread_loop().block_on(async {
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                tokio::spawn(async move {
                    let before = thread::current().id();
                    // suspends this task; the loop runs the others
                    barrier.wait().await;
                    let after = thread::current().id();
                    [before, after]
                })
            })
            .collect();
        let mut seen = Vec::with_capacity(2 * n);
        for handle in handles {
            seen.extend(handle.await.expect("a waiting task does not panic"));
        }
        seen
    })
}
// ANCHOR_END: waits_as_tasks

// ANCHOR: cpu_as_tasks
/// Runs one CPU job per seed, each in its own task on the one-thread loop.
///
/// Each task yields once before its job so that all of them are started and
/// interleaved; the job itself contains no `.await`, so nothing can interrupt it and
/// the peak overlap is 1.
pub fn cpu_work_as_tasks(seeds: &[u64], rounds: u64) -> CpuRun {
    let meter = Arc::new(OverlapMeter::new());
    let results = one_thread_loop().block_on(async {
        let handles: Vec<_> = seeds
            .iter()
            .map(|&seed| {
                let meter = Arc::clone(&meter);
                tokio::spawn(async move {
                    tokio::task::yield_now().await; // let every task start first
                    let _inside = meter.enter();
                    // no await in here: the loop is stuck with us
                    cpu_work(seed, rounds)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(seeds.len());
        for handle in handles {
            results.push(handle.await.expect("cpu_work does not panic"));
        }
        results
    });
    CpuRun {
        results,
        peak_overlap: meter.peak(),
    }
}
// ANCHOR_END: cpu_as_tasks

// ANCHOR: blocking_off_loop
/// Hands a blocking call to tokio's blocking pool (Rust's `asyncio.to_thread`) while
/// a task on the loop produces what that call is blocked on.
///
/// Returns `(loop thread, thread that ran the blocking call)`. The blocking call
/// waits on a plain `std` channel that only a task on the loop can fill: had it run
/// on the loop's thread, the loop could never run that task and the program would
/// hang. It returns, so they differ.
pub fn blocking_call_off_the_loop() -> (ThreadId, ThreadId) {
    one_thread_loop().block_on(async {
        let (tx, rx) = std::sync::mpsc::channel::<&'static str>();
        let blocking = tokio::task::spawn_blocking(move || {
            let message = rx
                .recv()
                .expect("the task on the loop sends before dropping tx");
            assert_eq!(message, "from the loop");
            thread::current().id()
        });
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            tx.send("from the loop")
                .expect("the blocking call is still waiting");
        });
        let blocking_thread =
            blocking.await.expect("the blocking call does not panic");
        (thread::current().id(), blocking_thread)
    })
}
// ANCHOR_END: blocking_off_loop

// ANCHOR: nested_loop
/// Tries to run a second event loop on a thread whose loop is already running, and
/// returns the message of the panic tokio raises (Python raises `RuntimeError` in
/// the same place).
pub fn start_a_loop_inside_a_loop() -> Result<(), String> {
    let outer = one_thread_loop();
    // Built out here so that it is also dropped out here, after the outer loop has
    // stopped.
    let inner = one_thread_loop();
    let attempt = std::panic::catch_unwind(|| {
        outer.block_on(async {
            // would block the thread the outer loop is running on
            inner.block_on(async {});
        })
    });
    attempt.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}
// ANCHOR_END: nested_loop
