//! tokio's versions: `spawn_blocking`, `Handle::spawn` from another thread,
//! `block_in_place`; a plain thread waiting for a task; a full blocking pool; the
//! multi-thread runtime's workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use ch07_executors::scenarios::wait_until;
use test_support::{Barrier, LIMIT, join_within};
use tokio::time::timeout;

// ANCHOR: tokio_spawn_blocking
#[test]
fn tokio_spawn_blocking_runs_on_a_blocking_pool_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let main = thread::current().id();
    let ran_on = rt
        .block_on(async {
            tokio::task::spawn_blocking(|| thread::current().id()).await
        })
        .unwrap();
    assert_ne!(ran_on, main);
}
// ANCHOR_END: tokio_spawn_blocking

// ANCHOR: tokio_handle_spawn
#[test]
fn tokio_handle_spawn_from_another_thread_runs_on_the_runtimes_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let spawning =
        thread::spawn(move || handle.spawn(async { thread::current().id() }));
    let task = join_within(spawning, LIMIT, "the spawning thread to end").unwrap();
    let ran_on = rt.block_on(task).unwrap();
    assert_eq!(ran_on, thread::current().id(), "the runtime's own thread");
}
// ANCHOR_END: tokio_handle_spawn

#[test]
fn tokio_block_in_place_needs_the_multi_thread_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let value = rt.block_on(async { tokio::task::block_in_place(|| 6 * 7) });
    assert_eq!(value, 42);
    let current = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        current.block_on(async { tokio::task::block_in_place(|| 1) })
    }));
    let payload =
        refused.expect_err("block_in_place panics on a current-thread runtime");
    let message = payload
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        message.contains("only when running on the multi-threaded runtime"),
        "{message:?}"
    );
}

// ---- Calling the runtime from a plain thread: `run_coroutine_threadsafe`

// ANCHOR: tokio_from_a_plain_thread
#[test]
fn tokio_handle_spawn_then_block_on_from_a_plain_thread_with_a_bound() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let caller = thread::spawn(move || {
        let task = handle.spawn(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            6 * 7
        });
        // Handle::block_on: this plain thread waits, with a bound
        handle.block_on(async { timeout(Duration::from_secs(10), task).await })
    });
    let got = join_within(caller, LIMIT, "the caller to end").unwrap();
    assert_eq!(got.expect("in time").expect("no panic"), 42);
}
// ANCHOR_END: tokio_from_a_plain_thread

#[test]
fn tokio_a_oneshot_brings_a_tasks_result_to_a_plain_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let caller = thread::spawn(move || {
        let (tx, rx) = tokio::sync::oneshot::channel();
        handle.spawn(async move {
            let _ = tx.send(thread::current().name().map(str::to_string));
        });
        rx.blocking_recv() // returns Err if the task is dropped unsent
    });
    let ran_on = join_within(caller, LIMIT, "the caller to end").unwrap();
    assert_eq!(ran_on.unwrap().as_deref(), Some("tokio-rt-worker"));
}

#[test]
fn tokio_a_panic_in_a_task_spawned_from_a_plain_thread_is_a_join_error() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let caller = thread::spawn(move || {
        let task = handle.spawn(async { panic!("no such file") });
        handle.block_on(async { timeout(Duration::from_secs(10), task).await })
    });
    let got = join_within(caller, LIMIT, "the caller to end").unwrap();
    let error = got.expect("in time").unwrap_err();
    assert!(error.is_panic(), "{error}");
}

#[test]
fn tokio_a_task_spawned_on_a_shut_down_runtime_is_cancelled_at_once() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_timeout(Duration::from_secs(10));
    let caller = thread::spawn(move || {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        handle.spawn(async move {
            let _ = tx.send(1);
        });
        rx.blocking_recv() // the task is dropped unrun: its sender too
    });
    let got = join_within(caller, LIMIT, "the caller to end").unwrap();
    assert!(got.is_err(), "no answer, and no hang");
}

// ---- When the pool is full: `max_blocking_threads`

// ANCHOR: tokio_full_blocking_pool
#[test]
fn tokio_spawn_blocking_beyond_max_blocking_threads_waits_in_the_queue() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(2)
        .build()
        .unwrap();
    let gate = Arc::new(Barrier::new(3)); // two jobs and the test
    let started = Arc::new(AtomicUsize::new(0));
    let opened = Arc::new(AtomicBool::new(false));
    let saw_open = rt.block_on(async {
        let jobs: Vec<_> = (0..4)
            .map(|_| {
                let (gate, started) = (gate.clone(), started.clone());
                let opened = opened.clone();
                tokio::task::spawn_blocking(move || {
                    if started.fetch_add(1, Ordering::SeqCst) < 2 {
                        gate.wait_within(LIMIT, "the test to open the gate");
                        return None; // one of the two that hold a thread
                    }
                    Some(opened.load(Ordering::SeqCst)) // was the gate open?
                })
            })
            .collect();
        assert!(wait_until(|| started.load(Ordering::SeqCst) >= 2));
        // Time for a third thread, if the pool had one, to start a job with the
        // gate still shut. With the cap, none can: the check cannot fail by chance.
        thread::sleep(Duration::from_millis(100));
        opened.store(true, Ordering::SeqCst);
        gate.wait_within(LIMIT, "both blocked jobs at the gate");
        let mut saw_open = Vec::new();
        for job in jobs {
            saw_open.extend(job.await.unwrap());
        }
        saw_open
    });
    // A third thread would have started a job while the gate was still shut.
    assert_eq!(saw_open, [true, true], "jobs 3 and 4 waited for a thread");
}
// ANCHOR_END: tokio_full_blocking_pool

// ---- Work stealing: the multi-thread runtime

// ANCHOR: tokio_other_worker
#[test]
fn tokio_a_task_blocking_one_worker_does_not_stop_a_task_on_the_other() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let ran = Arc::new(AtomicBool::new(false));
    let (r, seen) = (ran.clone(), ran.clone());
    let blocker = rt.spawn(async move {
        // Blocks its worker (never do this) until the other task has run.
        wait_until(|| seen.load(Ordering::SeqCst))
    });
    let other = rt.spawn(async move { r.store(true, Ordering::SeqCst) });
    let (blocker, other) = rt.block_on(async { (blocker.await, other.await) });
    assert!(
        blocker.unwrap(),
        "the other worker ran the task, or stole it"
    );
    other.unwrap();
}
// ANCHOR_END: tokio_other_worker

/// A positive control makes the negative check mean something: the blocked worker
/// waits until the other worker has stolen a child from its queue, so a steal was
/// possible, and had time; the child in the LIFO slot still has not run. The
/// 100 ms after the steal is the only real-time wait: it can make the test miss a
/// regression on a loaded machine, never fail by chance.
#[test]
fn tokio_a_task_in_the_lifo_slot_waits_for_the_task_that_spawned_it() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let (stolen, slot_ran) = rt.block_on(async {
        tokio::spawn(async {
            let (stolen, in_slot) = (
                Arc::new(AtomicBool::new(false)),
                Arc::new(AtomicBool::new(false)),
            );
            let (s, l) = (stolen.clone(), in_slot.clone());
            // Spawned from a worker, each child goes to this worker's LIFO slot.
            // The second pushes the first out, to the local queue, which the other
            // worker may steal from; the slot may not be stolen from.
            let first = tokio::spawn(async move { s.store(true, Ordering::SeqCst) });
            let second =
                tokio::spawn(async move { l.store(true, Ordering::SeqCst) });
            // Block the worker (never do this) until the first child is stolen.
            let stolen_meanwhile = wait_until(|| stolen.load(Ordering::SeqCst));
            thread::sleep(Duration::from_millis(100));
            let slot_ran = in_slot.load(Ordering::SeqCst);
            first.await.unwrap();
            second.await.unwrap();
            (stolen_meanwhile, slot_ran)
        })
        .await
        .unwrap()
    });
    assert!(
        stolen,
        "the other worker stole the child from the local queue"
    );
    assert!(
        !slot_ran,
        "the child in the LIFO slot waited for its spawner"
    );
}
