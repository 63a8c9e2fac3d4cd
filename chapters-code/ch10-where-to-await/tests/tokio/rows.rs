//! The cheat sheet's rows that stay on the runtime's thread: awaiting, sleeping,
//! spawning, fire-and-forget, a sync call, a blocking call.

use std::panic::{self, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use futures::poll;
use test_support::LIMIT;
use tokio::runtime::Builder;
use tokio::task::{try_id, yield_now};
use tokio::time::{Instant, sleep};

use super::{DropGuard, Log, Ticker, panic_message, paused_runtime, runtime};

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

/// A child that sleeps 1 s, logging when it starts, finishes, and is dropped.
async fn child(log: Log, name: &'static str) {
    let _guard = DropGuard(log.clone(), format!("{name} dropped"));
    log.push(format!("{name} started"));
    sleep(Duration::from_secs(1)).await;
    log.push(format!("{name} finished"));
}

#[test]
fn tokio_aborting_the_caller_drops_an_awaited_future_but_a_spawned_child_runs_on() {
    paused_runtime().block_on(async {
        let log = Log::default();
        let l = log.clone();
        let awaits = tokio::spawn(async move { child(l, "future").await });
        let l = log.clone();
        let spawns =
            tokio::spawn(async move { tokio::spawn(child(l, "task")).await });
        yield_now().await; // both callers start, and the spawned child
        assert_eq!(log.entries(), ["future started", "task started"]);
        awaits.abort();
        spawns.abort();
        assert!(awaits.await.unwrap_err().is_cancelled());
        assert!(spawns.await.unwrap_err().is_cancelled());
        sleep(Duration::from_secs(2)).await;
        assert_eq!(
            log.entries(),
            [
                "future started",
                "task started",
                "future dropped",
                "task finished",
                "task dropped"
            ],
            "the awaited future died with its caller; the task ran to its end"
        );
    });
}

// ---- `tokio::time::sleep`, not awaited

// ANCHOR: unawaited_sleep
#[test]
fn tokio_an_unpolled_sleep_never_registers_a_timer_nor_elapses_past_its_deadline() {
    // `Sleep::is_elapsed` asks the timer entry, which the first poll creates:
    // never polled, a sleep has none, so it never becomes elapsed.
    paused_runtime().block_on(async {
        let unpolled = sleep(Duration::from_secs(1));
        let mut polled = pin!(sleep(Duration::from_secs(1)));
        assert!(
            poll!(polled.as_mut()).is_pending(),
            "now in the timer wheel"
        );
        sleep(Duration::from_secs(2)).await; // the clock passes both deadlines
        assert!(polled.is_elapsed(), "its timer fired");
        assert!(!unpolled.is_elapsed(), "it has no timer to fire");
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

// ---- fire-and-forget

/// An error that logs its own drop: shows when a task's `Err` is thrown away.
struct LoggedError(Log);

impl Drop for LoggedError {
    fn drop(&mut self) {
        self.0.push("its Err was dropped, unread");
    }
}

#[test]
fn tokio_a_detached_task_that_returns_err_is_dropped_and_nobody_hears_of_it() {
    // `JoinHandle` is not `#[must_use]`: the bare statement below draws no
    // warning, and the handle is dropped at once. When the task completes with
    // no handle left, the runtime drops its output (`Harness::complete`): the
    // `Err` goes with it, and nothing is printed.
    let log = Log::default();
    runtime().block_on(async {
        let l = log.clone();
        tokio::spawn(async move {
            l.push("detached task ran");
            Err::<(), _>(LoggedError(l))
        });
        tokio::spawn(async {}).await.unwrap(); // the detached task ran first
        log.push("the runtime went on");
    });
    assert_eq!(
        log.entries(),
        [
            "detached task ran",
            "its Err was dropped, unread",
            "the runtime went on"
        ]
    );
}

#[test]
fn tokio_a_detached_tasks_panic_reaches_the_panic_hook_and_the_runtime_goes_on() {
    // The hook runs at the panic, before the harness catches it. One process
    // may run several tests at once: this hook passes every panic on to the
    // previous hook, and counts only its own message. It stays installed.
    const MESSAGE: &str = "a detached task panics on purpose";
    let seen = Arc::new(AtomicUsize::new(0));
    let counted = seen.clone();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if panic_message(info.payload()) == MESSAGE {
            counted.fetch_add(1, SeqCst);
        }
        previous(info);
    }));
    let outcome = runtime().block_on(async {
        drop(tokio::spawn(async { panic!("{MESSAGE}") }));
        tokio::spawn(async { "the runtime went on" }).await.unwrap()
    });
    assert_eq!(seen.load(SeqCst), 1, "the panic hook saw it, once");
    assert_eq!(outcome, "the runtime went on");
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
            // True by construction on one thread: no `.await` since `before`,
            // so the ticker could not run. It says what "inline" means.
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
            // True by construction on a current-thread runtime: its one thread is
            // asleep. The next test shows the ticker can step during a blocking
            // call when the runtime has a second worker.
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

#[test]
fn tokio_on_two_workers_the_ticker_steps_while_a_task_blocks_its_own_worker() {
    // Two worker threads, unlike the other runtimes here: the contrast that makes
    // the test above mean something. A blocked worker does not stop the other.
    let two_workers = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    two_workers.block_on(async {
        tokio::spawn(async {
            let ticker = Ticker::start().await;
            let before = ticker.steps();
            // Blocks this worker, bounded; the other worker may take the ticker.
            let deadline = StdInstant::now() + LIMIT;
            while ticker.steps() == before && StdInstant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
            assert!(ticker.steps() > before, "the other worker stepped it");
            ticker.stop().await;
        })
        .await
        .unwrap();
    });
}
