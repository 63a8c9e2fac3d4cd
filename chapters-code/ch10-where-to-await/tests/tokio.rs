//! The cheat sheet's rows on tokio, with what the earlier chapters' tokio tests do
//! not show yet: step counts, panics, blocking threads, `JoinSet` beside asyncio's
//! `TaskGroup`, `timeout` beside `asyncio.timeout`, and a forgotten task at
//! shutdown.
//!
//! Every runtime here is current-thread, like asyncio's loop and ours, unless its
//! test says why it is not. A ticker task counts its own steps: how many it takes
//! while the caller waits says how many turns the caller gave away. Counts and
//! orders are what the tokio of Cargo.lock (1.54.1) does, not what it promises: if
//! an upgrade changes one, update the test and the chapter.

// A test crate's root looks for its modules beside it, in `tests/`; these live in
// `tests/tokio/`.
#[path = "tokio/blocking.rs"]
mod blocking;
#[path = "tokio/rows.rs"]
mod rows;
#[path = "tokio/shutdown.rs"]
mod shutdown;
#[path = "tokio/structured.rs"]
mod structured;

use std::any::Any;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::Poll;

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

/// What happened, in order. `Arc<Mutex<..>>` rather than `Rc<RefCell<..>>`:
/// `tokio::spawn` takes only `Send` futures.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, entry: impl Into<String>) {
        self.0.lock().unwrap().push(entry.into());
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Logs its label when dropped: a future holding one shows where it was dropped,
/// and that its destructors ran. The same guard as the row tests' (`tests/rows/
/// support.rs`), with a `String` label, as the log holds `String`s.
struct DropGuard(Log, String);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.push(self.1.clone());
    }
}

/// Gives up the thread for one turn: wakes its own task and returns `Pending` once.
/// The scheduler puts a self-woken task at the back of the run queue
/// (`Schedule::yield_now`, which is `schedule` on the current-thread runtime), so
/// every task queued before it runs first. `tokio::task::yield_now` would not do
/// for counting: it defers its wake until the driver has run (chapter 9).
async fn one_turn() {
    let mut woken = false;
    poll_fn(move |cx| {
        if woken {
            return Poll::Ready(());
        }
        woken = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

/// Another task that counts its steps, one turn each, until stopped.
struct Ticker {
    steps: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl Ticker {
    /// Spawns the ticker and returns once it has taken its first step.
    async fn start() -> Ticker {
        let steps = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counted, stopped) = (steps.clone(), stop.clone());
        let task = tokio::spawn(async move {
            while !stopped.load(SeqCst) {
                counted.fetch_add(1, SeqCst);
                one_turn().await;
            }
        });
        while steps.load(SeqCst) == 0 {
            one_turn().await;
        }
        Ticker { steps, stop, task }
    }

    fn steps(&self) -> usize {
        self.steps.load(SeqCst)
    }

    async fn stop(self) {
        self.stop.store(true, SeqCst);
        self.task.await.unwrap();
    }
}

/// A current-thread runtime on the real clock, with timers and I/O.
fn runtime() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// A current-thread runtime whose clock is paused: it jumps to the next timer
/// whenever every task waits, so times are exact.
fn paused_runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// The message a panic carried, for `&str` and `String` payloads.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
