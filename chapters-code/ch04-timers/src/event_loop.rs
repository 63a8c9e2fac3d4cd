//! This chapter's loop: the ready queue and a timer heap.

use std::ops::Deref;
use std::rc::Rc;

use ch03_ready_queue::{Core, Driver, Recorder, Trace, Tracing, loop_methods};

use crate::clock::{Clock, MonotonicClock, VirtualClock};
use crate::timer_core::TimerCore;
use crate::trace::{Event, render_mermaid};

/// A single-threaded event loop with a ready queue and timers.
///
/// It dereferences to its [`TimerCore`] (as an `Rc<TimerCore>`), where `call_later`,
/// `call_at`, `sleep` and `wait_for` live, and through it to chapter 3's `Core` (`call_soon`,
/// `spawn`, `stop`). `run_forever` and `run_until_complete` come from chapter 3's [`Driver`].
#[derive(Debug)]
pub struct EventLoop {
    timers: Rc<TimerCore>,
    trace: Option<Trace<Event>>,
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

impl EventLoop {
    /// A loop on the real monotonic clock, without a trace.
    pub fn new() -> Self {
        Self::with_clock(MonotonicClock::new(), Tracing::Off)
    }

    /// A loop on the real monotonic clock, recording a trace.
    pub fn traced() -> Self {
        Self::with_clock(MonotonicClock::new(), Tracing::On)
    }

    /// A loop on a fresh [`VirtualClock`] at time 0: waiting for a timer takes no time.
    pub fn virtual_time() -> Self {
        Self::with_clock(VirtualClock::new(), Tracing::Off)
    }

    /// A loop on a fresh [`VirtualClock`], recording a trace.
    pub fn virtual_time_traced() -> Self {
        Self::with_clock(VirtualClock::new(), Tracing::On)
    }

    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        let trace = Trace::when(tracing);
        Self {
            timers: TimerCore::new(clock, Recorder::into_trace(trace.as_ref())),
            trace,
        }
    }

    /// A reference to the loop, for callbacks and tasks to schedule more work.
    pub fn handle(&self) -> Rc<TimerCore> {
        self.timers.clone()
    }

    // ANCHOR: run_once
    /// One iteration, in CPython's order (`BaseEventLoop._run_once`).
    pub fn run_once(&self) {
        let lp = &self.timers;
        // 1. How long may we block? 0 if anything is ready, else until the earliest timer.
        if let Some(timeout) = lp.poll_timeout() {
            // 2. Poll I/O for that long. No I/O yet (chapter 5): only the clock moves.
            lp.wait(timeout);
        }
        // 3. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 4. Run the snapshot: what is ready now, timers included, and nothing more.
        let ntodo = lp.begin_iteration();
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
    }
    // ANCHOR_END: run_once

    // ANCHOR: run_once_notes_order
    /// One iteration in the order of the notes' pseudo-code: run ready, then timers, then
    /// poll I/O. Here only to show the difference; see `run_once`.
    pub fn run_once_notes_order(&self) {
        let lp = &self.timers;
        let ntodo = lp.begin_iteration(); // run_ready_callbacks()
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
        lp.move_due_timers(); // run_due_timers(): into the READY queue, for next time
        if let Some(timeout) = lp.poll_timeout() {
            lp.wait(timeout); // poll_io_events()
        }
    }
    // ANCHOR_END: run_once_notes_order
}

impl EventLoop {
    loop_methods!(event: Event, mermaid: render_mermaid);
}

// ANCHOR: driver
impl Driver for EventLoop {
    fn core(&self) -> &Rc<Core> {
        self.timers.core()
    }

    fn run_once(&self) {
        EventLoop::run_once(self);
    }

    /// Stalled only if nothing is ready *and* no timer is left to wait for.
    fn is_stalled(&self) -> bool {
        self.timers.is_idle()
    }
}
// ANCHOR_END: driver

impl Deref for EventLoop {
    type Target = Rc<TimerCore>;

    fn deref(&self) -> &Rc<TimerCore> {
        &self.timers
    }
}

impl Drop for EventLoop {
    /// Drops every task (their destructors run, their sleeps cancel their timers), then every
    /// timer that is left, without running anything.
    fn drop(&mut self) {
        self.timers.close();
    }
}
