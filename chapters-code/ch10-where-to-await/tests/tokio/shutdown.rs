//! Fire-and-forget at shutdown: what dropping a runtime does to the tasks nobody
//! awaited, and to the blocking closures still running.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use futures::FutureExt;
use test_support::{LIMIT, join_within, recv_within};
use tokio::sync::oneshot;
use tokio::task::{spawn_blocking, yield_now};
use tokio::time::{sleep, timeout};

use super::{DropGuard, Log, paused_runtime, runtime};

// ANCHOR: drop_runtime_tasks
#[test]
fn tokio_dropping_the_runtime_drops_each_unfinished_task_at_its_await() {
    let rt = paused_runtime();
    let log = Log::default();
    let (waiting, never_polled) = rt.block_on(async {
        let l = log.clone();
        let waiting = tokio::spawn(async move {
            let _guard = DropGuard(l.clone(), "waiting task's guard dropped".into());
            l.push("waiting task started");
            sleep(Duration::from_secs(3600)).await;
            l.push("waiting task woke"); // never reached
        });
        yield_now().await; // it runs up to its sleep
        let (l, guard) = (
            log.clone(),
            DropGuard(log.clone(), "unpolled task's guard dropped".into()),
        );
        let never_polled = tokio::spawn(async move {
            let _guard = guard;
            l.push("unpolled task started"); // never reached
        });
        (waiting, never_polled)
    });
    // Outside `block_on` the runtime runs nothing: both tasks are still there.
    assert_eq!(log.entries(), ["waiting task started"]);
    drop(rt);
    let mut dropped = log.entries().split_off(1);
    // The runtime's task list is sharded by task id: its order is no promise.
    dropped.sort();
    assert_eq!(
        dropped,
        [
            "unpolled task's guard dropped",
            "waiting task's guard dropped"
        ]
    );
    for handle in [waiting, never_polled] {
        // The runtime is gone: the handle is ready at its first poll, or never.
        let result = handle.now_or_never().expect("the task has ended");
        let error = result.unwrap_err();
        assert!(error.is_cancelled(), "{error}");
    }
}
// ANCHOR_END: drop_runtime_tasks

/// Starts a closure on `rt`'s blocking pool, detached, that runs until `release`
/// says go, then logs "closure finished". Returns once the closure is running.
fn start_held_closure(rt: &tokio::runtime::Runtime, log: &Log) -> mpsc::Sender<()> {
    let (release, release_rx) = mpsc::channel();
    let log = log.clone();
    rt.block_on(async move {
        let (started, started_rx) = oneshot::channel();
        drop(spawn_blocking(move || {
            started.send(()).unwrap();
            recv_within(&release_rx, LIMIT, "the test to release the closure")
                .unwrap();
            log.push("closure finished");
        }));
        let in_time = timeout(LIMIT, started_rx).await;
        in_time.expect("the closure to start").unwrap();
    });
    release
}

#[test]
fn tokio_dropping_the_runtime_waits_for_a_running_spawn_blocking_closure() {
    let rt = runtime();
    let log = Log::default();
    let release = start_held_closure(&rt, &log);
    let (dropped, dropped_rx) = mpsc::channel();
    let l = log.clone();
    let dropper = thread::spawn(move || {
        drop(rt); // `BlockingPool::drop` calls `shutdown(None)`: no limit
        l.push("runtime dropped");
        dropped.send(()).unwrap();
    });
    // While the closure is held, the drop cannot return.
    let early = dropped_rx.recv_timeout(Duration::from_millis(100));
    assert_eq!(early, Err(RecvTimeoutError::Timeout));
    release.send(()).unwrap();
    join_within(dropper, LIMIT, "the runtime's drop to return").unwrap();
    assert_eq!(log.entries(), ["closure finished", "runtime dropped"]);
}

#[test]
fn tokio_shutdown_timeout_stops_waiting_and_leaves_the_closure_running() {
    const GRACE: Duration = Duration::from_millis(50);
    let rt = runtime();
    let log = Log::default();
    let release = start_held_closure(&rt, &log);
    let started = StdInstant::now();
    rt.shutdown_timeout(GRACE);
    assert!(started.elapsed() >= GRACE, "it waited its grace period");
    log.push("shutdown_timeout returned");
    release.send(()).unwrap(); // the closure runs on, on a thread nobody joins
    wait_for_entries(&log, 2);
    assert_eq!(
        log.entries(),
        ["shutdown_timeout returned", "closure finished"]
    );
}

#[test]
fn tokio_shutdown_background_returns_at_once_and_the_closure_finishes_later() {
    let rt = runtime();
    let log = Log::default();
    let release = start_held_closure(&rt, &log);
    rt.shutdown_background(); // `shutdown_timeout(Duration::from_nanos(0))`
    log.push("shutdown_background returned");
    release.send(()).unwrap();
    wait_for_entries(&log, 2);
    assert_eq!(
        log.entries(),
        ["shutdown_background returned", "closure finished"]
    );
}

/// Waits, bounded, until `log` holds `n` entries: the leaked closure's thread has
/// no handle to join.
fn wait_for_entries(log: &Log, n: usize) {
    let deadline = StdInstant::now() + LIMIT;
    while log.entries().len() < n {
        assert!(
            StdInstant::now() < deadline,
            "timed out waiting for {n} entries"
        );
        thread::sleep(Duration::from_millis(1));
    }
}
