//! Tasks: a future the loop drives one step at a time, its waker, and the handle to its result.
//!
//! asyncio's `Task` (`Lib/asyncio/tasks.py`) wraps a coroutine; `Task.__step` runs it up to its
//! next suspension, and when the awaited future is done its done-callback `Task.__wakeup`
//! schedules the next step. Ours wraps a Rust future: a *step* is one `poll`, and the waker
//! plays `__wakeup`: it queues the next step on the ready queue and never polls inline.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::ThreadId;

use crate::core::{Core, RemoteWake, with_loop};
use crate::future::LoopFuture;
use crate::ready::Label;

/// Where a task lives in its loop's task table: a slot index and the slot's generation, so a
/// key left behind by a finished task never reaches the task that reuses its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskKey {
    index: u32,
    generation: u32,
}

/// A task's number, unique within its loop, from 1: `Task-1` is asyncio's name for the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Task-{}", self.0)
    }
}

// ANCHOR: task_state
/// What a task is doing, at any moment.
///
/// This is the book's teaching model, and the one the loop keeps. CPython's `Future._state`
/// has only three values: `PENDING` covers our `Pending`, `Scheduled` and `Running`;
/// `FINISHED` is our `Done` (with a result or an exception); `CANCELLED` is `Cancelled`.
/// See [`TaskState::asyncio_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Waiting for something to wake it; not in the ready queue.
    Pending,
    /// Its next step is in the ready queue.
    Scheduled,
    /// Being polled right now (only the task itself can observe this).
    Running,
    /// Finished: returned a value or panicked.
    Done,
    /// Cancelled: its future was dropped before it finished.
    Cancelled,
}

impl TaskState {
    /// The value CPython's `task._state` would show: `"PENDING"`, `"FINISHED"` or
    /// `"CANCELLED"`.
    pub fn asyncio_state(self) -> &'static str {
        match self {
            TaskState::Pending | TaskState::Scheduled | TaskState::Running => "PENDING",
            TaskState::Done => "FINISHED",
            TaskState::Cancelled => "CANCELLED",
        }
    }
}
// ANCHOR_END: task_state

/// Why a task gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinErrorKind {
    /// The task panicked; the panic's message.
    Panicked(String),
    /// The task was cancelled.
    Cancelled,
}

/// A task that gave no value: which task, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinError {
    /// The task's number.
    pub id: TaskId,
    /// The task's name.
    pub name: String,
    /// What happened.
    pub kind: JoinErrorKind,
}

impl JoinError {
    /// Whether the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.kind == JoinErrorKind::Cancelled
    }

    /// The panic message, if the task panicked.
    pub fn panic_message(&self) -> Option<&str> {
        match &self.kind {
            JoinErrorKind::Panicked(message) => Some(message),
            JoinErrorKind::Cancelled => None,
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            JoinErrorKind::Panicked(message) => {
                write!(f, "task {} panicked: {message}", self.name)
            }
            JoinErrorKind::Cancelled => write!(f, "task {} was cancelled", self.name),
        }
    }
}

impl std::error::Error for JoinError {}

/// The message of a caught panic.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// The typed end of a task, seen through its type-erased entry: how the loop records a panic
/// or a cancellation in the task's result.
pub(crate) trait Fail {
    fn fail(self: Rc<Self>, error: JoinError);
}

/// A task's future, type-erased: it writes its own output into its [`JoinHandle`]'s future.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One task in the loop's table.
pub(crate) struct TaskEntry {
    pub(crate) id: TaskId,
    pub(crate) name: Option<Label>,
    pub(crate) state: TaskState,
    /// Taken out while the task is polled, so that the table is not borrowed during a poll.
    pub(crate) future: Option<TaskFuture>,
    pub(crate) waker: Option<Waker>,
    /// `cancel()` was called while the task was running: drop it when the poll returns.
    pub(crate) cancel_requested: bool,
    pub(crate) result: Rc<dyn Fail>,
}

impl TaskEntry {
    pub(crate) fn name(&self) -> String {
        task_name(self.id, self.name.as_ref())
    }
}

pub(crate) fn task_name(id: TaskId, name: Option<&Label>) -> String {
    match name {
        Some(name) => name.to_string(),
        None => id.to_string(),
    }
}

struct Slot {
    generation: u32,
    entry: Option<TaskEntry>,
}

/// The loop's tasks: a slab of slots, reused as tasks finish, so that a steady stream of
/// spawns does not grow it.
#[derive(Default)]
pub(crate) struct TaskTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

impl TaskTable {
    pub(crate) fn insert(&mut self, make: impl FnOnce(TaskKey) -> TaskEntry) -> TaskKey {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    entry: None,
                });
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 live tasks")
            }
        };
        let slot = &mut self.slots[index as usize];
        let key = TaskKey {
            index,
            generation: slot.generation,
        };
        slot.entry = Some(make(key));
        key
    }

    pub(crate) fn get_mut(&mut self, key: TaskKey) -> Option<&mut TaskEntry> {
        let slot = self.slots.get_mut(key.index as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        slot.entry.as_mut()
    }

    pub(crate) fn remove(&mut self, key: TaskKey) -> Option<TaskEntry> {
        let slot = self.slots.get_mut(key.index as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        let entry = slot.entry.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key.index);
        Some(entry)
    }

    pub(crate) fn drain(&mut self) -> Vec<TaskEntry> {
        let mut entries = Vec::new();
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if let Some(entry) = slot.entry.take() {
                slot.generation = slot.generation.wrapping_add(1);
                self.free.push(index as u32);
                entries.push(entry);
            }
        }
        entries
    }

    pub(crate) fn len(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.entry.is_some())
            .count()
    }
}

// ANCHOR: waker
/// What a task's [`Waker`] holds: which loop, which task, and the loop's thread.
///
/// A `Waker` must be `Send + Sync`, so it cannot hold the loop (an `Rc`). It holds the loop's
/// number instead and finds the loop in the thread's list of live loops. Waking schedules the
/// task's next step with the loop; it never polls the task.
struct TaskWaker {
    loop_id: u64,
    key: TaskKey,
    loop_thread: ThreadId,
    /// What a wake from another thread does, once a later loop installs it (chapter 7).
    remote: Arc<RemoteWake>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let found = with_loop(self.loop_id, |core| core.schedule_task(self.key));
        if found.is_none() && std::thread::current().id() != self.loop_thread {
            // Chapter 7's loop installs a hook that takes the task's key to its loop's thread.
            if let Some(hook) = self.remote.get() {
                hook(self.key);
                return;
            }
            panic!(
                "a ch03 task was woken from another thread than its loop's. This loop only \
                 takes wake-ups on its own thread; waking it from another thread (asyncio's \
                 call_soon_threadsafe) arrives in chapter 7"
            );
        }
        // Otherwise the loop is gone, and so is the task: nothing to do.
    }
}

/// A waker for the task at `key` on loop `loop_id`, which runs on `loop_thread`.
pub(crate) fn task_waker(
    loop_id: u64,
    key: TaskKey,
    loop_thread: ThreadId,
    remote: Arc<RemoteWake>,
) -> Waker {
    Waker::from(Arc::new(TaskWaker {
        loop_id,
        key,
        loop_thread,
        remote,
    }))
}
// ANCHOR_END: waker

/// Polls a task's future once, catching a panic: the loop survives a panicking task.
pub(crate) fn poll_step(future: &mut TaskFuture, waker: &Waker) -> Result<Poll<()>, String> {
    let mut cx = Context::from_waker(waker);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        future.as_mut().poll(&mut cx)
    }))
    .map_err(|payload| panic_message(payload.as_ref()))
}

// ANCHOR: join_handle
/// The handle [`Core::spawn`] returns: a future of the task's result, and a way to cancel it.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task panicked or was cancelled.
/// Dropping it detaches the task, which runs on (as `tokio::task::JoinHandle` does); asyncio
/// has one object for both roles, the `Task` itself.
pub struct JoinHandle<T> {
    pub(crate) core: Rc<Core>,
    pub(crate) key: TaskKey,
    pub(crate) id: TaskId,
    pub(crate) name: String,
    pub(crate) result: LoopFuture<Result<T, JoinError>>,
    /// The final state, remembered once the result has been taken.
    pub(crate) finished: Cell<Option<TaskState>>,
}
// ANCHOR_END: join_handle

impl<T: 'static> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("name", &self.name)
            .field("state", &self.state())
            .finish()
    }
}

impl<T: 'static> JoinHandle<T> {
    /// The task's number.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The task's name: the one given to `spawn_named`, or `Task-N`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the task is doing now.
    pub fn state(&self) -> TaskState {
        if let Some(state) = self.core.task_state(self.key) {
            return state;
        }
        if let Some(state) = self.finished.get() {
            return state;
        }
        match self
            .result
            .with_result(|result| result.map(|r| r.and_then(|r| r.as_ref().err().cloned())))
        {
            Some(Some(error)) if error.is_cancelled() => TaskState::Cancelled,
            _ => TaskState::Done,
        }
    }

    /// Whether the task is done or cancelled: asyncio's `task.done()`.
    pub fn is_done(&self) -> bool {
        matches!(self.state(), TaskState::Done | TaskState::Cancelled)
    }

    /// Cancels the task: its future is dropped now (if the task is running, as soon as its
    /// current poll returns), its destructors run, and awaiting this handle gives a
    /// cancelled [`JoinError`]. Returns `false` if the task had already finished.
    pub fn cancel(&self) -> bool {
        self.core.cancel_task(self.key)
    }

    /// Calls `callback` once the task is done: scheduled with `call_soon`, never inline, even
    /// if the task is done already (asyncio's `add_done_callback`).
    pub fn add_done_callback(&self, callback: impl FnOnce() + 'static) {
        self.result.add_done_callback_raw(move |_| callback());
    }

    /// Takes the result if the task has finished.
    pub fn try_take(&self) -> Option<Result<T, JoinError>> {
        let result = self.result.take()?;
        self.finished.set(Some(match &result {
            Err(error) if error.is_cancelled() => TaskState::Cancelled,
            _ => TaskState::Done,
        }));
        Some(result)
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(result) = self.try_take() {
            return Poll::Ready(result);
        }
        if self.finished.get().is_some() {
            panic!("JoinHandle polled after it returned Ready");
        }
        self.result.register_waker(cx.waker());
        Poll::Pending
    }
}
