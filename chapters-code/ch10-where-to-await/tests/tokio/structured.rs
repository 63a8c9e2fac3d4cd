//! `JoinSet` beside asyncio's `TaskGroup`, and `timeout` beside `asyncio.timeout`.

use std::panic;
use std::time::Duration;

use tokio::task::{JoinSet, yield_now};
use tokio::time::{Instant, sleep, timeout};

use super::{DropGuard, Log, panic_message, paused_runtime};

/// The log's entries, sorted: the order in which a set drops its tasks is
/// no promise.
fn sorted(log: &Log) -> Vec<String> {
    let mut entries = log.entries();
    entries.sort();
    entries
}

/// A child that waits `secs` seconds at one `.await`, holding a guard named `name`.
async fn sleeper(
    log: Log,
    name: &'static str,
    secs: u64,
) -> Result<&'static str, String> {
    let _guard = DropGuard(log.clone(), format!("{name} dropped"));
    sleep(Duration::from_secs(secs)).await;
    log.push(format!("{name} finished"));
    Ok(name)
}

async fn fails_after(secs: u64) -> Result<&'static str, String> {
    sleep(Duration::from_secs(secs)).await;
    Err("boom".into())
}

#[test]
fn tokio_dropping_a_joinset_aborts_every_task_at_its_await() {
    paused_runtime().block_on(async {
        let log = Log::default();
        let mut set = JoinSet::new();
        set.spawn(sleeper(log.clone(), "a", 10));
        set.spawn(sleeper(log.clone(), "b", 10));
        yield_now().await; // both run up to their sleep
        drop(set);
        assert!(log.entries().is_empty(), "abort marks and schedules them");
        yield_now().await;
        assert_eq!(sorted(&log), ["a dropped", "b dropped"]);
        sleep(Duration::from_secs(20)).await;
        assert_eq!(sorted(&log), ["a dropped", "b dropped"], "none finished");
    });
}

// ANCHOR: joinset_first_error
/// asyncio's `TaskGroup` on a `JoinSet`: every child's output, in the order they
/// end; or the first `Err`, once the others are aborted and gone; or a child's
/// panic, passed on. Nobody else can abort these children, so a `JoinError` here
/// is a panic.
async fn join_or_first_error<T, E>(
    mut set: JoinSet<Result<T, E>>,
) -> Result<Vec<T>, E>
where
    T: 'static,
    E: 'static,
{
    let mut outputs = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(output)) => outputs.push(output),
            Ok(Err(error)) => {
                set.shutdown().await; // abort_all, then join_next until empty
                return Err(error);
            }
            Err(join_error) => panic::resume_unwind(join_error.into_panic()),
        }
    }
    Ok(outputs)
}

#[test]
fn tokio_joinset_first_error_then_shutdown_stops_the_siblings_like_a_taskgroup() {
    paused_runtime().block_on(async {
        let log = Log::default();
        let start = Instant::now();
        let mut set = JoinSet::new();
        set.spawn(sleeper(log.clone(), "slow", 3));
        set.spawn(fails_after(1));
        set.spawn(sleeper(log.clone(), "slower", 5));
        let outcome = join_or_first_error(set).await;
        assert_eq!(outcome, Err("boom".to_string()));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(sorted(&log), ["slow dropped", "slower dropped"]);
    });
}
// ANCHOR_END: joinset_first_error

#[test]
fn tokio_a_joinset_joined_without_errors_gives_outputs_in_the_order_they_end() {
    // Unlike our TaskGroup's join, which gives spawn order.
    paused_runtime().block_on(async {
        let log = Log::default();
        let mut set = JoinSet::new();
        for (name, secs) in [("a", 3), ("b", 1), ("c", 2)] {
            set.spawn(sleeper(log.clone(), name, secs));
        }
        let outputs = join_or_first_error(set).await;
        assert_eq!(outputs, Ok(vec!["b", "c", "a"]));
    });
}

#[test]
fn tokio_joinset_join_all_passes_a_childs_panic_on_and_aborts_the_others() {
    paused_runtime().block_on(async {
        let log = Log::default();
        let start = Instant::now();
        let l = log.clone();
        let parent = tokio::spawn(async move {
            let mut set = JoinSet::new();
            set.spawn(sleeper(l.clone(), "sibling", 5));
            set.spawn(async {
                sleep(Duration::from_secs(1)).await;
                panic!("boom")
            });
            set.join_all().await
        });
        let error = parent.await.unwrap_err();
        assert!(error.is_panic(), "join_all re-raised the child's panic");
        assert_eq!(panic_message(&*error.into_panic()), "boom");
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        yield_now().await; // the aborted sibling is dropped at its next turn
        assert_eq!(log.entries(), ["sibling dropped"]);
    });
}

// ANCHOR: timeout_block
#[test]
fn tokio_timeout_around_a_block_gives_the_whole_block_one_deadline() {
    // Like `async with asyncio.timeout(2.5)`: no single step is too long, the
    // three together are.
    paused_runtime().block_on(async {
        let log = Log::default();
        let start = Instant::now();
        let l = log.clone();
        let outcome = timeout(Duration::from_millis(2_500), async move {
            let _guard = DropGuard(l.clone(), "block dropped".into());
            for step in 1..=3 {
                sleep(Duration::from_secs(1)).await;
                l.push(format!("step {step} done"));
            }
        })
        .await;
        let elapsed = outcome.expect_err("the deadline passes during step 3");
        assert_eq!(elapsed.to_string(), "deadline has elapsed");
        assert_eq!(start.elapsed(), Duration::from_millis(2_500));
        assert_eq!(
            log.entries(),
            ["step 1 done", "step 2 done", "block dropped"]
        );
    });
}
// ANCHOR_END: timeout_block
