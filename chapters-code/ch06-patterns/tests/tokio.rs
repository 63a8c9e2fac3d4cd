//! The chapter's claims on tokio: a current-thread runtime with the paused clock, so
//! that times are exact, as on our virtual clock.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant as StdInstant};

use common::wait_until;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::time::{Instant, sleep, timeout};

type Log = Arc<Mutex<Vec<String>>>;

struct DropGuard(Log, &'static str);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.lock().unwrap().push(format!("{} dropped", self.1));
    }
}

#[tokio::test(start_paused = true)]
async fn tokio_await_in_a_loop_is_sequential() {
    let start = Instant::now();
    for s in [1, 2, 3] {
        sleep(Duration::from_secs(s)).await;
    }
    assert_eq!(start.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn tokio_join_all_is_concurrent_and_keeps_argument_order() {
    let start = Instant::now();
    let finished: Log = Arc::default();
    let jobs = [("a", 3), ("b", 1), ("c", 2)].map(|(name, s)| {
        let f = finished.clone();
        async move {
            sleep(Duration::from_secs(s)).await;
            f.lock().unwrap().push(name.into());
            name
        }
    });
    let results = futures::future::join_all(jobs).await;
    assert_eq!(results, ["a", "b", "c"]);
    assert_eq!(*finished.lock().unwrap(), ["b", "c", "a"]);
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn tokio_spawn_runs_without_being_awaited_and_a_dropped_handle_detaches() {
    let started = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let (s, f) = (started.clone(), finished.clone());
    drop(tokio::spawn(async move {
        s.store(true, Ordering::SeqCst);
        sleep(Duration::from_secs(1)).await;
        f.store(true, Ordering::SeqCst);
    }));
    assert!(!started.load(Ordering::SeqCst), "spawn only schedules it");
    tokio::task::yield_now().await;
    assert!(started.load(Ordering::SeqCst), "it started once we yielded");
    sleep(Duration::from_secs(2)).await;
    assert!(
        finished.load(Ordering::SeqCst),
        "the runtime kept it alive to the end"
    );
}

// ANCHOR: tokio_siblings_run_on
#[tokio::test(start_paused = true)]
async fn tokio_spawned_tasks_are_not_cancelled_by_a_siblings_failure() {
    // asyncio's gather, by hand: spawn the children, await their handles in order.
    let log: Log = Arc::default();
    let l = log.clone();
    let failing = tokio::spawn(async {
        sleep(Duration::from_secs(1)).await;
        Err::<(), _>("boom")
    });
    let sibling = tokio::spawn(async move {
        sleep(Duration::from_secs(3)).await;
        l.lock().unwrap().push("sibling finished at 3s".into());
        Ok::<(), &str>(())
    });
    let start = Instant::now();
    assert_eq!(failing.await.unwrap(), Err("boom"));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    drop(sibling); // detach: nothing cancels it
    sleep(Duration::from_secs(5)).await;
    assert_eq!(*log.lock().unwrap(), ["sibling finished at 3s"]);
}
// ANCHOR_END: tokio_siblings_run_on

#[tokio::test(start_paused = true)]
async fn tokio_try_join_all_drops_the_others_at_the_first_error() {
    let log: Log = Arc::default();
    let l = log.clone();
    let failing = Box::pin(async {
        sleep(Duration::from_secs(1)).await;
        Err::<u32, _>("boom")
    })
        as std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<u32, &str>> + Send>,
        >;
    let sibling = Box::pin(async move {
        let _guard = DropGuard(l, "sibling");
        sleep(Duration::from_secs(3)).await;
        Ok(3)
    });
    let start = Instant::now();
    let outcome = futures::future::try_join_all([failing, sibling]).await;
    assert_eq!(outcome, Err("boom"));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    assert_eq!(*log.lock().unwrap(), ["sibling dropped"]);
}

#[tokio::test(start_paused = true)]
async fn tokio_futures_unordered_and_joinset_yield_in_completion_order() {
    let unordered: Vec<u64> = [3, 1, 2]
        .into_iter()
        .map(|s| async move {
            sleep(Duration::from_secs(s)).await;
            s
        })
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await;
    assert_eq!(unordered, [1, 2, 3]);

    let mut set = tokio::task::JoinSet::new();
    for s in [3, 1, 2] {
        set.spawn(async move {
            sleep(Duration::from_secs(s)).await;
            s
        });
    }
    let mut order = Vec::new();
    while let Some(done) = set.join_next().await {
        order.push(done.unwrap());
    }
    assert_eq!(order, [1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn tokio_timeout_drops_the_inner_future() {
    let log: Log = Arc::default();
    let l = log.clone();
    let start = Instant::now();
    let result = timeout(Duration::from_secs(2), async move {
        let _guard = DropGuard(l, "inner");
        sleep(Duration::from_secs(10)).await;
    })
    .await;
    assert!(result.is_err());
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(*log.lock().unwrap(), ["inner dropped"]);
}

#[tokio::test(start_paused = true)]
async fn tokio_timeout_zero_still_polls_the_body_once() {
    // Unlike CPython's wait_for(coro, 0), tokio's Timeout polls the future before
    // the deadline: a body that never waits completes.
    let started = Arc::new(AtomicBool::new(false));
    let s = started.clone();
    let result = timeout(Duration::ZERO, async move {
        s.store(true, Ordering::SeqCst);
        5
    })
    .await;
    assert_eq!(result, Ok(5));
    assert!(started.load(Ordering::SeqCst));
    // A body that has to wait times out, after its first step ran.
    let s = started.clone();
    s.store(false, Ordering::SeqCst);
    let result = timeout(Duration::ZERO, async move {
        s.store(true, Ordering::SeqCst);
        sleep(Duration::from_secs(1)).await;
    })
    .await;
    assert!(result.is_err());
    assert!(started.load(Ordering::SeqCst), "the body did start");
}

#[tokio::test(start_paused = true)]
async fn tokio_semaphore_caps_concurrency() {
    let sem = Arc::new(tokio::sync::Semaphore::new(2));
    let active = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let jobs = (0..6).map(|_| {
        let (sem, active, peak) = (sem.clone(), active.clone(), peak.clone());
        async move {
            let _permit = sem.acquire().await.unwrap();
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            sleep(Duration::from_secs(1)).await;
            active.fetch_sub(1, Ordering::SeqCst);
        }
    });
    futures::future::join_all(jobs).await;
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

// ANCHOR: tokio_sleep_yields
#[tokio::test(start_paused = true)]
async fn tokio_sleep_yields_to_other_tasks() {
    let log: Log = Arc::default();
    let l = log.clone();
    let a = tokio::spawn(async move {
        l.lock().unwrap().push("A sleeps".into());
        sleep(Duration::from_secs(1)).await;
        l.lock().unwrap().push("A wakes".into());
    });
    let l = log.clone();
    let b = tokio::spawn(async move { l.lock().unwrap().push("B runs".into()) });
    a.await.unwrap();
    b.await.unwrap();
    assert_eq!(*log.lock().unwrap(), ["A sleeps", "B runs", "A wakes"]);
}
// ANCHOR_END: tokio_sleep_yields

#[tokio::test] // real clock: spawn_blocking threads do not follow a paused clock
async fn tokio_spawn_blocking_runs_in_parallel_with_the_runtime() {
    let ticks = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let (t, s) = (ticks.clone(), started.clone());
    let blocking = tokio::task::spawn_blocking(move || {
        s.store(true, Ordering::SeqCst);
        wait_until(|| t.load(Ordering::SeqCst) >= 3)
    });
    // The runtime ticks only once the closure is running, so the ticks happen
    // *while* it blocks; a closure run on this thread when its handle is awaited
    // would never start here.
    let deadline = StdInstant::now() + Duration::from_secs(10);
    while !started.load(Ordering::SeqCst) {
        assert!(StdInstant::now() < deadline, "the closure never started");
        tokio::task::yield_now().await;
    }
    for _ in 0..3 {
        ticks.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
    }
    assert!(
        blocking.await.unwrap(),
        "the runtime ticked while the closure blocked"
    );

    const N: usize = 4;
    let arrived = Arc::new(AtomicUsize::new(0));
    let calls = (0..N).map(|_| {
        let arrived = arrived.clone();
        tokio::task::spawn_blocking(move || {
            arrived.fetch_add(1, Ordering::SeqCst);
            wait_until(|| arrived.load(Ordering::SeqCst) == N)
        })
    });
    for met in futures::future::join_all(calls).await {
        assert!(met.unwrap(), "all {N} closures were running at once");
    }
}
