//! Tasks: a future the loop drives one step at a time, and its life in the loop.
//!
//! asyncio's `Task` (`Lib/asyncio/tasks.py`) wraps a coroutine; `Task.__step` runs
//! it up to its next suspension, and when the awaited future is done its
//! done-callback `Task.__wakeup` schedules the next step. Ours wraps a Rust future:
//! a *step* is one `poll`, and the waker ([`crate::waker`]) plays `__wakeup`: it
//! queues the next step on the ready queue and never polls inline. This file holds
//! the task's states and the lifecycle the loop drives: spawn, schedule, poll,
//! finish or cancel. The handle to a task's result is in [`crate::join`].

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::core::Core;
use crate::future::LoopFuture;
use crate::join::{JoinError, JoinErrorKind, JoinHandle, panic_message};
use crate::ready::{Label, Ready};
use crate::trace::{Event, Outcome};
use crate::waker::task_waker;

slotmap::new_key_type! {
    /// Where a task lives in its loop's task table: a slot and the slot's version,
    /// so a key left behind by a finished task never reaches the task that reuses
    /// its slot.
    pub struct TaskKey;
}

/// A task's number, unique within its loop, from 1: `Task-1` is asyncio's name for
/// the first.
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
/// This is the book's teaching model, and the one the loop keeps. CPython's
/// `Future._state` has only three values: `PENDING` covers our `Pending`,
/// `Scheduled` and `Running`; `FINISHED` is our `Done` (with a result or an
/// exception); `CANCELLED` is `Cancelled`. See [`TaskState::asyncio_state`].
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
            TaskState::Pending | TaskState::Scheduled | TaskState::Running => {
                "PENDING"
            }
            TaskState::Done => "FINISHED",
            TaskState::Cancelled => "CANCELLED",
        }
    }
}
// ANCHOR_END: task_state

/// The typed end of a task, seen through its type-erased entry: how the loop records
/// a panic or a cancellation in the task's result.
pub(crate) trait Fail {
    fn fail(self: Rc<Self>, error: JoinError);
}

/// A task's future, type-erased: it writes its own output into its [`JoinHandle`]'s
/// future.
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One task in the loop's table.
pub(crate) struct TaskEntry {
    pub(crate) id: TaskId,
    pub(crate) name: Option<Label>,
    pub(crate) state: TaskState,
    /// Taken out while the task is polled, so that the table is not borrowed during
    /// a poll.
    pub(crate) future: Option<TaskFuture>,
    pub(crate) waker: Option<Waker>,
    /// `cancel()` was called while the task was running: drop it when the poll
    /// returns.
    pub(crate) cancel_requested: bool,
    pub(crate) result: Rc<dyn Fail>,
}

impl TaskEntry {
    pub(crate) fn name(&self) -> String {
        task_name(self.id, self.name.as_ref())
    }

    /// Ends the task without a value: its handle will answer this error.
    fn end(self, kind: JoinErrorKind) {
        let error = JoinError {
            id: self.id,
            name: self.name(),
            kind,
        };
        self.result.fail(error);
    }
}

pub(crate) fn task_name(id: TaskId, name: Option<&Label>) -> String {
    match name {
        Some(name) => name.to_string(),
        None => id.to_string(),
    }
}

/// Polls a task's future once, catching a panic: the loop survives a panicking task.
fn poll_step(future: &mut TaskFuture, waker: &Waker) -> StepResult {
    let mut cx = Context::from_waker(waker);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        future.as_mut().poll(&mut cx)
    }))
    .map_err(|payload| panic_message(payload.as_ref()))
}

/// What one poll of a task answered, as the loop sees it.
type StepResult = Result<Poll<()>, String>;

/// The task lifecycle: what the loop does to a task, from spawn to its end.
impl Core {
    // ANCHOR: spawn
    /// Wraps `future` in a task and queues its first step: asyncio's
    /// `loop.create_task`. The body does not start here; it starts in the loop's
    /// next iteration, whether or not anyone awaits the returned handle.
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

    /// Like Python 3.12's eager tasks (`eager_start=True`,
    /// `asyncio.eager_task_factory`): if the loop is running, the first step runs
    /// *now*, inside this call, up to the first `.await` that is pending; a task
    /// that never suspends is done before this returns. If the loop is not running,
    /// the task is queued as by [`Core::spawn_named`], as in CPython.
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
        let name_text = task_name(id, name.as_ref());
        let key = self.tasks.borrow_mut().insert_with_key(|key| TaskEntry {
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
        if eager && self.is_running() {
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

    /// How many tasks are alive (not finished, not cancelled). Costs the same
    /// however many tasks ever ran: the table counts its entries.
    pub fn task_count(&self) -> usize {
        self.tasks.borrow().len()
    }

    // ANCHOR: schedule_task
    /// What a task's waker does: if the task is waiting (or running), queue its next
    /// step. A task already queued is not queued twice; a finished one is not queued
    /// at all.
    pub(crate) fn schedule_task(&self, key: TaskKey) {
        let mut tasks = self.tasks.borrow_mut();
        let Some(task) = tasks.get_mut(key) else {
            return;
        };
        if matches!(task.state, TaskState::Pending | TaskState::Running) {
            task.state = TaskState::Scheduled;
            let name = self.is_traced().then(|| task.name());
            drop(tasks);
            self.record(|| Event::Woken {
                task: name.unwrap_or_default(),
            });
            self.push_ready(Ready::Task(key));
        }
    }
    // ANCHOR_END: schedule_task

    // ANCHOR: poll_task
    /// One step of a task: take its future out of the table, poll it once with the
    /// table not borrowed (so the task may spawn, wake, or cancel other tasks
    /// meanwhile), then settle what the poll answered.
    pub(crate) fn poll_task(&self, key: TaskKey) {
        let Some((mut future, waker, name)) = self.start_step(key) else {
            return; // cancelled while it waited in the queue
        };
        self.record(|| Event::Poll { task: name.clone() });
        let answer = poll_step(&mut future, &waker);
        let outcome = self.finish_step(key, future, waker, answer);
        self.record(|| Event::Polled {
            task: name,
            outcome,
        });
    }
    // ANCHOR_END: poll_task

    /// Marks the task running and takes out its future and waker (and its name, if
    /// traced).
    fn start_step(&self, key: TaskKey) -> Option<(TaskFuture, Waker, String)> {
        let mut tasks = self.tasks.borrow_mut();
        let task = tasks.get_mut(key)?;
        task.state = TaskState::Running;
        let name = if self.is_traced() {
            task.name()
        } else {
            String::new()
        };
        let future = task.future.take().expect("a scheduled task has its future");
        Some((future, task.waker.take().expect("and its waker"), name))
    }

    /// After a poll: a pending task goes back to the table (or, if `cancel` was
    /// called while it ran, is cancelled now); a finished one leaves it; a panic
    /// becomes its result.
    fn finish_step(
        &self,
        key: TaskKey,
        future: TaskFuture,
        waker: Waker,
        answer: StepResult,
    ) -> Outcome {
        let mut tasks = self.tasks.borrow_mut();
        let task = tasks
            .get_mut(key)
            .expect("a running task stays in the table");
        if answer == Ok(Poll::Pending) && !task.cancel_requested {
            task.future = Some(future);
            task.waker = Some(waker);
            if task.state == TaskState::Running {
                task.state = TaskState::Pending; // nothing woke it during the poll
            }
            return Outcome::Pending;
        }
        let task = tasks.remove(key).expect("present");
        drop(tasks); // destructors below may touch the loop
        match answer {
            Ok(Poll::Pending) => {
                self.finish_cancelled(task, future);
                Outcome::Pending
            }
            Ok(Poll::Ready(())) => {
                drop((task, future)); // the body already stored its output
                Outcome::Ready
            }
            Err(message) => {
                drop(future);
                task.end(JoinErrorKind::Panicked(message));
                Outcome::Panicked
            }
        }
    }

    /// The state of the task at `key`, while it is in the table.
    pub(crate) fn task_state(&self, key: TaskKey) -> Option<TaskState> {
        self.tasks.borrow().get(key).map(|task| task.state)
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

    fn finish_cancelled(&self, task: TaskEntry, future: TaskFuture) {
        self.record(|| Event::Cancelled { task: task.name() });
        drop(future); // the task's destructors run here
        task.end(JoinErrorKind::Cancelled);
    }

    /// Drops every task without running it (the loop is closing): no trace, no
    /// wake-ups.
    pub(crate) fn cancel_all_tasks(&self) {
        let tasks: Vec<TaskEntry> =
            self.tasks.borrow_mut().drain().map(|(_, t)| t).collect();
        for mut task in tasks {
            drop(task.future.take());
            task.end(JoinErrorKind::Cancelled);
        }
    }
}
