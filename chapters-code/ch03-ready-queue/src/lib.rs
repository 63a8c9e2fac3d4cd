//! Chapter 3, *The ready queue*.
//!
//! The heart of an event loop, built the way CPython's asyncio builds it
//! (`Lib/asyncio/base_events.py`, `tasks.py`, `futures.py`):
//!
//! - [`ready`]: the ready queue, a FIFO of callbacks and task steps;
//! - [`core`]: a loop's state, [`Core`], with `call_soon`, `stop` and the steps of
//!   an iteration (`begin_iteration`, `run_next_ready`) that every later loop
//!   reuses;
//! - [`task`]: tasks, their states, and their lifecycle (`spawn`, a step, cancel);
//! - [`waker`]: what a task's waker does, on the loop's thread and on another;
//! - [`join`]: [`JoinHandle`], the handle to a task's result, and [`JoinError`];
//! - [`future`]: [`LoopFuture`], a one-shot future resolved by a callback;
//! - [`minimal`]: the smallest executor that works, shown before the complete one;
//! - [`guard`]: one running loop per thread;
//! - [`event_loop`]: this chapter's [`EventLoop`] and its `run_once` with the
//!   snapshot rule, and the [`Driver`] trait that gives any `run_once` a
//!   `run_forever`, `run_until_complete` and `run_until_idle`;
//! - [`trace`]: the loop's one [`Trace`], the [`Recorder`] each layer writes to, and
//!   renderings as text and as mermaid diagrams.
//!
//! Everything runs on the loop's thread. A task's waker woken from another thread
//! panics with a message pointing to chapter 7, where the loop learns to take
//! wake-ups from other threads. Chapter 7 installs that with
//! [`Core::set_remote_wake`] and [`Core::wake_from_remote`].

pub mod anatomy;
pub mod core;
pub mod event_loop;
pub mod future;
pub mod guard;
pub mod join;
pub mod minimal;
pub mod ready;
pub mod task;
pub mod trace;
pub mod waker;

pub use crate::core::Core;
pub use crate::event_loop::{Driver, EventLoop};
pub use crate::future::LoopFuture;
pub use crate::guard::{RunError, RunGuard, current_loop};
pub use crate::join::{JoinError, JoinErrorKind, JoinHandle, panic_message};
pub use crate::ready::{Label, Ready, ReadyQueue};
pub use crate::task::{TaskId, TaskKey, TaskState};
pub use crate::trace::{
    Event, LoopEvent, Outcome, Recorder, TaskLanes, Trace, Tracing, mermaid_text,
    render_lines, render_mermaid, sequence_diagram,
};
pub use crate::waker::RemoteWake;

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
