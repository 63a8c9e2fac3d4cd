//! CPU work for the parallel speed-up benchmark (`benches/parallel.rs`).
//!
//! A job that only computes: no I/O, no sleep, nothing to await. On the loop it
//! blocks every other task for as long as it runs; on a thread it runs in parallel
//! with the loop and with the other threads, one core each. How much faster that is
//! is a measurement, so it lives in the benchmark; the tests only check that every
//! way of running the jobs computes the same thing.

use std::rc::Rc;

use ch03_ready_queue::{Core, JoinError};

use crate::{gather, to_thread};

// ANCHOR: cpu_job
/// `rounds` steps of a hash chain (SplitMix64's mixer) from `seed`: deterministic
/// CPU work whose every step needs the one before, so the compiler can neither skip
/// nor split it.
pub fn cpu_job(seed: u64, rounds: u64) -> u64 {
    let mut x = seed;
    for _ in 0..rounds {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
    }
    x
}

/// The jobs one after another inside the calling task, with no `.await` between
/// them: sequential, and the loop can run nothing else meanwhile.
pub async fn cpu_jobs_inline(seeds: Vec<u64>, rounds: u64) -> Vec<u64> {
    seeds.into_iter().map(|s| cpu_job(s, rounds)).collect()
}

/// Each job in [`to_thread()`], all gathered: one thread per job, in parallel with
/// each other and with the loop.
pub async fn cpu_jobs_to_thread(
    core: &Rc<Core>,
    seeds: Vec<u64>,
    rounds: u64,
) -> Result<Vec<u64>, JoinError> {
    gather(
        core,
        seeds
            .into_iter()
            .map(|s| to_thread(move || cpu_job(s, rounds))),
    )
    .await
}
// ANCHOR_END: cpu_job
