//! Chapter 4, *Timers*.
//!
//! Chapter 3's loop, plus time, built the way CPython's asyncio builds it
//! (`Lib/asyncio/base_events.py`: `call_later`, `call_at`, `_run_once`,
//! `_timer_handle_cancelled`; `Lib/asyncio/events.py`: `TimerHandle`):
//!
//! - [`clock`]: the [`Clock`] trait, the real [`MonotonicClock`] and a
//!   [`VirtualClock`] that jumps to the next deadline instead of waiting;
//! - [`heap`]: the [`TimerHeap`], a min-heap of deadlines with cancellation and
//!   CPython's compaction rule;
//! - [`timer_core`]: [`TimerCore`], chapter 3's `Core` plus a timer heap and a
//!   clock, with `call_later`, `call_at`, `sleep`, `wait_for`, and the two steps an
//!   iteration adds: [`TimerCore::poll_timeout`] and [`TimerCore::move_due_timers`];
//! - [`sleep`]: the [`Sleep`] future and [`TimeoutError`];
//! - [`event_loop`]: this chapter's [`EventLoop`] and its `run_once`;
//! - [`trace`]: chapter 3's trace events plus timer and clock events, as text and
//!   diagrams.
//!
//! Times are [`std::time::Duration`]s since the clock's origin (the loop's
//! `time()`), so a virtual clock gives exact answers: three sleeps of 1, 2 and 3 s
//! end at exactly 6 s.

// Chapter 3's crate, for the paths inside `layered_event_loop!`.
#[doc(hidden)]
pub use ch03_ready_queue as ch03;

pub mod anatomy;
pub mod clock;
pub mod event_loop;
pub mod heap;
pub mod sleep;
pub mod timer_core;
pub mod trace;

pub use crate::clock::{Clock, MonotonicClock, VirtualClock};
pub use crate::event_loop::EventLoop;
pub use crate::heap::{
    MIN_CANCELLED_TIMER_HANDLES_FRACTION, MIN_SCHEDULED_TIMER_HANDLES, TimerHeap,
    TimerKey,
};
pub use crate::sleep::{Sleep, TimeoutError};
pub use crate::timer_core::{TimerCore, TimerHandle};
pub use crate::trace::{Event, fmt_time, render_lines, render_mermaid};

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
