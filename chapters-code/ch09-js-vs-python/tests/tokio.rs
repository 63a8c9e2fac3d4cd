//! The chapter's starvation question asked of tokio's current-thread runtime: a busy
//! task beside a timer that is already due. Where does the timer's task run?
//!
//! The clock is paused, so every order here is exact. The orders are what the tokio
//! of Cargo.lock (1.54.1) does, not what it promises: if an upgrade changes one,
//! update the test and the chapter.

use std::future::{Future, poll_fn, ready};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use futures::poll;
use tokio::runtime::{Builder, Runtime};
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, unconstrained, yield_now};
use tokio::time::{advance, sleep};

type Log = Arc<Mutex<Vec<String>>>;

const LINKS: usize = 1_000;
const ONE_MS: Duration = Duration::from_millis(1);
/// tokio's default, `Builder::new_current_thread` in `runtime/builder.rs`.
const DEFAULT_EVENT_INTERVAL: u32 = 61;
/// `Budget::initial` in `task/coop/mod.rs`.
const BUDGET: usize = 128;

fn push(log: &Log, entry: String) {
    log.lock().unwrap().push(entry);
}

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// A current-thread runtime on a paused clock that turns its driver (timers, I/O)
/// after every `event_interval` polls of tasks.
fn runtime(event_interval: u32) -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .event_interval(event_interval)
        .build()
        .unwrap()
}

/// Spawns the timer's task and lets it put its 1 ms sleep into the wheel. Once the
/// clock passes 1 ms the timer is due, but it fires only when the driver next turns
/// (`time::Driver::park_internal` calls `Handle::process`).
async fn spawn_timer(log: &Log) -> JoinHandle<()> {
    let log = log.clone();
    let timer = tokio::spawn(async move {
        sleep(ONE_MS).await;
        push(&log, "timer".into());
    });
    yield_now().await;
    timer
}

/// Runs `busy` as a task beside a timer that is due but not yet fired; returns the
/// log: the busy task's entries, and "timer" where the timer's task ran.
fn beside_a_due_timer<F>(
    event_interval: u32,
    busy: impl FnOnce(Log) -> F,
) -> Vec<String>
where
    F: Future<Output = ()> + Send + 'static,
{
    let log = Log::default();
    runtime(event_interval).block_on(async {
        let timer = spawn_timer(&log).await;
        let busy = tokio::spawn(busy(log.clone()));
        // Spawned, not yet polled. `advance` moves the clock past the deadline; the
        // driver has not turned since, so the timer is due and still in the wheel.
        advance(ONE_MS).await;
        timer.await.unwrap();
        busy.await.unwrap();
    });
    entries(&log)
}

/// `{label} 1` .. `{label} n`, with "timer" after the first `after` of them.
fn timer_after(after: usize, label: &str, n: usize) -> Vec<String> {
    let mut expected: Vec<String> =
        (1..=n).map(|i| format!("{label} {i}")).collect();
    expected.insert(after, "timer".into());
    expected
}

/// A future that wakes itself and returns `Pending` `n - 1` times, logging each
/// poll as a link: a self-rescheduling chain inside one task.
fn wakes_itself(log: Log, n: usize) -> impl Future<Output = ()> {
    let mut polls = 0;
    poll_fn(move |cx| {
        polls += 1;
        push(&log, format!("link {polls}"));
        if polls == n {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    })
}

/// Link `i` of a chain of `n`: logs itself and spawns link `i + 1` as a new task.
/// The last link sends on `done`. Boxed: the future spawns its own type.
fn spawned_link(
    log: Log,
    i: usize,
    n: usize,
    done: oneshot::Sender<()>,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        push(&log, format!("link {i}"));
        if i < n {
            tokio::spawn(spawned_link(log, i + 1, n, done));
        } else {
            done.send(()).unwrap();
        }
    })
}

/// A chain of `n` tasks, each spawning the next. Link 1 runs in this task.
async fn spawned_chain(log: Log, n: usize) {
    let (done, finished) = oneshot::channel();
    spawned_link(log, 1, n, done).await;
    finished.await.unwrap();
}

/// Receives `n` messages that are all waiting in the channel before the first
/// `recv`: every `recv().await` finds a value at once.
async fn receives_waiting_messages(log: Log, n: usize) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 1..=n {
        tx.send(i).unwrap();
    }
    drop(tx);
    while let Some(i) = rx.recv().await {
        push(&log, format!("msg {i}"));
    }
}

/// Wraps `fut`, counting how many times it is polled.
fn counted<F: Future>(
    polls: Arc<AtomicUsize>,
    fut: F,
) -> impl Future<Output = F::Output> {
    let mut fut = Box::pin(fut);
    poll_fn(move |cx| {
        polls.fetch_add(1, SeqCst);
        fut.as_mut().poll(cx)
    })
}

// Question 1: a self-rescheduling chain. A self-wake is not deferred: the task
// harness (`Harness::poll`, `PollFuture::Notified`) calls `Schedule::yield_now`,
// which is `schedule`, which pushes the task to the back of the local run queue.
// The driver turns after every `event_interval` polls (`CoreGuard::block_on`'s
// `for _ in 0..event_interval` loop, then `park_yield`). By then the chain has
// queued its next link, so the timer's task lands behind it: event_interval + 1.

// ANCHOR: tokio_self_waking_chain
#[test]
fn a_task_that_wakes_itself_lets_a_due_timer_in_after_62_of_its_1000_links() {
    let log =
        beside_a_due_timer(DEFAULT_EVENT_INTERVAL, |log| wakes_itself(log, LINKS));
    assert_eq!(log, timer_after(62, "link", LINKS));
}
// ANCHOR_END: tokio_self_waking_chain

#[test]
fn a_chain_of_spawned_tasks_lets_the_due_timer_in_after_62_links_too() {
    // A spawned task goes to the back of the same queue as a self-woken one
    // (`Schedule::schedule`, `Core::push_task`): one poll per link either way.
    let log =
        beside_a_due_timer(DEFAULT_EVENT_INTERVAL, |log| spawned_chain(log, LINKS));
    assert_eq!(log, timer_after(62, "link", LINKS));
}

#[test]
fn the_due_timer_runs_after_event_interval_plus_one_links() {
    for interval in [2, 10, 61, 200, 998] {
        let log = beside_a_due_timer(interval, |log| wakes_itself(log, LINKS));
        let after = interval as usize + 1;
        assert_eq!(
            log,
            timer_after(after, "link", LINKS),
            "interval {interval}"
        );
    }
}

#[test]
fn with_event_interval_1000_the_whole_chain_runs_before_the_due_timer_as_in_js() {
    let log = beside_a_due_timer(1_000, |log| wakes_itself(log, LINKS));
    assert_eq!(log, timer_after(LINKS, "link", LINKS));
}

#[test]
fn with_event_interval_1_the_due_timer_runs_after_link_2_one_later_than_asyncio() {
    // The driver turns after every poll, but link 1 has already queued link 2
    // when it does. asyncio's snapshot runs the timer right after link 1.
    let log = beside_a_due_timer(1, |log| wakes_itself(log, LINKS));
    assert_eq!(log, timer_after(2, "link", LINKS));
}

#[test]
fn in_the_block_on_future_a_self_waking_chain_lets_the_due_timer_in_after_link_2() {
    // `#[tokio::main]`'s body is the block_on future, not a task: its wake only
    // sets `woken`. With the run queue empty, `CoreGuard::block_on` turns the
    // driver (`park_yield`) before polling it again: every poll, whatever the
    // event_interval. Link 2 runs before the timer's task because the outer loop
    // polls the block_on future first (`reset_woken`).
    for interval in [1, DEFAULT_EVENT_INTERVAL, 1_000] {
        let log = Log::default();
        runtime(interval).block_on(async {
            let timer = spawn_timer(&log).await;
            // `advance` moves the clock on its first poll, then yields. Polled once
            // and dropped, it moves the clock without a turn of the driver.
            let _ = poll!(pin!(advance(ONE_MS)));
            wakes_itself(log.clone(), LINKS).await;
            timer.await.unwrap();
        });
        assert_eq!(
            entries(&log),
            timer_after(2, "link", LINKS),
            "interval {interval}"
        );
    }
}

// Question 2: `yield_now` (`task/yield_now.rs`) hands its waker to
// `context::defer`. Deferred wakers are woken only after the driver has turned
// (`Context::park_internal` calls `Defer::wake` after `park_timeout`), so the
// timer's task is queued before the yielding task: like asyncio's `sleep(0)` and
// Node's `setImmediate`, not like `queueMicrotask`.

#[test]
fn a_yield_now_chain_lets_a_due_timer_in_after_its_first_link() {
    for interval in [DEFAULT_EVENT_INTERVAL, 1_000] {
        let log = beside_a_due_timer(interval, |log| async move {
            for i in 1..=LINKS {
                push(&log, format!("link {i}"));
                yield_now().await;
            }
        });
        assert_eq!(log, timer_after(1, "link", LINKS), "interval {interval}");
    }
}

// Question 3: awaiting what is already finished.

#[test]
fn awaiting_1000_ready_futures_takes_one_poll_and_the_due_timer_waits_for_all() {
    // `std::future::Ready` returns its value on the first poll and knows nothing of
    // the budget: no await here ever returns `Pending`.
    let polls = Arc::new(AtomicUsize::new(0));
    let busy_polls = polls.clone();
    let log = beside_a_due_timer(DEFAULT_EVENT_INTERVAL, |log| {
        counted(busy_polls, async move {
            for i in 1..=LINKS {
                let i = ready(i).await;
                push(&log, format!("link {i}"));
            }
        })
    });
    assert_eq!(log, timer_after(LINKS, "link", LINKS));
    assert_eq!(polls.load(SeqCst), 1);
}

#[test]
fn awaiting_a_finished_join_handle_returns_in_the_same_poll() {
    runtime(DEFAULT_EVENT_INTERVAL).block_on(async {
        let handle = tokio::spawn(async { 7 });
        while !handle.is_finished() {
            yield_now().await;
        }
        let polls = Arc::new(AtomicUsize::new(0));
        let value = counted(polls.clone(), handle).await.unwrap();
        assert_eq!((value, polls.load(SeqCst)), (7, 1));
    });
}

#[test]
fn a_task_receiving_1000_waiting_messages_lets_a_due_timer_in_after_128() {
    // Each `recv` spends one unit of the task's budget (`coop::poll_proceed` in
    // `Chan::recv`). The 129th finds none left: it defers the task's waker and
    // returns `Pending`. The run queue is empty, so the scheduler turns the driver,
    // which queues the timer's task, then wakes the deferred receiver behind it.
    let log = beside_a_due_timer(DEFAULT_EVENT_INTERVAL, |log| {
        receives_waiting_messages(log, LINKS)
    });
    assert_eq!(log, timer_after(BUDGET, "msg", LINKS));
}

#[test]
fn the_128_comes_from_the_budget_not_from_the_event_interval() {
    for interval in [1, 1_000] {
        let log = beside_a_due_timer(interval, |log| {
            receives_waiting_messages(log, LINKS)
        });
        assert_eq!(
            log,
            timer_after(BUDGET, "msg", LINKS),
            "interval {interval}"
        );
    }
}

#[test]
fn without_a_budget_the_receiver_takes_all_1000_messages_before_the_due_timer() {
    // `unconstrained` sets the budget to `None` (`coop::with_unconstrained`), which
    // every `poll_proceed` lets through.
    let log = beside_a_due_timer(DEFAULT_EVENT_INTERVAL, |log| {
        unconstrained(receives_waiting_messages(log, LINKS))
    });
    assert_eq!(log, timer_after(LINKS, "msg", LINKS));
}

#[test]
fn awaiting_1000_finished_join_handles_lets_a_due_timer_in_after_128() {
    // `JoinHandle::poll` spends budget too (`coop::poll_proceed`), so only a single
    // finished handle is free; the 129th in one poll returns `Pending`.
    let log = Log::default();
    runtime(DEFAULT_EVENT_INTERVAL).block_on(async {
        let handles: Vec<_> = (1..=LINKS)
            .map(|i| tokio::spawn(async move { i }))
            .collect();
        while !handles.iter().all(JoinHandle::is_finished) {
            yield_now().await;
        }
        let timer = spawn_timer(&log).await;
        let busy_log = log.clone();
        let busy = tokio::spawn(async move {
            for handle in handles {
                let i = handle.await.unwrap();
                push(&busy_log, format!("link {i}"));
            }
        });
        advance(ONE_MS).await;
        timer.await.unwrap();
        busy.await.unwrap();
    });
    assert_eq!(entries(&log), timer_after(BUDGET, "link", LINKS));
}

#[test]
fn in_the_block_on_future_the_receiver_gets_two_budgets_256_before_the_timer() {
    // The block_on future spends its budget and defers its waker. The driver turns
    // and queues the timer's task; the deferred wake sets `woken`, and
    // `CoreGuard::block_on` polls the block_on future, with a fresh budget, before
    // it takes the timer's task from the queue.
    let log = Log::default();
    runtime(DEFAULT_EVENT_INTERVAL).block_on(async {
        let timer = spawn_timer(&log).await;
        let _ = poll!(pin!(advance(ONE_MS))); // the clock moves; the driver does not
        receives_waiting_messages(log.clone(), LINKS).await;
        timer.await.unwrap();
    });
    assert_eq!(entries(&log), timer_after(2 * BUDGET, "msg", LINKS));
}

// What "due" means on tokio.

#[test]
fn a_zero_sleep_is_ready_at_once_unless_the_clock_ran_ahead_of_the_driver() {
    // `Sleep`'s first poll inserts it into the wheel (`Handle::reregister`). A
    // deadline the wheel has already passed fires on the spot (`Wheel::insert`
    // returns `InsertError::Elapsed`); a later one waits for the driver's turn.
    runtime(DEFAULT_EVENT_INTERVAL).block_on(async {
        assert!(poll!(pin!(sleep(Duration::ZERO))).is_ready());
        let _ = poll!(pin!(advance(ONE_MS))); // the clock moves; the driver does not
        let mut zero = pin!(sleep(Duration::ZERO));
        assert!(
            poll!(zero.as_mut()).is_pending(),
            "in the wheel, behind the clock"
        );
        zero.await; // the next turn of the driver fires it
    });
}
