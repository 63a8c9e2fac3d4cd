//! The cheat sheet's rows that stay on the runtime's thread: awaiting, sleeping,
//! spawning, fire-and-forget, a sync call, a blocking call.

use std::panic::catch_unwind;
use std::pin::pin;
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use futures::poll;
use tokio::task::try_id;
use tokio::time::{Instant, sleep};

use super::{Log, Ticker, panic_message, paused_runtime, runtime};

/// The id of the task running this future.
async fn current_task() -> Option<tokio::task::Id> {
    try_id()
}

async fn seven() -> u32 {
    7
}

async fn fails() -> u32 {
    panic!("boom")
}

// ---- awaiting an async fn, and `spawn(c).await` vs `c.await`

#[test]
fn tokio_an_awaited_async_fn_runs_in_the_callers_task_a_spawned_one_in_its_own() {
    runtime().block_on(async {
        let caller = tokio::spawn(async {
            let me = try_id();
            assert!(me.is_some());
            assert_eq!(current_task().await, me, "the same task");
            let spawned = tokio::spawn(current_task()).await.unwrap();
            assert_ne!(spawned, me, "a task of its own");
        });
        caller.await.unwrap();
    });
}

// ANCHOR: spawn_vs_await_steps
#[test]
fn tokio_await_spawn_gives_other_tasks_two_turns_await_c_gives_none() {
    // In a task, not in `block_on`'s future, which the scheduler treats apart
    // (chapter 9).
    runtime().block_on(async {
        tokio::spawn(async {
            let ticker = Ticker::start().await;
            let before = ticker.steps();
            assert_eq!(seven().await, 7);
            let direct = ticker.steps() - before;

            let before = ticker.steps();
            assert_eq!(tokio::spawn(seven()).await.unwrap(), 7);
            let spawned = ticker.steps() - before;

            assert_eq!((direct, spawned), (0, 2));
            ticker.stop().await;
        })
        .await
        .unwrap();
    });
}
// ANCHOR_END: spawn_vs_await_steps

// ANCHOR: spawn_vs_await_panic
#[test]
fn tokio_a_panic_in_a_spawned_task_is_a_join_error_awaited_directly_it_unwinds() {
    runtime().block_on(async {
        let log = Log::default();
        let l = log.clone();
        let spawning = tokio::spawn(async move {
            let error = tokio::spawn(fails()).await.unwrap_err();
            assert!(error.is_panic());
            l.push(format!(
                "caller caught: {}",
                panic_message(&*error.into_panic())
            ));
        });
        let l = log.clone();
        let direct = tokio::spawn(async move {
            let value = fails().await;
            l.push(format!("after the await: {value}")); // never reached
        });
        spawning.await.unwrap();
        let error = direct.await.unwrap_err();
        assert!(error.is_panic(), "the panic ended the caller's own task");
        assert_eq!(panic_message(&*error.into_panic()), "boom");
        assert_eq!(log.entries(), ["caller caught: boom"]);
    });
}
// ANCHOR_END: spawn_vs_await_panic

// ---- `tokio::time::sleep`, not awaited

// ANCHOR: unawaited_sleep
#[test]
fn tokio_an_unawaited_sleep_registers_no_timer_and_takes_no_time() {
    paused_runtime().block_on(async {
        let start = Instant::now();
        let unawaited = sleep(Duration::from_secs(1));
        let mut polled = pin!(sleep(Duration::from_secs(1)));
        assert!(
            poll!(polled.as_mut()).is_pending(),
            "now in the timer wheel"
        );
        assert_eq!(start.elapsed(), Duration::ZERO);

        sleep(Duration::from_secs(2)).await; // past both deadlines
        assert!(polled.is_elapsed(), "its timer fired");
        assert!(!unawaited.is_elapsed(), "it has no timer to fire");
    });
}
// ANCHOR_END: unawaited_sleep

#[test]
fn tokio_a_sleep_awaited_late_returns_at_once_its_deadline_was_set_at_the_call() {
    // asyncio.sleep computes its deadline when the coroutine first runs; tokio's
    // `sleep` computes it in the call (`Instant::now() + duration`).
    paused_runtime().block_on(async {
        let start = Instant::now();
        let late = sleep(Duration::from_secs(1));
        sleep(Duration::from_secs(3)).await;
        let awaited_at = Instant::now();
        late.await;
        assert_eq!(awaited_at.elapsed(), Duration::ZERO);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    });
}

#[test]
fn tokio_sleep_outside_a_runtime_panics_at_the_call_before_any_await() {
    // `Sleep::new_timeout` looks the runtime up (`scheduler::Handle::current`).
    let refused = catch_unwind(|| {
        let _never_awaited = sleep(Duration::from_secs(1));
    });
    let payload = refused.expect_err("the call panics");
    assert_eq!(
        panic_message(&*payload),
        "there is no reactor running, must be called from the context of a Tokio \
         1.x runtime"
    );
}

// ---- a task kept and awaited later

// ANCHOR: kept_task
#[test]
fn tokio_a_kept_task_runs_before_it_is_awaited_and_the_late_await_takes_no_time() {
    paused_runtime().block_on(async {
        let log = Log::default();
        let start = Instant::now();
        let l = log.clone();
        let kept = tokio::spawn(async move {
            sleep(Duration::from_secs(1)).await;
            l.push("task done at 1s");
            42
        });
        sleep(Duration::from_secs(2)).await;
        log.push("caller done at 2s");
        assert!(kept.is_finished());
        assert_eq!(kept.await.unwrap(), 42);
        assert_eq!(start.elapsed(), Duration::from_secs(2), "not 1 + 2");
        assert_eq!(log.entries(), ["task done at 1s", "caller done at 2s"]);
    });
}
// ANCHOR_END: kept_task

// ---- fire-and-forget

#[test]
fn tokio_a_fire_and_forget_task_that_panics_is_reported_to_nobody() {
    // With its JoinHandle dropped, the task's JoinError is dropped with its
    // output (`Harness::complete`); stable tokio's `unhandled_panic` is `Ignore`.
    // Only the panic hook's line on stderr tells.
    let log = Log::default();
    let l = log.clone();
    let outcome = runtime().block_on(async move {
        drop(tokio::spawn(async move {
            l.push("forgotten task ran");
            panic!("nobody hears this");
        }));
        let later = tokio::spawn(async { "the runtime went on" });
        later.await.unwrap()
    });
    assert_eq!(outcome, "the runtime went on");
    assert_eq!(log.entries(), ["forgotten task ran"]);
}

// ---- a sync function

#[test]
fn tokio_a_sync_call_runs_inline_no_turn_given_spawn_blocking_hops_threads() {
    fn add(a: u32, b: u32) -> u32 {
        a + b
    }
    runtime().block_on(async {
        tokio::spawn(async {
            let ticker = Ticker::start().await;
            let here = thread::current().id();
            let before = ticker.steps();
            assert_eq!(add(2, 3), 5);
            assert_eq!(ticker.steps(), before, "no other task ran");

            let (sum, ran_on) =
                tokio::task::spawn_blocking(|| (add(2, 3), thread::current().id()))
                    .await
                    .unwrap();
            assert_eq!(sum, 5);
            assert_ne!(ran_on, here, "a pool thread, and back");
            ticker.stop().await;
        })
        .await
        .unwrap();
    });
}

// ---- a blocking call in a task

// ANCHOR: blocking_call
#[test]
fn tokio_a_blocking_call_in_a_task_stops_every_other_task_on_the_thread() {
    const WAIT: Duration = Duration::from_millis(50);
    runtime().block_on(async {
        tokio::spawn(async {
            let ticker = Ticker::start().await;
            let before = ticker.steps();
            let started = StdInstant::now();
            thread::sleep(WAIT); // blocks the runtime's only thread
            assert!(started.elapsed() >= WAIT);
            assert_eq!(ticker.steps(), before, "the ticker did not step once");

            let before = ticker.steps();
            sleep(WAIT).await; // the same wait, awaited
            assert!(ticker.steps() > before, "the ticker stepped meanwhile");
            ticker.stop().await;
        })
        .await
        .unwrap();
    });
}
// ANCHOR_END: blocking_call
