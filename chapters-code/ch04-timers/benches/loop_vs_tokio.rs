//! Our loop (chapter 4's `EventLoop`) against tokio, on the same three workloads:
//!
//! - `spawn`: spawn N = 10 000 trivial tasks, then await them all;
//! - `yield`: one task yields N times (our `sleep(Duration::ZERO)`, tokio's
//!   `yield_now`);
//! - `timers`: N sleeps with distinct deadlines (1..=N ms, shuffled), all pending at
//!   once, awaited with `futures::future::join_all`. Both clocks are virtual, so
//!   this measures the timers and not the waiting: our `EventLoop::virtual_time()`,
//!   and tokio's current-thread runtime with `start_paused(true)`. tokio pauses time
//!   only on the current-thread runtime, so the multi-thread runtime has no `timers`
//!   entry.
//!
//! Runtimes: `ours`, `tokio_current_thread`, `tokio_multi_thread` (2 workers). Each
//! runtime is built once and reused across iterations. Criterion writes its
//! estimates to `target/criterion/<workload>/<runtime>/new/estimates.json`;
//! `cargo xtask bench` reads them, runs `asyncio_bench.py`, and prints the table. A
//! measurement, not an assertion.

use std::hint::black_box;
use std::time::Duration;

use ch04_timers::EventLoop;
use criterion::{Criterion, SamplingMode, Throughput};

#[allow(dead_code, missing_docs)] // shared with `allocs.rs`, which uses all of it
mod workloads;
use workloads::*;

fn loop_vs_tokio(c: &mut Criterion) {
    let ours = EventLoop::new(); // the real monotonic clock
    let ours_virtual = EventLoop::virtual_time();
    let ct = current_thread();
    let ct_paused = current_thread_paused();
    let mt = multi_thread();

    let configure = |group: &mut criterion::BenchmarkGroup<'_, _>| {
        group
            .sample_size(30)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2))
            .throughput(Throughput::Elements(N));
    };

    let mut group = c.benchmark_group("spawn");
    configure(&mut group);
    group.bench_function("ours", |b| b.iter(|| black_box(ours_spawn(&ours))));
    group.bench_function("tokio_current_thread", |b| {
        b.iter(|| black_box(tokio_spawn(&ct)))
    });
    group.bench_function("tokio_multi_thread", |b| {
        b.iter(|| black_box(tokio_spawn(&mt)))
    });
    group.finish();

    let mut group = c.benchmark_group("yield");
    configure(&mut group);
    group.bench_function("ours", |b| b.iter(|| ours_yield(&ours)));
    group.bench_function("tokio_current_thread", |b| b.iter(|| tokio_yield(&ct)));
    group.bench_function("tokio_multi_thread", |b| b.iter(|| tokio_yield(&mt)));
    group.finish();

    let mut group = c.benchmark_group("timers");
    configure(&mut group);
    group.bench_function("ours", |b| {
        b.iter(|| black_box(ours_timers(&ours_virtual)))
    });
    group.bench_function("tokio_current_thread", |b| {
        b.iter(|| black_box(tokio_timers(&ct_paused)))
    });
    group.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, minus an undocumented
// public fn.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    loop_vs_tokio(&mut criterion);
    criterion.final_summary();
}
