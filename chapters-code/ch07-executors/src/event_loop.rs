//! This chapter's loop: chapter 5's loop, plus an inbox that other threads write to.

use std::io;
use std::ops::Deref;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Core, Driver, Recorder, Trace, Tracing, loop_methods};
use ch04_timers::{Clock, MonotonicClock, VirtualClock};

use crate::threaded_core::ThreadedCore;
use crate::threadsafe::LoopHandle;
use crate::trace::{Event, render_mermaid};

/// A single-threaded event loop with a ready queue, timers, I/O, and a door for other
/// threads: `call_soon_threadsafe`, `run_in_executor`, `to_thread`, and task wakers that work
/// from any thread.
///
/// It dereferences to its [`ThreadedCore`] (as an `Rc<ThreadedCore>`), and through it to
/// chapters 5, 4 and 3. `run_forever` and `run_until_complete` come from chapter 3's
/// [`Driver`].
#[derive(Debug)]
pub struct EventLoop {
    threaded: Rc<ThreadedCore>,
    trace: Option<Trace<Event>>,
}

impl EventLoop {
    /// A loop on the real monotonic clock, without a trace.
    ///
    /// # Panics
    /// If the OS refuses a selector or its notifier (out of file descriptors); see
    /// [`EventLoop::try_with_clock`].
    pub fn new() -> Self {
        Self::with_clock(MonotonicClock::new(), Tracing::Off)
    }

    /// A loop on the real clock, recording a trace.
    pub fn traced() -> Self {
        Self::with_clock(MonotonicClock::new(), Tracing::On)
    }

    /// A loop on a [`VirtualClock`] (see chapter 5): timers take no real time. A `select`
    /// with no timeout still really waits, for a socket or another thread.
    pub fn virtual_time() -> Self {
        Self::with_clock(VirtualClock::new(), Tracing::Off)
    }

    /// A loop on a [`VirtualClock`], recording a trace.
    pub fn virtual_time_traced() -> Self {
        Self::with_clock(VirtualClock::new(), Tracing::On)
    }

    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        Self::try_with_clock(clock, tracing).expect("create the selector and its notifier")
    }

    /// [`EventLoop::with_clock`], or the OS's error if it refuses a selector or a notifier.
    pub fn try_with_clock(clock: impl Clock + 'static, tracing: Tracing) -> io::Result<Self> {
        let trace = Trace::when(tracing);
        Ok(Self {
            threaded: ThreadedCore::new(clock, Recorder::into_trace(trace.as_ref()))?,
            trace,
        })
    }

    /// A reference to the loop, for tasks and callbacks on its thread.
    pub fn handle(&self) -> Rc<ThreadedCore> {
        self.threaded.clone()
    }

    // ANCHOR: run_once
    /// One iteration: chapter 5's, with the inbox drained right after `select` returns.
    pub fn run_once(&self) {
        let lp = &self.threaded;
        // 1. How long may we block? As in chapter 5, but not at all if another thread has
        //    left something in the inbox (in CPython it is in `_ready` already).
        let timeout = match lp.inbox_is_empty() {
            true => lp.poll_timeout(),
            false => Some(Duration::ZERO),
        };
        // 2. Wait in the selector. Another thread's post ends the wait: the self-pipe.
        let sleeps =
            timeout.is_none() || (timeout != Some(Duration::ZERO) && !lp.is_virtual_time());
        lp.set_parked(sleeps);
        lp.poll_io(timeout);
        lp.set_parked(false);
        // 3. What other threads left goes to the back of the ready queue.
        lp.drain_inbox();
        // 4. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 5. Run the snapshot, and nothing more.
        let ntodo = lp.begin_iteration();
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
    }
    // ANCHOR_END: run_once

    /// A handle for other threads: `call_soon_threadsafe`, `stop`.
    pub fn threadsafe(&self) -> LoopHandle {
        self.threaded.threadsafe()
    }
}

impl EventLoop {
    loop_methods!(event: Event, mermaid: render_mermaid);
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: driver
impl Driver for EventLoop {
    fn core(&self) -> &Rc<Core> {
        self.threaded.core()
    }

    fn run_once(&self) {
        EventLoop::run_once(self);
    }

    /// Stalled only if nothing at all can happen (see [`ThreadedCore::is_idle`]): with a task
    /// alive or a [`LoopHandle`] held, another thread may still wake the loop, so it waits in
    /// `select`, as CPython's does.
    fn is_stalled(&self) -> bool {
        self.threaded.is_idle()
    }
}
// ANCHOR_END: driver

impl Deref for EventLoop {
    type Target = Rc<ThreadedCore>;

    fn deref(&self) -> &Rc<ThreadedCore> {
        &self.threaded
    }
}

impl Drop for EventLoop {
    /// Drops every task and timer, closes the inbox (`call_soon_threadsafe` now fails), then
    /// shuts the default pool down, waiting for its jobs (asyncio.run's
    /// `shutdown_default_executor`).
    fn drop(&mut self) {
        self.threaded.close();
    }
}
