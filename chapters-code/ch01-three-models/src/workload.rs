//! The CPU workload, and a meter that tells how many runners were inside it at once.

use std::sync::atomic::{AtomicUsize, Ordering};

// ANCHOR: cpu_work
/// A deterministic CPU-bound job: `rounds` steps of a xorshift generator, folded
/// into one number.
///
/// It never waits for anything, so whoever runs it keeps its thread busy until it
/// returns. The same `seed` and `rounds` give the same answer in a task, a thread or
/// another process.
pub fn cpu_work(seed: u64, rounds: u64) -> u64 {
    // xorshift64 has no fixed point other than 0, so start from a non-zero state.
    let mut state = seed | 1;
    let mut acc = 0u64;
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        acc = acc.wrapping_add(state);
    }
    acc
}
// ANCHOR_END: cpu_work

// ANCHOR: overlap_meter
/// Counts how many runners are inside a section right now, and the most there ever
/// were.
///
/// A peak of 1 proves the runners took turns; a peak of `n` proves all `n` were
/// inside at once. Neither needs a clock, which is why the tests use this rather
/// than timing.
#[derive(Debug, Default)]
pub struct OverlapMeter {
    inside: AtomicUsize,
    peak: AtomicUsize,
}

impl OverlapMeter {
    /// A meter with nobody inside.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks one runner as inside until the returned guard is dropped.
    pub fn enter(&self) -> Inside<'_> {
        let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Inside { meter: self }
    }

    /// How many runners are inside now.
    pub fn inside(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
    }

    /// The most runners that were ever inside at the same time.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Proof of being inside an [`OverlapMeter`]'s section; leaving is dropping it.
#[derive(Debug)]
pub struct Inside<'a> {
    meter: &'a OverlapMeter,
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.meter.inside.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: overlap_meter

/// What a run of the CPU workload produced, whichever model ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuRun {
    /// The answer of each job, in the order of the seeds.
    pub results: Vec<u64>,
    /// The most jobs that were computing at the same moment.
    pub peak_overlap: usize,
}
