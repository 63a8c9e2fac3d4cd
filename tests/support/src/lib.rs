//! Bounded waits for the tests, and the workspace root.
//!
//! A test that waits for a thread, a channel or a barrier with no limit hangs when the claim it
//! checks breaks, until CI's own limit, with no name on it. Each wait here is the standard
//! library's wait with a limit: it returns what the std wait returns, and if the limit passes
//! first it panics with a message naming what did not happen, so a broken claim fails its test
//! within seconds. On success none of them waits longer than the thing it waits for: the limit
//! is a guard, never a timing assertion.
//!
//! A test that times out this way may leave a thread behind, still blocked; the test has failed
//! by then, and its process (one per test under cargo-nextest) exits with it.

use std::any::Any;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvError, RecvTimeoutError};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a test waits for something that takes milliseconds when the claim holds: long
/// enough for a loaded 2-core CI machine, short enough that the per-test timeout (60 s, in
/// `.config/nextest.toml`) is never what reports it.
pub const LIMIT: Duration = Duration::from_secs(10);

fn timed_out(limit: Duration, what: &str) -> ! {
    panic!("timed out after {limit:?} waiting for {what}")
}

/// [`JoinHandle::join`] with a limit: a thread that should end but does not (a lost wake-up, a
/// deadlock in the code under test) fails the test instead of hanging it.
///
/// Returns what `join` returns, `Err` with the panic payload if the thread panicked.
pub fn join_within<T>(handle: JoinHandle<T>, limit: Duration, what: &str) -> thread::Result<T> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_micros(50);
    while !handle.is_finished() {
        if Instant::now() >= deadline {
            timed_out(limit, what);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
    handle.join()
}

/// [`Receiver::recv`] with a limit: a message that never comes (its sender stuck, or never
/// reached) fails the test instead of hanging it.
///
/// Returns what `recv` returns, `Err(RecvError)` if every sender was dropped without sending.
pub fn recv_within<T>(receiver: &Receiver<T>, limit: Duration, what: &str) -> Result<T, RecvError> {
    match receiver.recv_timeout(limit) {
        Ok(value) => Ok(value),
        Err(RecvTimeoutError::Disconnected) => Err(RecvError),
        Err(RecvTimeoutError::Timeout) => timed_out(limit, what),
    }
}

/// Runs `f` on a helper thread and waits for it with a limit: for a call that blocks the thread
/// it runs on (a `block_on` written by a reader, say) and so cannot be bounded from inside.
///
/// Returns what `f` returns; if `f` panics, the panic goes on in the caller, with its message.
pub fn run_within<T, F>(limit: Duration, what: &str, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // Named like the caller (libtest names a test's thread after the test), so that a panic in
    // `f` reads as it would have on the caller's thread.
    let name = thread::current().name().unwrap_or("run_within").to_string();
    let helper = thread::Builder::new()
        .name(name)
        .spawn(f)
        .expect("spawn a helper thread");
    join_within(helper, limit, what)
        .unwrap_or_else(|payload: Box<dyn Any + Send>| std::panic::resume_unwind(payload))
}

/// [`std::sync::Barrier`] with a limit on each wait (the std barrier has none): a party that
/// never arrives (a loop that is not running, a thread that never started) fails the test
/// instead of leaving the others waiting forever.
#[derive(Debug)]
pub struct Barrier {
    parties: usize,
    /// (parties arrived in this round, the round's number).
    state: Mutex<(usize, u64)>,
    round_done: Condvar,
}

impl Barrier {
    /// A barrier that releases its waiters once `parties` of them are waiting.
    pub fn new(parties: usize) -> Self {
        Self {
            parties,
            state: Mutex::new((0, 0)),
            round_done: Condvar::new(),
        }
    }

    /// Waits until all parties have arrived, or panics naming `what` once `limit` has passed.
    /// Returns `true` for the last party to arrive (std's `is_leader`), `false` for the others.
    pub fn wait_within(&self, limit: Duration, what: &str) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let round = state.1;
        state.0 += 1;
        if state.0 >= self.parties {
            *state = (0, round + 1);
            self.round_done.notify_all();
            return true;
        }
        let (state, waited) = self
            .round_done
            .wait_timeout_while(state, limit, |state| state.1 == round)
            .unwrap_or_else(PoisonError::into_inner);
        if waited.timed_out() {
            let arrived = state.0;
            drop(state); // do not poison the barrier for the other parties
            timed_out(
                limit,
                &format!("{what} ({arrived} of {} parties arrived)", self.parties),
            );
        }
        false
    }
}

/// The workspace root, which holds the book (`src/`), the chapter crates (`chapters-code/`) and
/// this crate (`tests/support/`). One definition for the book's tests and for xtask.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .expect("test-support sits at tests/support in the workspace")
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Arc;
    use std::sync::mpsc;

    const SHORT: Duration = Duration::from_millis(50);

    /// The message `f` panics with.
    fn panic_of<R>(f: impl FnOnce() -> R) -> String {
        let payload = catch_unwind(AssertUnwindSafe(f)).err().expect("it panics");
        message_of(payload)
    }

    fn message_of(payload: Box<dyn Any + Send>) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn join_within_returns_the_threads_result_or_its_panic() {
        let done = thread::spawn(|| 7);
        assert_eq!(join_within(done, LIMIT, "a quick thread").unwrap(), 7);
        let panicked = thread::spawn(|| panic!("inside"));
        let payload = join_within(panicked, LIMIT, "a panicking thread").unwrap_err();
        assert_eq!(message_of(payload), "inside");
    }

    #[test]
    fn join_within_names_a_thread_that_does_not_end() {
        let (_keep, never) = mpsc::channel::<()>();
        let stuck = thread::spawn(move || never.recv());
        assert_eq!(
            panic_of(|| join_within(stuck, SHORT, "the stuck thread to end")),
            "timed out after 50ms waiting for the stuck thread to end"
        );
    }

    #[test]
    fn recv_within_returns_a_message_a_disconnection_or_names_the_silence() {
        let (tx, rx) = mpsc::channel();
        tx.send(1).unwrap();
        assert_eq!(recv_within(&rx, LIMIT, "a message"), Ok(1));
        drop(tx);
        assert_eq!(recv_within(&rx, LIMIT, "a message"), Err(RecvError));
        let (_tx, silent) = mpsc::channel::<()>();
        assert_eq!(
            panic_of(|| recv_within(&silent, SHORT, "a word")),
            "timed out after 50ms waiting for a word"
        );
    }

    #[test]
    fn run_within_returns_passes_a_panic_on_or_names_the_call() {
        assert_eq!(run_within(LIMIT, "six times seven", || 6 * 7), 42);
        assert_eq!(
            panic_of(|| run_within(LIMIT, "a panic", || panic!("its message"))),
            "its message"
        );
        let (_keep, never) = mpsc::channel::<()>();
        assert_eq!(
            panic_of(|| run_within(SHORT, "a blocked call", move || never.recv())),
            "timed out after 50ms waiting for a blocked call"
        );
    }

    #[test]
    fn the_barrier_releases_all_parties_round_after_round() {
        let barrier = Arc::new(Barrier::new(3));
        for _ in 0..3 {
            let others: Vec<_> = (0..2)
                .map(|_| {
                    let barrier = barrier.clone();
                    thread::spawn(move || barrier.wait_within(LIMIT, "the round"))
                })
                .collect();
            let mut leaders = usize::from(barrier.wait_within(LIMIT, "the round"));
            for other in others {
                leaders += usize::from(join_within(other, LIMIT, "a party").unwrap());
            }
            assert_eq!(leaders, 1, "exactly one leader per round");
        }
    }

    #[test]
    fn the_barrier_names_a_party_that_never_arrives() {
        let barrier = Barrier::new(2);
        assert_eq!(
            panic_of(|| barrier.wait_within(SHORT, "the other party")),
            "timed out after 50ms waiting for the other party (1 of 2 parties arrived)"
        );
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
