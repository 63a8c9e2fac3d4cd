//! This chapter's loop: chapter 5's loop, plus an inbox that other threads write to.

use std::io;

use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Recorder, Trace, Tracing};
use ch04_timers::Clock;

use crate::threaded_core::ThreadedCore;
use crate::threadsafe::LoopHandle;
use crate::trace::{Event, render_mermaid};

/// A single-threaded event loop with a ready queue, timers, I/O, and a door for
/// other threads: `call_soon_threadsafe`, `run_in_executor`, `to_thread`, and task
/// wakers that work from any thread.
///
/// It dereferences to its [`ThreadedCore`] (as an `Rc<ThreadedCore>`), and through
/// it to chapters 5, 4 and 3. `run_forever` and `run_until_complete` come from
/// chapter 3's [`Driver`](ch03_ready_queue::Driver).
#[derive(Debug)]
pub struct EventLoop {
    threaded: Rc<ThreadedCore>,
    trace: Option<Trace<Event>>,
}

impl EventLoop {
    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        Self::try_with_clock(clock, tracing)
            .expect("create the selector and its notifier")
    }

    /// [`EventLoop::with_clock`], or the OS's error if it refuses a selector or a
    /// notifier.
    pub fn try_with_clock(
        clock: impl Clock + 'static,
        tracing: Tracing,
    ) -> io::Result<Self> {
        let trace = Trace::when(tracing);
        Ok(Self {
            threaded: ThreadedCore::new(
                clock,
                Recorder::into_trace(trace.as_ref()),
            )?,
            trace,
        })
    }

    // ANCHOR: run_once
    /// One iteration: chapter 5's, with the inbox drained right after `select`
    /// returns.
    pub fn run_once(&self) {
        let lp = &self.threaded;
        // 1. Wait in the selector, as in chapter 5, but not at all if another thread
        //    has left something in the inbox (in CPython it is in `_ready`
        //    already). Another thread's post ends the wait: the self-pipe.
        let timeout = match lp.inbox_is_empty() {
            true => lp.poll_timeout(),
            false => Some(Duration::ZERO),
        };
        let sleeps = timeout.is_none()
            || (timeout != Some(Duration::ZERO) && !lp.is_virtual_time());
        lp.set_parked(sleeps);
        lp.poll_io(timeout);
        lp.set_parked(false);
        // 2. What other threads left goes to the back of the ready queue.
        lp.drain_inbox();
        // 3. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 4. Take the snapshot.
        let ntodo = lp.begin_iteration();
        // 5. Run those, and nothing more.
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

ch04_timers::layered_event_loop!(EventLoop {
    threaded: ThreadedCore,
    event: Event,
    mermaid: render_mermaid
});
