//! [`IoCore`]: chapter 4's `TimerCore` plus a [`Selector`].
//!
//! It is what tasks hold (as `Rc<IoCore>`) to do I/O, as asyncio code holds the
//! loop: `call_soon`, `spawn`, `call_later`, `sleep`, `wait_for` come from
//! chapters 3 and 4 through `Deref`; registering sockets and waiting for them is
//! new, and so is the step that an iteration adds: [`IoCore::poll_io`].

use std::fmt;
use std::io;
use std::ops::Deref;
use std::os::fd::BorrowedFd;
use std::rc::Rc;
use std::task::Waker;
use std::time::Duration;

use ch03_ready_queue::Recorder;
use ch04_timers::{Clock, TimerCore};

use crate::selector::{FdKey, Interest, Notifier, Readiness, Selector};
use crate::trace::Event;

/// A loop's state with I/O: chapter 4's [`TimerCore`] and a [`Selector`].
pub struct IoCore {
    timers: Rc<TimerCore>,
    selector: Selector,
    recorder: Recorder<Event>,
}

impl fmt::Debug for IoCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoCore")
            .field("timers", &self.timers)
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

impl IoCore {
    /// A loop state on `clock`, recording into `recorder` (chapters 4 and 3 record
    /// through it too). On a virtual clock, `select` never blocks for a timeout: it
    /// polls the OS without waiting and, if nothing is ready, jumps the clock over
    /// the timeout (chapter 4's `VirtualTimeLoop` oracle does the same to CPython).
    /// Fails if the OS refuses a selector.
    pub fn new(
        clock: impl Clock + 'static,
        recorder: Recorder<Event>,
    ) -> io::Result<Rc<Self>> {
        Ok(Rc::new(Self {
            timers: TimerCore::new(clock, recorder.inner()),
            selector: Selector::new()?,
            recorder,
        }))
    }

    /// Chapter 4's part: timers and the clock, and through it chapter 3's core.
    pub fn timers(&self) -> &Rc<TimerCore> {
        &self.timers
    }

    /// The selector.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// Registers `fd` with the selector under `name` (see [`Selector::register`]).
    pub fn register(&self, fd: BorrowedFd<'_>, name: &str) -> io::Result<FdKey> {
        let key = self.selector.register(fd, name)?;
        self.record(|| Event::Registered {
            name: name.to_string(),
        });
        Ok(key)
    }

    /// Deregisters `key`; its waiters are dropped.
    pub fn deregister(&self, key: FdKey) {
        if let Some(name) = self.selector.deregister(key) {
            self.record(|| Event::Deregistered { name });
        }
    }

    /// Makes `waker` wait for `key` to be ready for `interest`: `add_reader` /
    /// `add_writer`.
    pub fn add_waiter(&self, key: FdKey, interest: Interest, waker: &Waker) {
        if self.selector.set_waiter(key, interest, waker) {
            self.record(|| Event::Waiting {
                name: self.selector.name(key).unwrap_or_default(),
                interest,
            });
        }
    }

    /// Removes the waiter for `interest` on `key`, if there is one: `remove_reader`.
    pub fn remove_waiter(&self, key: FdKey, interest: Interest) {
        if self.selector.clear_waiter(key, interest) {
            self.record(|| Event::StoppedWaiting {
                name: self.selector.name(key).unwrap_or_default(),
                interest,
            });
        }
    }

    // ANCHOR: poll_io
    /// Step 1 of an iteration: wait in the selector for at most `timeout`, then put
    /// the callback of every ready waiter at the back of the ready queue. asyncio's
    /// `event_list = self._selector.select(timeout)` and
    /// `self._process_events(event_list)`, which appends each ready fd's reader or
    /// writer handle to `self._ready`.
    pub fn poll_io(&self, timeout: Option<Duration>) {
        for fd in self.select_ready(timeout) {
            // One more hop than the notes say: the fd's *callback* joins the ready
            // queue; when it runs, it wakes the task, whose next step runs in the
            // next iteration.
            if let Some(reader) = fd.reader {
                let label = format!("reader {}", fd.name);
                self.timers.call_soon_named(label, move || reader.wake());
            }
            if let Some(writer) = fd.writer {
                let label = format!("writer {}", fd.name);
                self.timers.call_soon_named(label, move || writer.wake());
            }
        }
    }

    /// The wait alone: `select` for at most `timeout`, and the fds it reports as
    /// ready, each recorded. What [`IoCore::poll_io`] queues, and what a loop that
    /// runs I/O callbacks its own way (chapter 9's Node loop) takes.
    pub fn select_ready(&self, timeout: Option<Duration>) -> Vec<Readiness> {
        self.record(|| Event::SelectCalled { timeout });
        let os_timeout = match timeout {
            // look, do not wait
            Some(_) if self.timers.is_virtual_time() => Some(Duration::ZERO),
            timeout => timeout,
        };
        let ready = self
            .selector
            .select(os_timeout)
            .unwrap_or_else(|e| panic!("the selector failed: {e}"));
        if ready.is_empty() && self.timers.is_virtual_time() {
            if let Some(timeout) = timeout {
                // the virtual clock jumps over the timeout
                self.timers.wait(timeout);
            }
        }
        for fd in &ready {
            self.record(|| Event::FdReady {
                name: fd.name.clone(),
                // what it is ready for that someone waits for:
                readable: fd.reader.is_some(),
                writable: fd.writer.is_some(), // the same on epoll and kqueue
            });
        }
        ready
    }
    // ANCHOR_END: poll_io

    /// How many sockets are registered with the selector.
    pub fn registered(&self) -> usize {
        self.selector.registered()
    }

    /// A handle that wakes this loop's `select` from another thread (for chapter 7).
    pub fn notifier(&self) -> io::Result<Notifier> {
        self.selector.notifier()
    }

    /// Records `event` if this loop traces.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Whether an iteration now could do nothing: chapter 4's layer is idle (nothing
    /// ready, no timer) and no task waits for a socket.
    pub fn is_idle(&self) -> bool {
        self.timers.is_idle() && self.selector.waiting() == 0
    }

    /// Closes the loop: chapter 4's layer closes (every task, then every timer).
    /// Dropping a task drops its sockets, which deregister themselves.
    pub fn close(&self) {
        self.timers.close();
    }
}

impl Deref for IoCore {
    type Target = Rc<TimerCore>;

    fn deref(&self) -> &Rc<TimerCore> {
        &self.timers
    }
}
