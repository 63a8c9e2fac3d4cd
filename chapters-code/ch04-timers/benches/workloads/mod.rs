//! The workloads, written once for each runtime and shared by both bench targets
//! (`loop_vs_tokio.rs` times them, `allocs.rs` counts their heap allocations).
//! `benches/asyncio_bench.py` is the same three workloads in CPython's asyncio.

use std::time::Duration;

use ch04_timers::EventLoop;
use futures::future::join_all;
use tokio::runtime::Runtime;

/// Operations per run: tasks spawned, yields made, timers fired.
pub const N: u64 = 10_000;

/// The i-th timer's delay: 1..=N ms, each once, in a shuffled order (7919 is prime,
/// so `i * 7919 mod N` visits every residue), so that the heap really has to sort
/// them.
pub fn delay(i: u64) -> Duration {
    Duration::from_millis((i * 7919) % N + 1)
}

/// spawn: N trivial tasks, then await every handle in order.
pub fn ours_spawn(lp: &EventLoop) -> u64 {
    let h = lp.handle();
    lp.run_until_complete(async move {
        let handles: Vec<_> = (0..N).map(|i| h.spawn(async move { i })).collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.expect("a trivial task does not fail");
        }
        sum
    })
    .expect("the workload completes")
}

/// yield: one task gives the loop a turn N times (`sleep(0)`: asyncio's bare yield).
pub fn ours_yield(lp: &EventLoop) {
    let h = lp.handle();
    lp.run_until_complete(async move {
        for _ in 0..N {
            h.sleep(Duration::ZERO).await;
        }
    })
    .expect("the workload completes")
}

/// timers: N sleeps with distinct deadlines, all pending at once, awaited together.
/// On a virtual clock (`EventLoop::virtual_time`), so the loop jumps from deadline
/// to deadline.
pub fn ours_timers(lp: &EventLoop) -> usize {
    let h = lp.handle();
    lp.run_until_complete(async move {
        join_all((0..N).map(|i| h.sleep(delay(i)))).await.len()
    })
    .expect("the workload completes")
}

/// spawn on tokio: N trivial tasks, then await every handle in order.
pub fn tokio_spawn(rt: &Runtime) -> u64 {
    rt.block_on(async {
        let handles: Vec<_> =
            (0..N).map(|i| tokio::spawn(async move { i })).collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.expect("a trivial task does not fail");
        }
        sum
    })
}

/// yield on tokio: one spawned task calls `yield_now` N times.
pub fn tokio_yield(rt: &Runtime) {
    rt.block_on(async {
        tokio::spawn(async {
            for _ in 0..N {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the task does not fail")
    })
}

/// timers on tokio: the same N sleeps, on a runtime built with `start_paused(true)`,
/// whose clock auto-advances to the next timer when the runtime is idle.
pub fn tokio_timers(rt: &Runtime) -> usize {
    rt.block_on(async {
        join_all((0..N).map(|i| tokio::time::sleep(delay(i))))
            .await
            .len()
    })
}

/// tokio's current-thread runtime.
pub fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// tokio's current-thread runtime with its clock paused (it auto-advances when
/// idle).
pub fn current_thread_paused() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a runtime")
}

/// tokio's multi-thread runtime with 2 workers.
pub fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}
