//! This chapter's loop: the ready queue, a timer heap, and a selector.

use std::io;

use std::rc::Rc;

use ch03_ready_queue::{Recorder, Trace, Tracing};
use ch04_timers::Clock;

use crate::io_core::IoCore;
use crate::trace::{Event, render_mermaid};

/// A single-threaded event loop with a ready queue, timers and I/O.
///
/// It dereferences to its [`IoCore`] (as an `Rc<IoCore>`), and through it to
/// chapter 4's `TimerCore` and chapter 3's `Core`. `run_forever` and
/// `run_until_complete` come from chapter 3's [`Driver`](ch03_ready_queue::Driver).
#[derive(Debug)]
pub struct EventLoop {
    io: Rc<IoCore>,
    trace: Option<Trace<Event>>,
}

impl EventLoop {
    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        Self::try_with_clock(clock, tracing)
            .expect("create the selector (epoll_create1/kqueue)")
    }

    /// [`EventLoop::with_clock`], or the OS's error if it refuses a selector.
    pub fn try_with_clock(
        clock: impl Clock + 'static,
        tracing: Tracing,
    ) -> io::Result<Self> {
        let trace = Trace::when(tracing);
        Ok(Self {
            io: IoCore::new(clock, Recorder::into_trace(trace.as_ref()))?,
            trace,
        })
    }

    // ANCHOR: run_once
    /// One iteration, in CPython's order (`BaseEventLoop._run_once`).
    pub fn run_once(&self) {
        let lp = &self.io;
        // 1. Wait in the selector: not at all if anything is ready (or a stop is
        //    pending), else until the earliest timer, else with no timeout. The
        //    callbacks of ready fds go to the ready queue.
        let timeout = lp.poll_timeout();
        lp.poll_io(timeout);
        // 2. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 3. Take the snapshot: what is ready now, I/O callbacks and timers too.
        let ntodo = lp.begin_iteration();
        // 4. Run those, and nothing more.
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
    }
    // ANCHOR_END: run_once
}

ch04_timers::layered_event_loop!(EventLoop {
    io: IoCore,
    event: Event,
    mermaid: render_mermaid
});
