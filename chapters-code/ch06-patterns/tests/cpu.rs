//! The benchmark's CPU jobs compute the same values however they are run. (How
//! *fast* each way is, is measured in `benches/parallel.rs`, never asserted here.)

use ch04_timers::EventLoop;
use ch06_patterns::cpu::{cpu_job, cpu_jobs_inline, cpu_jobs_to_thread};

const ROUNDS: u64 = 10_000;

#[test]
fn cpu_job_is_deterministic_and_depends_on_seed_and_rounds() {
    assert_eq!(cpu_job(1, ROUNDS), cpu_job(1, ROUNDS));
    assert_ne!(cpu_job(1, ROUNDS), cpu_job(2, ROUNDS));
    assert_ne!(cpu_job(1, ROUNDS), cpu_job(1, ROUNDS + 1));
    assert_eq!(cpu_job(7, 0), 7, "zero rounds: the seed itself");
    // SplitMix64's first output from seed 0, a published constant.
    assert_eq!(cpu_job(0, 1), 0xE220_A839_7B1D_CDAF);
}

#[test]
fn inline_and_to_thread_compute_the_same_results_in_argument_order() {
    let seeds: Vec<u64> = (0..4).collect();
    let expected: Vec<u64> = seeds.iter().map(|&s| cpu_job(s, ROUNDS)).collect();

    let lp = EventLoop::new();
    let inline = lp
        .run_until_complete(cpu_jobs_inline(seeds.clone(), ROUNDS))
        .unwrap();
    assert_eq!(inline, expected);

    let handle = lp.handle();
    let threaded = lp
        .run_until_complete(async move {
            cpu_jobs_to_thread(&handle, seeds, ROUNDS).await
        })
        .unwrap()
        .unwrap();
    assert_eq!(threaded, expected);
}
