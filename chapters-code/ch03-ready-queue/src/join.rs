//! The handle to a task's result: [`JoinHandle`], and [`JoinError`] for a task that
//! gave none.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::core::Core;
use crate::future::LoopFuture;
use crate::task::{TaskId, TaskKey, TaskState};

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
            JoinErrorKind::Cancelled => {
                write!(f, "task {} was cancelled", self.name)
            }
        }
    }
}

impl std::error::Error for JoinError {}

/// The message of a caught panic: its `&str` or `String` payload (what `panic!`
/// gives).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

// ANCHOR: join_handle
/// The handle [`Core::spawn`] returns: a future of the task's result, and a way to
/// cancel it.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task panicked or was
/// cancelled. Dropping it detaches the task, which runs on (as
/// `tokio::task::JoinHandle` does); asyncio has one object for both roles, the
/// `Task` itself.
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
        match self.result.with_result(|result| {
            result.map(|r| r.and_then(|r| r.as_ref().err().cloned()))
        }) {
            Some(Some(error)) if error.is_cancelled() => TaskState::Cancelled,
            _ => TaskState::Done,
        }
    }

    /// Whether the task is done or cancelled: asyncio's `task.done()`.
    pub fn is_done(&self) -> bool {
        matches!(self.state(), TaskState::Done | TaskState::Cancelled)
    }

    /// Cancels the task: its future is dropped now (if the task is running, as soon
    /// as its current poll returns), its destructors run, and awaiting this handle
    /// gives a cancelled [`JoinError`]. Returns `false` if the task had already
    /// finished.
    pub fn cancel(&self) -> bool {
        self.core.cancel_task(self.key)
    }

    /// Calls `callback` once the task is done: scheduled with `call_soon`, never
    /// inline, even if the task is done already (asyncio's `add_done_callback`).
    pub fn add_done_callback(&self, callback: impl FnOnce() + 'static) {
        self.result.add_done_notification(callback);
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
