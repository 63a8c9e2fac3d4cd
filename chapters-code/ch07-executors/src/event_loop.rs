//! This chapter's loop: chapter 5's loop, plus an inbox that other threads write to.

use std::future::Future;
use std::io;
use std::ops::Deref;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Core, Driver, RunError};
use ch04_timers::{MonotonicClock, VirtualClock};

use crate::core::ThreadedCore;
use crate::threadsafe::LoopHandle;
use crate::trace::{Event, render_lines, render_mermaid};

/// A single-threaded event loop with a ready queue, timers, I/O, and a door for other
/// threads: `call_soon_threadsafe`, `run_in_executor`, `to_thread`, and task wakers that work
/// from any thread.
///
/// It dereferences to its [`ThreadedCore`] (as an `Rc<ThreadedCore>`), and through it to
/// chapters 5, 4 and 3. `run_forever` and `run_until_complete` come from chapter 3's
/// [`Driver`].
#[derive(Debug)]
pub struct EventLoop {
    core: Rc<ThreadedCore>,
}

impl EventLoop {
    /// A loop on the real monotonic clock, without a trace.
    ///
    /// # Panics
    /// If the OS refuses a selector or its notifier (out of file descriptors).
    pub fn new() -> Self {
        Self::try_new(false).expect("create the selector and its notifier")
    }

    /// A loop on the real clock, recording a trace.
    pub fn traced() -> Self {
        Self::try_new(true).expect("create the selector and its notifier")
    }

    /// A loop on the real clock; fails if the OS refuses a selector.
    pub fn try_new(traced: bool) -> io::Result<Self> {
        Ok(Self {
            core: ThreadedCore::new(MonotonicClock::new(), false, traced)?,
        })
    }

    /// A loop on a [`VirtualClock`] (see chapter 5): timers take no real time. A `select`
    /// with no timeout still really waits, for a socket or another thread.
    pub fn virtual_time() -> Self {
        Self {
            core: ThreadedCore::new(VirtualClock::new(), true, false)
                .expect("create the selector and its notifier"),
        }
    }

    /// A loop on `clock`; `virtual_time` as in chapter 5's `IoCore::new`.
    pub fn with_clock(clock: impl ch04_timers::Clock + 'static, virtual_time: bool) -> Self {
        Self {
            core: ThreadedCore::new(clock, virtual_time, false)
                .expect("create the selector and its notifier"),
        }
    }

    /// A reference to the loop, for tasks and callbacks on its thread.
    pub fn handle(&self) -> Rc<ThreadedCore> {
        self.core.clone()
    }

    // ANCHOR: run_once
    /// One iteration: chapter 5's, with the inbox drained right after `select` returns.
    pub fn run_once(&self) {
        let lp = &self.core;
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
        self.core.threadsafe()
    }

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
        self.core.events()
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
        self.core.io().timers().core()
    }

    fn run_once(&self) {
        EventLoop::run_once(self);
    }

    /// Stalled only if nothing at all can happen: nothing ready or in the inbox, no timer, no
    /// socket waited for, no task alive (another thread may wake it) and no [`LoopHandle`]
    /// held outside (another thread may post). Otherwise it waits in `select`, as CPython.
    fn is_stalled(&self) -> bool {
        let core = self.core();
        core.ready_len() == 0
            && !core.is_stopping()
            && self.core.inbox_is_empty()
            && self.core.live_timers() == 0
            && self.core.selector().waiting() == 0
            && core.task_count() == 0
            && !self.core.has_threadsafe_handles()
    }
}
// ANCHOR_END: driver

impl Deref for EventLoop {
    type Target = Rc<ThreadedCore>;

    fn deref(&self) -> &Rc<ThreadedCore> {
        &self.core
    }
}

impl Drop for EventLoop {
    /// Drops every task and timer, closes the inbox (`call_soon_threadsafe` now fails), then
    /// shuts the default pool down, waiting for its jobs (asyncio.run's
    /// `shutdown_default_executor`).
    fn drop(&mut self) {
        self.core.io().timers().core().close();
        self.core.io().timers().close();
        self.core.shutdown_default_pool();
    }
}
