//! Node's event loop: libuv's phases on chapter 4's timer heap and chapter 5's
//! selector, with `process.nextTick` and the microtask queue drained after every
//! callback.
//!
//! A turn visits five phases (libuv's `uv_run`, Node's "The Node.js Event Loop"):
//! timers, pending callbacks, poll, check (`setImmediate`), close callbacks. Each
//! phase runs callbacks of its own queue, and after each callback Node drains the
//! `nextTick` queue, then the microtask queue, and again until both are empty
//! (`processTicksAndRejections` in `lib/internal/process/task_queues.js`). The
//! microtask queue is chapter 3's ready queue, as in [`crate::micro`].

mod phases;
mod threads;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::ops::Deref;
use std::os::fd::AsFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;
use std::thread;
use std::time::Duration;

use ch03_ready_queue::{Core, Label, Recorder, Trace, Tracing, panic_message};
use ch04_timers::{Clock, TimerHandle};
use ch05_io::{FdKey, Interest, IoCore};

use crate::micro::Callback;
use crate::trace::{Event, Phase, Queue, render_mermaid};
use threads::Inbox;

/// Node clamps a timer's delay to at least 1 ms (`Timeout` in
/// `lib/internal/timers.js`: "Schedule on next tick, follows browser behavior").
pub const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// One of Node's queues of callbacks.
type CallbackQueue = RefCell<VecDeque<Callback>>;

/// The callback of a job running on another thread, given its boxed result.
type JobDone = Box<dyn FnOnce(Box<dyn std::any::Any + Send>)>;

/// Node's loop state: chapter 5's [`IoCore`] (timers, selector, and chapter 3's
/// ready queue as the microtask queue), plus the queues Node adds. What callbacks
/// hold, as `Rc<NodeCore>`, to schedule more work.
pub struct NodeCore {
    io: Rc<IoCore>,
    ticks: CallbackQueue,
    pending: CallbackQueue,
    poll: CallbackQueue,
    immediates: CallbackQueue,
    closing: CallbackQueue,
    /// One-shot readable watchers, by registration: their callbacks.
    watchers: RefCell<HashMap<FdKey, Callback>>,
    /// Jobs running on other threads, by number: their callbacks.
    jobs: RefCell<HashMap<u64, (Label, JobDone)>>,
    next_job: Cell<u64>,
    inbox: Arc<Inbox>,
    turn: Cell<u64>,
    phase: Cell<Option<Phase>>,
    recorder: Recorder<Event>,
}

impl fmt::Debug for NodeCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeCore")
            .field("io", &self.io)
            .field("ticks", &self.ticks.borrow().len())
            .field("immediates", &self.immediates.borrow().len())
            .field("jobs", &self.jobs.borrow().len())
            .finish_non_exhaustive()
    }
}

/// Scheduling: Node's public functions, on our queues.
impl NodeCore {
    /// A Node loop state on `clock`, recording into `recorder`. Fails if the OS
    /// refuses a selector.
    pub fn new(
        clock: impl Clock + 'static,
        recorder: Recorder<Event>,
    ) -> io::Result<Rc<Self>> {
        let io = IoCore::new(clock, recorder.inner())?;
        let inbox = Inbox::new(io.notifier()?);
        Ok(Rc::new(Self {
            io,
            ticks: RefCell::default(),
            pending: RefCell::default(),
            poll: RefCell::default(),
            immediates: RefCell::default(),
            closing: RefCell::default(),
            watchers: RefCell::default(),
            jobs: RefCell::default(),
            next_job: Cell::new(1),
            inbox,
            turn: Cell::new(0),
            phase: Cell::new(None),
            recorder,
        }))
    }

    /// Chapter 5's part: selector, timers, and through them chapter 3's core.
    pub fn io(&self) -> &Rc<IoCore> {
        &self.io
    }

    /// Chapter 3's core: its ready queue is the microtask queue.
    pub fn core(&self) -> &Rc<Core> {
        self.io.core()
    }

    /// The phase running now (`None` before the first turn, or while the main
    /// script runs): what a callback asks to say where it ran.
    pub fn phase(&self) -> Option<Phase> {
        self.phase.get()
    }

    /// `process.nextTick(callback)`.
    pub fn next_tick(&self, callback: impl FnOnce() + 'static) {
        self.next_tick_named("nextTick", callback);
    }

    /// [`NodeCore::next_tick`] with a label for the trace.
    pub fn next_tick_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.push(&self.ticks, Queue::Tick, label, callback);
    }

    /// `queueMicrotask(callback)`: chapter 3's `call_soon`.
    pub fn queue_microtask(&self, callback: impl FnOnce() + 'static) {
        self.core().call_soon_named("microtask", callback);
    }

    /// [`NodeCore::queue_microtask`] with a label for the trace.
    pub fn queue_microtask_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.core().call_soon_named(label, callback);
    }

    /// `setTimeout(callback, delay)`: a timer on chapter 4's heap, with the delay
    /// clamped to [`MIN_TIMEOUT`] as Node does.
    pub fn set_timeout(
        &self,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.set_timeout_named("setTimeout", delay, callback)
    }

    /// [`NodeCore::set_timeout`] with a label for the trace.
    pub fn set_timeout_named(
        &self,
        label: impl Into<Label>,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        let delay = delay.max(MIN_TIMEOUT);
        self.io.call_later_named(label, delay, callback)
    }

    /// `setImmediate(callback)`: runs in the check phase of this turn, or of the
    /// next one if the check phase is already running.
    pub fn set_immediate(&self, callback: impl FnOnce() + 'static) {
        self.set_immediate_named("setImmediate", callback);
    }

    /// [`NodeCore::set_immediate`] with a label for the trace.
    pub fn set_immediate_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.push(&self.immediates, Queue::Immediate, label, callback);
    }

    /// Queues `callback` for the next pending-callbacks phase: where libuv runs
    /// the I/O callbacks it deferred (`uv__io_feed`).
    pub fn queue_pending(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.push(&self.pending, Queue::Pending, label, callback);
    }

    /// Queues `callback` for the next close-callbacks phase: a handle's close
    /// callback (`uv_close(handle, close_cb)`).
    pub fn queue_close(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.push(&self.closing, Queue::Close, label, callback);
    }

    fn push(
        &self,
        queue: &CallbackQueue,
        which: Queue,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        let label = label.into();
        self.record(|| Event::Queued {
            queue: which,
            label: label.to_string(),
        });
        queue.borrow_mut().push_back(Callback {
            label,
            run: Box::new(callback),
        });
    }
}

/// I/O and other threads: what reaches the poll phase.
impl NodeCore {
    // ANCHOR: on_readable
    /// Runs `callback` in a poll phase once `fd` is readable, then stops
    /// watching it. The watch owns `fd`, so it cannot be closed while the selector
    /// watches it; `callback` gets it back. [`Self::unwatch`] drops it unread.
    pub fn on_readable<F: AsFd + 'static>(
        &self,
        fd: F,
        name: &str,
        callback: impl FnOnce(F) + 'static,
    ) -> io::Result<FdKey> {
        let key = self.io.register(fd.as_fd(), name)?;
        // The selector keeps a waker per direction; a no-op one marks the fd as
        // watched. The poll phase finds the callback by key.
        self.io.add_waiter(key, Interest::Read, Waker::noop());
        let watcher = Callback {
            label: name.to_string().into(),
            run: Box::new(move || callback(fd)),
        };
        self.watchers.borrow_mut().insert(key, watcher);
        Ok(key)
    }
    // ANCHOR_END: on_readable

    /// Stops watching `key` now and drops its callback, if it has not run:
    /// `uv_poll_stop`. Returns whether it was still watched.
    pub fn unwatch(&self, key: FdKey) -> bool {
        let watcher = self.watchers.borrow_mut().remove(&key);
        self.io.deregister(key);
        watcher.is_some() // dropped here with its fd, after the deregistration
    }

    /// Closes a watch: stops it now, and runs `callback` in the next close
    /// phase, as `uv_close(handle, close_cb)` does.
    pub fn close_watch(
        &self,
        key: FdKey,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.unwatch(key);
        self.queue_close(label, callback);
    }

    // ANCHOR: run_in_thread
    /// Runs `work` on a new thread and `done` with its result in a later poll
    /// phase, on the loop's thread: libuv's `uv_queue_work` and its
    /// `after_work_cb`, which reaches the loop through an async handle. The loop
    /// stays alive until `done` has run. A panic in `work` reaches `done` as
    /// `Err(message)`. Fails, and keeps nothing, if the OS refuses a thread.
    ///
    /// On a virtual clock the poll phase only looks: if a timer is pending too,
    /// the clock jumps to it unless the result is already in, so which of the two
    /// callbacks runs first depends on how fast the thread is.
    pub fn run_in_thread<T: Send + 'static>(
        &self,
        label: impl Into<Label>,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce(Result<T, String>) + 'static,
    ) -> io::Result<()> {
        let id = self.next_job.get();
        let inbox = self.inbox.clone();
        thread::Builder::new().spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(work))
                .map_err(|payload| panic_message(&*payload));
            inbox.post((id, Box::new(result)));
        })?;
        // Its result is handled in a poll phase, so after this, on this thread.
        self.next_job.set(id + 1);
        let done: JobDone = Box::new(move |result| {
            let result = result.downcast::<Result<T, String>>();
            done(*result.expect("a job's result has the job's type"));
        });
        self.jobs.borrow_mut().insert(id, (label.into(), done));
        Ok(())
    }
    // ANCHOR_END: run_in_thread

    /// How many jobs run on other threads, their results not yet handled.
    pub fn jobs_in_flight(&self) -> usize {
        self.jobs.borrow().len()
    }
}

impl Deref for NodeCore {
    type Target = Rc<IoCore>;

    fn deref(&self) -> &Rc<IoCore> {
        &self.io
    }
}

/// Node's event loop on our parts: chapter 4's heap for timers, chapter 5's
/// selector for I/O, chapter 3's ready queue for microtasks, and Node's own
/// queues for `nextTick`, immediates, pending and close callbacks.
///
/// It dereferences to its [`NodeCore`] (`next_tick`, `set_timeout`,
/// `set_immediate`, `on_readable`, `run_in_thread`), and through it to chapter
/// 5's `IoCore`, chapter 4's `TimerCore` and chapter 3's `Core`. Some of what
/// those offer goes around Node's phases: `call_later` (a timer without the 1 ms
/// clamp), `poll_io` (fd callbacks into the microtask queue instead of the poll
/// phase), `move_due_timers` (due timers into the microtask queue).
#[derive(Debug)]
pub struct NodeLoop {
    node: Rc<NodeCore>,
    trace: Option<Trace<Event>>,
}

impl NodeLoop {
    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        Self::try_with_clock(clock, tracing)
            .expect("create the selector (epoll_create1/kqueue) and its notifier")
    }

    /// [`NodeLoop::with_clock`], or the OS's error if it refuses a selector.
    pub fn try_with_clock(
        clock: impl Clock + 'static,
        tracing: Tracing,
    ) -> io::Result<Self> {
        let trace = Trace::when(tracing);
        Ok(Self {
            node: NodeCore::new(clock, Recorder::into_trace(trace.as_ref()))?,
            trace,
        })
    }

    // ANCHOR: run_once
    /// One turn of Node's loop: libuv's `uv_run`, one iteration. After every
    /// callback of every phase, a checkpoint (ticks, then microtasks).
    pub fn run_once(&self) {
        let node = &self.node;
        node.begin_turn();
        // Ticks and microtasks queued outside any callback (the main script)
        // run before the first phase.
        if node.has_ticks_or_microtasks() {
            node.checkpoint();
        }
        node.run_timers(); // 1. due timers, one at a time
        node.run_pending(); // 2. I/O callbacks deferred to this turn
        // (idle, prepare: libuv's internal hooks; Node's idle handle only keeps
        // the poll phase from blocking while immediates wait, see poll_timeout)
        node.run_poll(node.poll_timeout()); // 3. wait for I/O, run its callbacks
        node.run_check(); // 4. setImmediate
        node.run_close(); // 5. close callbacks
    }
    // ANCHOR_END: run_once

    /// Runs `script` as Node runs the main module: the code, then a checkpoint
    /// (its ticks, then its microtasks), before the loop's first turn.
    pub fn run_script(&self, script: impl FnOnce()) {
        self.node.record(|| Event::Ran {
            queue: Queue::Task,
            label: "script".into(),
        });
        self.node.phase.set(None);
        script();
        self.node.checkpoint();
    }
}

ch04_timers::layered_event_loop!(NodeLoop {
    node: NodeCore,
    event: Event,
    mermaid: render_mermaid
});
