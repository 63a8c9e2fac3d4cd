//! Chapter 2, *Calling is not running*.
//!
//! Calling an `async fn` builds a future and runs none of its body; the body runs
//! only when something polls the future. This crate holds the pieces the chapter
//! shows and tests:
//!
//! - [`event_log`]: a shared, ordered log, so tests can assert *when* each body ran;
//! - [`lazy`]: async functions whose bodies leave a trace, and one that does work
//!   before its future exists;
//! - [`countdown`]: a future written by hand, the kind of state machine an
//!   `async fn` becomes;
//! - [`by_hand`]: polling a future ourselves with a no-op waker;
//! - [`desugared`]: an `async fn` with two `.await`s and its state enum, written by
//!   hand;
//! - [`check_status`]: the notes' `check_status` / `run_in_executor` / `gather`
//!   example on tokio.

pub mod by_hand;
pub mod check_status;
pub mod countdown;
pub mod desugared;
pub mod event_log;
pub mod lazy;

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
