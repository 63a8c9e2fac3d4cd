//! Heap allocations per operation, on our loop and on tokio's current-thread
//! runtime, for the workloads of `loop_vs_tokio.rs`: the evidence behind the
//! appendix's "why". Counted with `allocation-counter` (which installs a counting
//! global allocator, so this is its own bench target, away from the timings). Each
//! workload runs once to let queues and slabs grow, then once counted; the count is
//! divided by N. Run with `cargo bench -p ch04-timers --bench allocs`. A
//! measurement, not an assertion.

use ch04_timers::EventLoop;

#[allow(dead_code, missing_docs)] // shared with `loop_vs_tokio.rs`
mod workloads;
use workloads::*;

fn per_op(mut run: impl FnMut()) -> f64 {
    run(); // warm up: grow the slabs, queues and heaps to their working size
    let info = allocation_counter::measure(run);
    info.count_total as f64 / N as f64
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench` probes bench targets with --list
    }
    let ours = EventLoop::new();
    let ours_virtual = EventLoop::virtual_time();
    let ct = current_thread();
    let ct_paused = current_thread_paused();
    println!("allocations per operation (N = {N})");
    println!("workload  ours  tokio_current_thread");
    println!(
        "spawn     {:.2}  {:.2}",
        per_op(|| {
            ours_spawn(&ours);
        }),
        per_op(|| {
            tokio_spawn(&ct);
        })
    );
    println!(
        "yield     {:.2}  {:.2}",
        per_op(|| ours_yield(&ours)),
        per_op(|| tokio_yield(&ct))
    );
    println!(
        "timers    {:.2}  {:.2}",
        per_op(|| {
            ours_timers(&ours_virtual);
        }),
        per_op(|| {
            tokio_timers(&ct_paused);
        })
    );
}
