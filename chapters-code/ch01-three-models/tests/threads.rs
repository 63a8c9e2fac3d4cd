//! OS threads: one id each, one memory for all, and nothing that makes them take
//! turns.

use std::collections::HashSet;
use std::thread;

use ch01_three_models::threads::{
    cpu_work_as_threads, shared_counter_with_threads, waits_as_threads,
};
use ch01_three_models::workload::{OverlapMeter, cpu_work};

#[test]
fn each_thread_has_its_own_id() {
    let ids = waits_as_threads(8);
    let distinct: HashSet<_> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        8,
        "8 blocked waits should have taken 8 threads"
    );
    assert!(
        !distinct.contains(&thread::current().id()),
        "spawned threads are not the parent thread"
    );
}

#[test]
fn threads_share_one_memory() {
    assert_eq!(
        shared_counter_with_threads(8, 10_000),
        80_000,
        "every thread's increments should land in the one counter the parent reads"
    );
}

#[test]
fn threads_compute_at_the_same_time() {
    let seeds = [1, 2, 3, 4];
    let run = cpu_work_as_threads(&seeds, 200_000);
    assert_eq!(
        run.peak_overlap, 4,
        "all 4 threads should have been inside the CPU section at the same moment"
    );
    let expected: Vec<u64> = seeds.iter().map(|&s| cpu_work(s, 200_000)).collect();
    assert_eq!(
        run.results, expected,
        "the answers should not depend on who computes them"
    );
}

#[test]
fn the_overlap_meter_counts_who_is_inside() {
    let meter = OverlapMeter::new();
    {
        let _a = meter.enter();
        let _b = meter.enter();
        assert_eq!(meter.inside(), 2);
    }
    let _c = meter.enter();
    assert_eq!(
        (meter.inside(), meter.peak()),
        (1, 2),
        "leaving lowers inside, not the peak"
    );
}
