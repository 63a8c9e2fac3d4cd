//! OS threads: one per waiter or job, all in one address space.

use std::sync::{Arc, Barrier};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use crate::workload::{CpuRun, OverlapMeter, cpu_work};

// ANCHOR: waits_as_threads
/// Runs `n` threads that each block until all `n` are blocked, and returns each
/// one's id.
///
/// The same I/O-like wait as [`crate::tasks::waits_as_tasks`], but a blocked thread
/// cannot do anything else, so `n` simultaneous waits take `n` threads.
pub fn waits_as_threads(n: usize) -> Vec<ThreadId> {
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait(); // the OS parks this thread until the n-th arrives
                thread::current().id()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a waiting thread does not panic"))
        .collect()
}
// ANCHOR_END: waits_as_threads

// ANCHOR: shared_counter
/// Has `n` threads each add 1 to one counter `per_thread` times, and returns what
/// the parent reads afterwards.
///
/// The counter is one value in the one address space all threads share; the `Arc`
/// only keeps it alive while any thread still uses it, and the atomic add makes each
/// increment indivisible.
pub fn shared_counter_with_threads(n: usize, per_thread: usize) -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let counter = Arc::new(AtomicUsize::new(0));
    thread::scope(|s| {
        for _ in 0..n {
            let counter = Arc::clone(&counter);
            s.spawn(move || {
                for _ in 0..per_thread {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.load(Ordering::Relaxed)
}
// ANCHOR_END: shared_counter

/// How long a thread waits for its siblings to join it in the CPU section before
/// giving up.
///
/// Only a guard against hanging if something serialised the threads: the wait
/// normally ends within a scheduler tick or two, and the test asserts on the peak,
/// not on time.
const GATHER_LIMIT: Duration = Duration::from_secs(30);

// ANCHOR: cpu_as_threads
/// Runs one CPU job per seed, each on its own thread, and measures how many were
/// computing at the same moment.
///
/// Inside the section each thread first spins (busy, never blocking) until every
/// thread is in; only then does it compute. Nothing in Rust serialises threads, so
/// all of them get in and the peak overlap is the number of seeds.
pub fn cpu_work_as_threads(seeds: &[u64], rounds: u64) -> CpuRun {
    let meter = OverlapMeter::new();
    let results = thread::scope(|s| {
        let handles: Vec<_> = seeds
            .iter()
            .map(|&seed| {
                let meter = &meter;
                s.spawn(move || {
                    let _inside = meter.enter();
                    let started = Instant::now();
                    // The peak, not the current count: a sibling that has already
                    // finished has left.
                    while meter.peak() < seeds.len()
                        && started.elapsed() < GATHER_LIMIT
                    {
                        std::hint::spin_loop();
                        // be kind to a 2-core machine while spinning
                        thread::yield_now();
                    }
                    cpu_work(seed, rounds)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("cpu_work does not panic"))
            .collect()
    });
    CpuRun {
        results,
        peak_overlap: meter.peak(),
    }
}
// ANCHOR_END: cpu_as_threads
