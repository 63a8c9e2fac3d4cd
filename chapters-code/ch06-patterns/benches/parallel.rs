//! Parallel vs concurrent, measured: N identical CPU jobs run four ways.
//!
//! - `one_job`: a single job, called directly (the unit);
//! - `a_loop_sequential`: all N inside one task on our loop, one after another (the
//!   loop is blocked throughout);
//! - `b_loop_to_thread`: N `to_thread` calls gathered on our loop (parallel
//!   threads);
//! - `c_tokio_spawn_blocking`: N `spawn_blocking` on a current-thread tokio runtime
//!   (parallel threads from tokio's blocking pool);
//! - `d_tokio_tasks_inline`: N tokio tasks computing inline on a current-thread
//!   runtime (concurrent, not parallel: one thread takes them in turn).
//!
//! Run with `cargo bench -p ch06-patterns --bench parallel`. This is a measurement,
//! not an assertion: with `c` cores, `b` and `c` should take about N / min(N, c)
//! jobs' time, `a` and `d` about N. On one core there is no speed-up at all.

use std::hint::black_box;
use std::time::Duration;

use ch04_timers::EventLoop;
use ch06_patterns::cpu::{cpu_job, cpu_jobs_inline, cpu_jobs_to_thread};
use criterion::{Criterion, SamplingMode};

/// Jobs per run.
const N: u64 = 4;
/// Hash-chain steps per job: about 30 ms on a 2020s x86-64 core.
const ROUNDS: u64 = 10_000_000;

fn seeds() -> Vec<u64> {
    (0..N).map(black_box).collect()
}

fn parallel(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("N = {N} jobs of {ROUNDS} rounds, {cores} cores available");

    let mut group = c.benchmark_group("parallel");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("one_job", |b| {
        b.iter(|| cpu_job(black_box(1), black_box(ROUNDS)))
    });

    group.bench_function("a_loop_sequential", |b| {
        b.iter(|| {
            let lp = EventLoop::new();
            lp.run_until_complete(cpu_jobs_inline(seeds(), black_box(ROUNDS)))
                .unwrap()
        })
    });

    group.bench_function("b_loop_to_thread", |b| {
        b.iter(|| {
            let lp = EventLoop::new();
            let handle = lp.handle();
            lp.run_until_complete(async move {
                cpu_jobs_to_thread(&handle, seeds(), black_box(ROUNDS)).await
            })
            .unwrap()
            .unwrap()
        })
    });

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    group.bench_function("c_tokio_spawn_blocking", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rounds = black_box(ROUNDS);
                let jobs = seeds().into_iter().map(|s| {
                    tokio::task::spawn_blocking(move || cpu_job(s, rounds))
                });
                futures::future::try_join_all(jobs).await.unwrap()
            })
        })
    });

    group.bench_function("d_tokio_tasks_inline", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rounds = black_box(ROUNDS);
                let jobs = seeds()
                    .into_iter()
                    .map(|s| tokio::spawn(async move { cpu_job(s, rounds) }));
                futures::future::try_join_all(jobs).await.unwrap()
            })
        })
    });

    group.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, minus an undocumented
// public fn.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    parallel(&mut criterion);
    criterion.final_summary();
}
