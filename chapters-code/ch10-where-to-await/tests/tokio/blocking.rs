//! `spawn_blocking`: when it starts, on which threads, and what a timeout or an
//! abort does to a closure that is already running.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use test_support::{LIMIT, recv_within};
use tokio::runtime::Builder;
use tokio::sync::oneshot;
use tokio::task::spawn_blocking;
use tokio::time::{Instant, timeout};

use super::{DropGuard, Log, paused_runtime, runtime};

/// A closure that tells `started` it runs, then blocks until `release` says go
/// (bounded), then returns `value`.
fn held<T: Send + 'static>(
    started: oneshot::Sender<()>,
    release: mpsc::Receiver<()>,
    value: T,
) -> impl FnOnce() -> T + Send + 'static {
    move || {
        started.send(()).unwrap();
        recv_within(&release, LIMIT, "the test to release the closure").unwrap();
        value
    }
}

#[test]
fn tokio_spawn_blocking_starts_at_the_call_even_if_its_handle_is_never_awaited() {
    runtime().block_on(async {
        let (ran, ran_rx) = mpsc::channel();
        drop(spawn_blocking(move || ran.send("closure ran").unwrap()));
        // No `.await` since: the runtime has had no turn, nobody polls the handle.
        let what = recv_within(&ran_rx, LIMIT, "the closure to run").unwrap();
        assert_eq!(what, "closure ran");
    });
}

/// `spawn_blocking` behind an `async fn`: now nothing happens until it is awaited,
/// as with CPython's `asyncio.to_thread`, an `async def`.
async fn to_thread<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    spawn_blocking(f).await.unwrap()
}

#[test]
fn tokio_an_async_wrapper_around_spawn_blocking_is_lazy_like_cpythons_to_thread() {
    runtime().block_on(async {
        let log = Log::default();
        let (l, guard) = (
            log.clone(),
            DropGuard(log.clone(), "closure dropped".into()),
        );
        let job = move || {
            let _guard = guard;
            l.push("closure ran");
        };
        drop(to_thread(job)); // never awaited
        assert_eq!(log.entries(), ["closure dropped"], "it never ran");

        let (l, guard) = (
            log.clone(),
            DropGuard(log.clone(), "closure dropped".into()),
        );
        to_thread(move || {
            let _guard = guard;
            l.push("closure ran");
        })
        .await;
        assert_eq!(
            log.entries(),
            ["closure dropped", "closure ran", "closure dropped"]
        );
    });
}

// ---- an explicit executor

#[test]
fn tokio_work_handed_to_a_second_runtime_runs_on_that_runtimes_named_threads() {
    let db = Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("db-pool")
        .build()
        .unwrap();
    let db_handle = db.handle().clone();
    let main = runtime();
    let names = main.block_on(async move {
        let name = || thread::current().name().map(String::from);
        let blocking = db_handle.spawn_blocking(name).await.unwrap();
        let task = db_handle.spawn(async move { name() }).await.unwrap();
        let default = spawn_blocking(name).await.unwrap();
        [blocking, task, default]
    });
    let expected = ["db-pool", "db-pool", "tokio-rt-worker"];
    assert_eq!(names, expected.map(|n| Some(n.to_string())));
}

#[test]
fn tokio_a_dedicated_pool_of_one_blocking_thread_runs_its_jobs_one_at_a_time() {
    // Python's ThreadPoolExecutor(max_workers=1) handed to run_in_executor.
    let db = Builder::new_current_thread()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let db_handle = db.handle().clone();
    let (running, most) =
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let log = Log::default();
    runtime().block_on(async {
        let jobs: Vec<_> = (1..=3)
            .map(|i| {
                let (running, most, log) =
                    (running.clone(), most.clone(), log.clone());
                db_handle.spawn_blocking(move || {
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    log.push(format!("job {i} starts"));
                    // Room for another job to overlap, if one could. Too short
                    // under load, it could only let an overlap go unseen.
                    thread::sleep(Duration::from_millis(10));
                    running.fetch_sub(1, SeqCst);
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap();
        }
    });
    assert_eq!(most.load(SeqCst), 1);
    // In submission order: the default blocking queue is one `VecDeque`
    // (`LockedImpl` in `runtime/blocking/pool.rs`). Setting the environment
    // variable `TOKIO_UNSTABLE_SHARDED_BLOCKING_QUEUE` swaps in the sharded queue
    // (`runtime/blocking/sharded.rs`), which keeps no such order.
    assert_eq!(
        log.entries(),
        ["job 1 starts", "job 2 starts", "job 3 starts"]
    );
}

// ---- timeouts and aborts do not stop a thread

// ANCHOR: timeout_blocking
#[test]
fn tokio_a_timeout_on_a_spawn_blocking_handle_fires_but_the_closure_runs_on() {
    // The real clock: a paused one stands still while a closure runs (below).
    runtime().block_on(async {
        let (started, started_rx) = oneshot::channel();
        let (release, release_rx) = mpsc::channel();
        let mut handle = spawn_blocking(held(started, release_rx, "finished"));
        let in_time = timeout(LIMIT, started_rx).await;
        in_time.expect("the closure to start").unwrap();

        let outcome = timeout(Duration::from_millis(10), &mut handle).await;
        let elapsed = outcome.expect_err("the closure is held: the timeout fires");
        assert_eq!(elapsed.to_string(), "deadline has elapsed");

        release.send(()).unwrap(); // the closure was still running
        assert_eq!(handle.await.unwrap(), "finished");
    });
}
// ANCHOR_END: timeout_blocking

#[test]
fn tokio_abort_does_not_stop_a_started_spawn_blocking_its_handle_returns_the_value()
{
    // `JoinHandle::abort`'s docs: "this *will not have any effect*" on a
    // `spawn_blocking` task that has started. The harness stores the closure's
    // output as for any finished task (`poll_future` in `task/harness.rs`).
    runtime().block_on(async {
        let (started, started_rx) = oneshot::channel();
        let (release, release_rx) = mpsc::channel();
        let handle = spawn_blocking(held(started, release_rx, "finished"));
        let in_time = timeout(LIMIT, started_rx).await;
        in_time.expect("the closure to start").unwrap();
        handle.abort();
        release.send(()).unwrap();
        assert_eq!(
            handle.await.unwrap(),
            "finished",
            "not a cancelled JoinError"
        );
    });
}

#[test]
fn tokio_the_paused_clock_stands_still_while_a_spawn_blocking_closure_runs() {
    // test-util: `BlockingSchedule::new` inhibits auto-advance until the closure
    // is done, so a paused clock never fires a timeout on it.
    paused_runtime().block_on(async {
        let start = Instant::now();
        let closure = spawn_blocking(|| thread::sleep(Duration::from_millis(20)));
        let outcome = timeout(Duration::from_secs(1), closure).await;
        assert!(outcome.is_ok(), "the 1 s timeout did not fire");
        assert_eq!(start.elapsed(), Duration::ZERO);
    });
}
