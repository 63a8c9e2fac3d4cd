//! The loop's state and its building blocks: the ready queue, the task table, the trace.
//!
//! [`Core`] is everything a loop owns except *how one iteration goes*. This chapter's
//! [`crate::EventLoop`] composes it with the snapshot rule; chapter 4 adds a timer heap and
//! writes its own `run_once` over the same `Core`, and so on. Tasks, wakers, `call_soon` and
//! traces come along unchanged.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::thread::ThreadId;

use crate::future::LoopFuture;
use crate::ready::{Label, Ready, ReadyQueue};
use crate::task::{
    JoinError, JoinErrorKind, JoinHandle, TaskEntry, TaskId, TaskKey, TaskState, TaskTable,
    poll_step, task_name, task_waker,
};
use crate::trace::{Event, Outcome, Trace};

static NEXT_LOOP_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Every live loop created on this thread, by number: how a `Send` waker finds its `Rc` loop.
    static LOOPS: RefCell<Vec<(u64, Weak<Core>)>> = const { RefCell::new(Vec::new()) };
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

/// What a task's waker calls when it is woken on another thread than its loop's: set once, by
/// a loop that can take wake-ups from other threads (chapter 7), with the task's key.
pub type RemoteWake = OnceLock<Box<dyn Fn(TaskKey) + Send + Sync>>;

/// A loop's state: ready queue, tasks, trace and flags. Shared as `Rc<Core>`: callbacks and
/// tasks hold one to schedule more work, as asyncio code holds the loop.
pub struct Core {
    id: u64,
    thread: ThreadId,
    ready: RefCell<ReadyQueue>,
    tasks: RefCell<TaskTable>,
    next_task: Cell<u64>,
    iteration: Cell<u64>,
    stopping: Cell<bool>,
    running: Cell<bool>,
    closed: Cell<bool>,
    trace: Option<Trace>,
    /// Shared with every task's waker: the hook for wakes from other threads, if installed.
    remote: Arc<RemoteWake>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("id", &self.id)
            .field("ready", &self.ready_len())
            .field("tasks", &self.tasks.borrow().len())
            .field("iteration", &self.iteration.get())
            .finish_non_exhaustive()
    }
}

impl Core {
    /// A new loop state on this thread; `traced` turns the trace on.
    pub fn new(traced: bool) -> Rc<Self> {
        let core = Rc::new(Self {
            id: NEXT_LOOP_ID.fetch_add(1, Ordering::Relaxed),
            thread: std::thread::current().id(),
            ready: RefCell::new(ReadyQueue::new()),
            tasks: RefCell::new(TaskTable::default()),
            next_task: Cell::new(1),
            iteration: Cell::new(0),
            stopping: Cell::new(false),
            running: Cell::new(false),
            closed: Cell::new(false),
            trace: traced.then(Trace::new),
            remote: Arc::new(OnceLock::new()),
        });
        LOOPS.with(|loops| loops.borrow_mut().push((core.id, Rc::downgrade(&core))));
        core
    }

    /// Records `event` if this loop is tracing; costs one branch if not.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        if let Some(trace) = &self.trace {
            trace.record(event());
        }
    }

    /// The trace, if this loop records one.
    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_ref()
    }

    // ANCHOR: call_soon
    /// Queues `callback` at the back of the ready queue: asyncio's `loop.call_soon`. It runs
    /// in a later `run_once`, never inside this call.
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
    pub fn call_soon_named(&self, label: impl Into<Label>, callback: impl FnOnce() + 'static) {
        self.call_soon_boxed(label.into(), Box::new(callback));
    }

    /// [`Core::call_soon_named`] for a callback that is boxed already (a timer's, say), so
    /// that queueing it does not box it a second time.
    pub fn call_soon_boxed(&self, label: Label, callback: Box<dyn FnOnce()>) {
        self.record(|| Event::Queued {
            label: label.to_string(),
        });
        self.push_ready(Ready::Callback {
            label: Some(label),
            run: callback,
        });
    }

    fn push_ready(&self, entry: Ready) {
        if self.closed.get() {
            return; // the loop is being dropped: nothing will ever run this
        }
        self.ready.borrow_mut().push(entry);
    }

    /// How many entries are in the ready queue.
    pub fn ready_len(&self) -> usize {
        self.ready.borrow().snapshot_len()
    }

    // ANCHOR: begin_iteration
    /// Starts an iteration: counts it, records it, and returns how many ready entries it may
    /// run, the snapshot. asyncio: `ntodo = len(self._ready)`.
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

    /// Runs the entry at the front of the ready queue: a callback, or one step of a task.
    /// Returns `false` if the queue was empty.
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

    /// How many iterations have begun.
    pub fn iteration(&self) -> u64 {
        self.iteration.get()
    }

    /// Asks the loop to stop at the end of the current iteration (asyncio's `loop.stop()`).
    /// Called before `run_forever`, it makes it run exactly one iteration.
    pub fn stop(&self) {
        self.stopping.set(true);
    }

    /// Whether `stop` was called and not yet honoured.
    pub fn is_stopping(&self) -> bool {
        self.stopping.get()
    }

    /// Clears the stop request, returning whether there was one.
    pub fn take_stopping(&self) -> bool {
        self.stopping.replace(false)
    }

    /// Whether `run_forever` (or `run_until_complete`) is running this loop now.
    pub fn is_running(&self) -> bool {
        self.running.get()
    }

    pub(crate) fn set_running(&self, running: bool) {
        self.running.set(running);
    }

    /// How many tasks are alive (not finished, not cancelled).
    pub fn task_count(&self) -> usize {
        self.tasks.borrow().len()
    }

    // ANCHOR: spawn
    /// Wraps `future` in a task and queues its first step: asyncio's `loop.create_task`. The
    /// body does not start here; it starts in the loop's next iteration, whether or not
    /// anyone awaits the returned handle.
    pub fn spawn<F>(self: &Rc<Self>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_inner(None, future, false)
    }
    // ANCHOR_END: spawn

    /// [`Core::spawn`] with a name, for traces and errors (asyncio's `name=`).
    pub fn spawn_named<F>(
        self: &Rc<Self>,
        name: impl Into<Label>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_inner(Some(name.into()), future, false)
    }

    /// Like Python 3.12's eager tasks (`eager_start=True`, `asyncio.eager_task_factory`): if
    /// the loop is running, the first step runs *now*, inside this call, up to the first
    /// `.await` that is pending; a task that never suspends is done before this returns.
    /// If the loop is not running, the task is queued as by [`Core::spawn_named`], as in
    /// CPython.
    pub fn spawn_eager<F>(
        self: &Rc<Self>,
        name: impl Into<Label>,
        future: F,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_inner(Some(name.into()), future, true)
    }

    fn spawn_inner<F>(
        self: &Rc<Self>,
        name: Option<Label>,
        future: F,
        eager: bool,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_task.replace(self.next_task.get() + 1));
        let result = LoopFuture::<Result<F::Output, JoinError>>::new(self);
        let output = result.clone();
        let body = async move {
            let value = future.await;
            output.set_result(Ok(value));
        };
        let eager = eager && self.is_running();
        let name_text = task_name(id, name.as_ref());
        let key = self.tasks.borrow_mut().insert(|key| TaskEntry {
            id,
            name,
            state: TaskState::Scheduled,
            future: Some(Box::pin(body)),
            waker: Some(task_waker(self.id, key, self.thread, self.remote.clone())),
            cancel_requested: false,
            result: result.shared().clone(),
        });
        self.record(|| Event::Spawned {
            task: name_text.clone(),
        });
        if eager {
            self.poll_task(key);
        } else {
            self.push_ready(Ready::Task(key));
        }
        JoinHandle {
            core: self.clone(),
            key,
            id,
            name: name_text,
            result,
            finished: Cell::new(None),
        }
    }

    // ANCHOR: remote_wake
    /// Installs what a task's waker does when it is woken on another thread (chapter 7): call
    /// `hook` there with the task's key. The hook must carry the key to this loop's thread,
    /// which then calls [`Core::wake_from_remote`]. Without a hook, such a wake panics.
    /// Set once: returns `false` (and drops `hook`) if a hook is installed already.
    pub fn set_remote_wake(&self, hook: Box<dyn Fn(TaskKey) + Send + Sync>) -> bool {
        self.remote.set(hook).is_ok()
    }

    /// On the loop's thread: what a wake from another thread asked for, the task at `key`
    /// queued (unless it is queued already, or gone).
    pub fn wake_from_remote(&self, key: TaskKey) {
        self.schedule_task(key);
    }
    // ANCHOR_END: remote_wake

    // ANCHOR: schedule_task
    /// What a task's waker does: if the task is waiting (or running), queue its next step.
    /// A task already queued is not queued twice; a finished one is not queued at all.
    pub(crate) fn schedule_task(&self, key: TaskKey) {
        let mut tasks = self.tasks.borrow_mut();
        let Some(task) = tasks.get_mut(key) else {
            return;
        };
        if matches!(task.state, TaskState::Pending | TaskState::Running) {
            task.state = TaskState::Scheduled;
            let name = self.trace.is_some().then(|| task.name());
            drop(tasks);
            self.record(|| Event::Woken {
                task: name.unwrap_or_default(),
            });
            self.push_ready(Ready::Task(key));
        }
    }
    // ANCHOR_END: schedule_task

    // ANCHOR: poll_task
    /// One step of a task: poll its future once, with the table not borrowed, so the task may
    /// spawn, wake, or cancel other tasks meanwhile. A panic is caught and becomes the task's
    /// result.
    fn poll_task(&self, key: TaskKey) {
        let (mut future, waker, name) = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(task) = tasks.get_mut(key) else {
                return; // cancelled while it waited in the queue
            };
            task.state = TaskState::Running;
            let name = self.trace.is_some().then(|| task.name());
            let future = task.future.take().expect("a scheduled task has its future");
            (future, task.waker.take().expect("and its waker"), name)
        };
        self.record(|| Event::Poll {
            task: name.clone().unwrap_or_default(),
        });
        let outcome = poll_step(&mut future, &waker);

        let mut tasks = self.tasks.borrow_mut();
        let task = tasks
            .get_mut(key)
            .expect("a running task stays in the table");
        let traced = match outcome {
            Ok(Poll::Pending) if !task.cancel_requested => {
                task.future = Some(future);
                task.waker = Some(waker);
                if task.state == TaskState::Running {
                    task.state = TaskState::Pending; // nothing woke it during the poll
                }
                drop(tasks);
                Outcome::Pending
            }
            Ok(Poll::Pending) => {
                let task = tasks.remove(key).expect("present");
                drop(tasks);
                self.finish_cancelled(task, future);
                Outcome::Pending
            }
            Ok(Poll::Ready(())) => {
                let task = tasks.remove(key);
                drop(tasks);
                drop((task, future)); // the body already stored its output
                Outcome::Ready
            }
            Err(message) => {
                let task = tasks.remove(key).expect("present");
                drop(tasks);
                drop(future);
                let error = JoinError {
                    id: task.id,
                    name: task.name(),
                    kind: JoinErrorKind::Panicked(message),
                };
                task.result.fail(error);
                Outcome::Panicked
            }
        };
        self.record(|| Event::Polled {
            task: name.unwrap_or_default(),
            outcome: traced,
        });
    }
    // ANCHOR_END: poll_task

    /// The state of the task at `key`, while it is in the table.
    pub(crate) fn task_state(&self, key: TaskKey) -> Option<TaskState> {
        self.tasks.borrow_mut().get_mut(key).map(|task| task.state)
    }

    /// Cancels the task at `key`; see [`JoinHandle::cancel`].
    pub(crate) fn cancel_task(&self, key: TaskKey) -> bool {
        let mut tasks = self.tasks.borrow_mut();
        let Some(task) = tasks.get_mut(key) else {
            return false;
        };
        if task.state == TaskState::Running {
            task.cancel_requested = true;
            return true;
        }
        let mut task = tasks.remove(key).expect("present");
        drop(tasks);
        let future = task.future.take().expect("an idle task has its future");
        self.finish_cancelled(task, future);
        true
    }

    fn finish_cancelled(&self, task: TaskEntry, future: crate::task::TaskFuture) {
        let name = task.name();
        self.record(|| Event::Cancelled { task: name.clone() });
        drop(future); // the task's destructors run here
        task.result.fail(JoinError {
            id: task.id,
            name,
            kind: JoinErrorKind::Cancelled,
        });
    }

    /// Drops every task and every queued callback, without running them: what dropping a loop
    /// does. Their destructors run; a task's handle then answers "cancelled".
    pub fn close(&self) {
        self.closed.set(true);
        let tasks = self.tasks.borrow_mut().drain();
        for mut task in tasks {
            let future = task.future.take();
            drop(future);
            let error = JoinError {
                id: task.id,
                name: task.name(),
                kind: JoinErrorKind::Cancelled,
            };
            task.result.fail(error);
        }
        let entries = self.ready.borrow_mut().clear();
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
