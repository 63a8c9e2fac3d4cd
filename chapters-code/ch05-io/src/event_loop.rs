//! This chapter's loop: the ready queue, a timer heap, and a selector.

use std::future::Future;
use std::io;
use std::ops::Deref;
use std::rc::Rc;

use ch03_ready_queue::{Core, Driver, RunError};
use ch04_timers::{MonotonicClock, VirtualClock};

use crate::io_core::IoCore;
use crate::trace::{Event, render_lines, render_mermaid};

/// A single-threaded event loop with a ready queue, timers and I/O.
///
/// It dereferences to its [`IoCore`] (as an `Rc<IoCore>`), and through it to chapter 4's
/// `TimerCore` and chapter 3's `Core`. `run_forever` and `run_until_complete` come from
/// chapter 3's [`Driver`].
#[derive(Debug)]
pub struct EventLoop {
    io: Rc<IoCore>,
}

impl EventLoop {
    /// A loop on the real monotonic clock, without a trace.
    ///
    /// # Panics
    /// If the OS refuses to create a selector (out of file descriptors).
    pub fn new() -> Self {
        Self::try_new(false).expect("create the selector (epoll_create1/kqueue)")
    }

    /// A loop on the real clock, recording a trace.
    pub fn traced() -> Self {
        Self::try_new(true).expect("create the selector (epoll_create1/kqueue)")
    }

    /// A loop on the real clock; fails if the OS refuses a selector.
    pub fn try_new(traced: bool) -> io::Result<Self> {
        Ok(Self {
            io: IoCore::new(MonotonicClock::new(), false, traced)?,
        })
    }

    /// A traced loop on a [`VirtualClock`]: a `select` with a timeout only looks, and the clock
    /// jumps over the timeout when nothing is ready. For timer scenarios with exact times.
    pub fn virtual_time_traced() -> Self {
        Self {
            io: IoCore::new(VirtualClock::new(), true, true)
                .expect("create the selector (epoll_create1/kqueue)"),
        }
    }

    /// A reference to the loop, for tasks and callbacks.
    pub fn handle(&self) -> Rc<IoCore> {
        self.io.clone()
    }

    // ANCHOR: run_once
    /// One iteration, in CPython's order (`BaseEventLoop._run_once`).
    pub fn run_once(&self) {
        let lp = &self.io;
        // 1. How long may we block? 0 if anything is ready (or a stop is pending), else until
        //    the earliest timer, else no timeout at all.
        let timeout = lp.poll_timeout();
        // 2. Wait in the selector; the callbacks of ready fds go to the ready queue.
        lp.poll_io(timeout);
        // 3. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 4. Run the snapshot: what is ready now, I/O callbacks and timers included.
        let ntodo = lp.begin_iteration();
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
    }
    // ANCHOR_END: run_once

    /// See [`Driver::run_forever`].
    pub fn run_forever(&self) -> Result<(), RunError> {
        Driver::run_forever(self)
    }

    /// See [`Driver::run_until_complete`].
    pub fn run_until_complete<F>(&self, future: F) -> Result<F::Output, RunError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Driver::run_until_complete(self, future)
    }

    /// The events recorded so far (empty if the loop does not trace).
    pub fn events(&self) -> Vec<Event> {
        self.io.events()
    }

    /// The trace as lines of text.
    pub fn trace_lines(&self) -> Vec<String> {
        render_lines(&self.events())
    }

    /// The trace as a mermaid sequence diagram.
    pub fn trace_mermaid(&self) -> String {
        render_mermaid(&self.events())
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: driver
impl Driver for EventLoop {
    fn core(&self) -> &Rc<Core> {
        self.io.timers().core()
    }

    fn run_once(&self) {
        EventLoop::run_once(self);
    }

    /// Stalled only if nothing is ready, no timer is left, and no task waits for a socket.
    fn is_stalled(&self) -> bool {
        let core = self.core();
        core.ready_len() == 0
            && !core.is_stopping()
            && self.io.live_timers() == 0
            && self.io.selector().waiting() == 0
    }
}
// ANCHOR_END: driver

impl Deref for EventLoop {
    type Target = Rc<IoCore>;

    fn deref(&self) -> &Rc<IoCore> {
        &self.io
    }
}

impl Drop for EventLoop {
    /// Drops every task (their sockets deregister and close), then every timer left.
    fn drop(&mut self) {
        self.io.timers().core().close();
        self.io.timers().close();
    }
}
