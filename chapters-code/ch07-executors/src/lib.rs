//! Chapter 7, *Executors and threads*.
//!
//! Chapter 5's loop, plus other threads, built the way CPython builds it
//! (`Lib/asyncio/base_events.py`: `call_soon_threadsafe`, `_write_to_self`,
//! `run_in_executor`; `Lib/asyncio/futures.py`: `wrap_future`, `_chain_future`;
//! `Lib/asyncio/threads.py`: `to_thread`; `Lib/concurrent/futures/thread.py`:
//! `ThreadPoolExecutor`):
//!
//! - [`pool`]: a [`ThreadPool`] and the [`JobHandle`] its `submit` returns;
//! - [`threadsafe`]: the inbox other threads write to, and the [`LoopHandle`] they
//!   hold (`call_soon_threadsafe`), woken through chapter 5's `Notifier`;
//! - [`threaded_core`]: [`ThreadedCore`], chapter 5's `IoCore` plus the inbox and a
//!   default pool, with `run_in_executor` and `to_thread`;
//! - [`event_loop`]: this chapter's [`EventLoop`] and its `run_once`;
//! - [`from_thread`]: `run_coroutine_threadsafe`, [`LoopHandle::run_threadsafe`]
//!   and the [`RunHandle`] a plain thread waits on;
//! - [`scenarios`]: the round trip the chapter's diagram is drawn from;
//! - [`trace`]: chapter 5's events plus what came from other threads.
//!
//! A task's waker now works from any thread: chapter 3's `Core::set_remote_wake`
//! hook, which this loop installs, carries the task to the loop's thread through the
//! same inbox.

pub mod anatomy;
pub mod event_loop;
pub mod from_thread;
pub mod pool;
pub mod scenarios;
pub mod threaded_core;
pub mod threadsafe;
pub mod trace;

pub use crate::event_loop::EventLoop;
pub use crate::from_thread::{RunHandle, WaitError};
pub use crate::pool::{JobError, JobHandle, SubmitError, ThreadPool};
pub use crate::threaded_core::{ExecutorFuture, ThreadedCore};
pub use crate::threadsafe::{LoopClosed, LoopHandle};
pub use crate::trace::{Event, render_lines, render_mermaid};

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
