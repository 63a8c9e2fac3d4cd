//! The loop's state: the ready queue, the task table, the flags, and where events
//! go.
//!
//! [`Core`] is everything a loop owns except *how one iteration goes*. This
//! chapter's [`crate::EventLoop`] composes it with the snapshot rule; chapter 4 adds
//! a timer heap and writes its own `run_once` over the same `Core`, and so on.
//! Tasks, wakers, `call_soon` and traces come along unchanged.
//!
//! The first `impl` block is what callbacks and tasks use (asyncio's public loop
//! methods); the second holds the steps an iteration is made of, which every later
//! `run_once` calls (CPython marks those with a leading underscore). The task
//! lifecycle is in [`crate::task`].

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::ThreadId;

use slotmap::SlotMap;

use crate::ready::{Label, Ready, ReadyQueue};
use crate::task::{TaskEntry, TaskKey};
use crate::trace::{Event, Recorder};
use crate::waker::RemoteWake;

static NEXT_LOOP_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Every live loop created on this thread, by number: how a `Send` waker finds
    /// its `Rc` loop.
    static LOOPS: RefCell<Vec<(u64, Weak<Core>)>> =
        const { RefCell::new(Vec::new()) };
}

/// Runs `f` on the live loop numbered `id`, if this thread has one.
pub(crate) fn with_loop<R>(id: u64, f: impl FnOnce(&Rc<Core>) -> R) -> Option<R> {
    let core = LOOPS.with(|loops| {
        loops
            .borrow()
            .iter()
            .find(|(loop_id, _)| *loop_id == id)
            .and_then(|(_, core)| core.upgrade())
    })?;
    Some(f(&core))
}

/// A loop's state: ready queue, tasks, flags, and a recorder. Shared as `Rc<Core>`:
/// callbacks and tasks hold one to schedule more work, as asyncio code holds the
/// loop.
pub struct Core {
    pub(crate) id: u64,
    pub(crate) thread: ThreadId,
    ready: RefCell<ReadyQueue>,
    /// The live tasks; a finished task's slot is reused, and a stale key finds
    /// nothing.
    pub(crate) tasks: RefCell<SlotMap<TaskKey, TaskEntry>>,
    pub(crate) next_task: Cell<u64>,
    iteration: Cell<u64>,
    stopping: Cell<bool>,
    running: Cell<bool>,
    closed: Cell<bool>,
    recorder: Recorder<Event>,
    /// Shared with every task's waker: the hook for wakes from other threads, if
    /// installed.
    pub(crate) remote: Arc<RemoteWake>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("id", &self.id)
            .field("ready", &self.ready_len())
            .field("tasks", &self.task_count())
            .field("iteration", &self.iteration.get())
            .finish_non_exhaustive()
    }
}

impl Core {
    /// A new loop state on this thread, recording its events into `recorder`.
    pub fn new(recorder: Recorder<Event>) -> Rc<Self> {
        let core = Rc::new(Self {
            id: NEXT_LOOP_ID.fetch_add(1, Ordering::Relaxed),
            thread: std::thread::current().id(),
            ready: RefCell::new(ReadyQueue::new()),
            tasks: RefCell::new(SlotMap::with_key()),
            next_task: Cell::new(1),
            iteration: Cell::new(0),
            stopping: Cell::new(false),
            running: Cell::new(false),
            closed: Cell::new(false),
            recorder,
            remote: Arc::new(OnceLock::new()),
        });
        LOOPS.with(|loops| loops.borrow_mut().push((core.id, Rc::downgrade(&core))));
        core
    }

    /// Records `event` if this loop is tracing; costs one branch if not.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Whether this loop records a trace.
    pub fn is_traced(&self) -> bool {
        self.recorder.is_on()
    }

    // ANCHOR: call_soon
    /// Queues `callback` at the back of the ready queue: asyncio's `loop.call_soon`.
    /// It runs in a later `run_once`, never inside this call.
    pub fn call_soon(&self, callback: impl FnOnce() + 'static) {
        self.record(|| Event::Queued {
            label: "callback".into(),
        });
        self.push_ready(Ready::Callback {
            label: None,
            run: Box::new(callback),
        });
    }
    // ANCHOR_END: call_soon

    /// [`Core::call_soon`] with a label for the trace.
    pub fn call_soon_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.call_soon_boxed(label.into(), Box::new(callback));
    }

    /// [`Core::call_soon_named`] for a callback that is boxed already (a timer's,
    /// say), so that queueing it does not box it a second time.
    pub fn call_soon_boxed(&self, label: Label, callback: Box<dyn FnOnce()>) {
        self.record(|| Event::Queued {
            label: label.to_string(),
        });
        self.push_ready(Ready::Callback {
            label: Some(label),
            run: callback,
        });
    }

    pub(crate) fn push_ready(&self, entry: Ready) {
        if self.closed.get() {
            return; // the loop is being dropped: nothing will ever run this
        }
        self.ready.borrow_mut().push(entry);
    }

    /// How many entries are in the ready queue.
    pub fn ready_len(&self) -> usize {
        self.ready.borrow().snapshot_len()
    }

    /// Asks the loop to stop at the end of the current iteration (asyncio's
    /// `loop.stop()`). Called before `run_forever`, it makes it run exactly one
    /// iteration.
    pub fn stop(&self) {
        self.stopping.set(true);
    }

    /// Whether `stop` was called and not yet honoured.
    pub fn is_stopping(&self) -> bool {
        self.stopping.get()
    }

    /// Whether `run_forever` (or `run_until_complete`) is running this loop now.
    pub fn is_running(&self) -> bool {
        self.running.get()
    }

    /// How many iterations have begun.
    pub fn iteration(&self) -> u64 {
        self.iteration.get()
    }
}

/// The steps an iteration is made of, and the loop's end: what each chapter's
/// `run_once`, `run_forever` and `Drop` call. CPython marks these with a leading
/// underscore.
impl Core {
    // ANCHOR: begin_iteration
    /// Starts an iteration: counts it, records it, and returns how many ready
    /// entries it may run, the snapshot. asyncio: `ntodo = len(self._ready)`.
    pub fn begin_iteration(&self) -> usize {
        let ntodo = self.ready.borrow().snapshot_len();
        let number = self.iteration.get() + 1;
        self.iteration.set(number);
        self.record(|| Event::Iteration {
            number,
            ready: ntodo,
        });
        ntodo
    }

    /// Runs the entry at the front of the ready queue: a callback, or one step of a
    /// task. Returns `false` if the queue was empty.
    ///
    /// This is the only place where the loop runs user code; everything else only
    /// queues it (CPython says the same of the loop in `_run_once`). The one
    /// exception is [`Core::spawn_eager`], which polls a task's first step inside
    /// the call, as Python 3.12's eager tasks do. A callback that panics unwinds out
    /// of `run_once` (CPython's `Handle._run` logs a callback's exception instead);
    /// a task's panic is caught and becomes its result.
    pub fn run_next_ready(&self) -> bool {
        let Some(entry) = self.ready.borrow_mut().pop() else {
            return false;
        };
        match entry {
            Ready::Callback { label, run } => {
                self.record(|| Event::Callback {
                    label: label.as_deref().unwrap_or("callback").to_string(),
                });
                run();
            }
            Ready::Task(key) => self.poll_task(key),
        }
        true
    }
    // ANCHOR_END: begin_iteration

    /// Clears the stop request, returning whether there was one.
    pub fn take_stopping(&self) -> bool {
        self.stopping.replace(false)
    }

    pub(crate) fn set_running(&self, running: bool) {
        self.running.set(running);
    }

    /// Whether running an iteration now could do nothing at all: nothing ready and
    /// no stop requested. Each later layer adds its own sources of work (timers,
    /// sockets, threads).
    pub fn is_idle(&self) -> bool {
        self.ready_len() == 0 && !self.is_stopping()
    }

    /// Drops every task and every queued callback, without running them: what
    /// dropping a loop does. Their destructors run; a task's handle then answers
    /// "cancelled".
    pub fn close(&self) {
        self.closed.set(true);
        self.cancel_all_tasks();
        let entries = self.ready.borrow_mut().clear();
        // outside the borrow: a callback's captures may touch the loop
        drop(entries);
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        let id = self.id;
        let _ = LOOPS.try_with(|loops| {
            if let Ok(mut loops) = loops.try_borrow_mut() {
                loops.retain(|(loop_id, _)| *loop_id != id);
            }
        });
    }
}
