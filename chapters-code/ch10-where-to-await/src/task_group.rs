//! [`TaskGroup`]: asyncio 3.11's `TaskGroup` (`Lib/asyncio/taskgroups.py`), on our
//! loop.
//!
//! CPython's group gives each child a done-callback, `_on_task_done`. The first
//! child to fail (an exception other than `CancelledError`) makes it `_abort()`:
//! every child not yet done is cancelled. `__aexit__` waits until no child is
//! left, then raises `BaseExceptionGroup('unhandled errors in a TaskGroup',
//! errors)` if any failed. A cancelled child is not a failure. Once aborting,
//! `create_task` raises `RuntimeError(... is shutting down)`.
//!
//! A Python exception covers two things that Rust keeps apart: an error a function
//! returns, and a panic. So a child here returns `Result<T, E>`, and it fails if
//! it returns `Err` or if it panics; [`Failure`] keeps which.
//!
//! Ours does the same with chapter 3's tasks: a done-callback per child (it runs
//! from the ready queue, as CPython's does), `JoinHandle::cancel` for the abort,
//! and [`TaskGroup::join`] for `__aexit__`. A child writes its own result into the
//! group as it returns, so the done-callback tells an `Err`, an `Ok` and a panic
//! apart without taking anything. Three differences. CPython also cancels the body
//! of the `async with` (the parent task); ours leaves the parent alone, and it
//! learns of the failure when it joins. CPython lists the failures in the order
//! the children ended; ours in spawn order. And a group dropped before it is joined
//! cancels its children, as tokio's `JoinSet` does when dropped; a Python group
//! cannot be left without its `__aexit__`.

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::mem;
use std::rc::Rc;
use std::task::{Poll, Waker};

use ch03_ready_queue::{Core, JoinHandle, TaskId, TaskState};

/// How one child failed: one sub-exception of asyncio's `ExceptionGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<E> {
    /// The child returned `Err`.
    Error(E),
    /// The child panicked; the panic's message.
    Panic(String),
}

/// The failures of a group's children: asyncio's `ExceptionGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupError<E> {
    /// Each child that returned `Err` or panicked, in spawn order. Children the
    /// group cancelled are not failures.
    pub failures: Vec<Failure<E>>,
}

impl<E> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // CPython's words: str() of the ExceptionGroup that __aexit__ raises.
        let n = self.failures.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(
            f,
            "unhandled errors in a TaskGroup ({n} sub-exception{plural})"
        )
    }
}

impl<E: fmt::Debug> std::error::Error for GroupError<E> {}

/// Why [`TaskGroup::spawn`] refused a child: a child failed, and the group is
/// cancelling the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShuttingDown;

impl fmt::Display for ShuttingDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // CPython: RuntimeError(f"TaskGroup {self!r} is shutting down").
        f.write_str("TaskGroup is shutting down: a child failed")
    }
}

impl std::error::Error for ShuttingDown {}

/// Children spawned on one loop and joined together. Each child returns
/// `Result<T, E>`; the first child to return `Err` or to panic makes the group
/// cancel the others. [`TaskGroup::join`] waits for every child and gives their
/// outputs in spawn order, or the failures. Dropping the group before the join
/// ends cancels every child still running.
pub struct TaskGroup<T, E> {
    core: Rc<Core>,
    state: Rc<RefCell<State<T, E>>>,
}

/// What the group, its children and their done-callbacks share.
struct State<T, E> {
    /// Every child, in spawn order; `Rc` so that cancelling one needs no borrow.
    children: Vec<Rc<JoinHandle<()>>>,
    /// Each child's result, written by the child itself as it returns: `None`
    /// while it runs, and for good if it panicked or was cancelled.
    results: Vec<Option<Result<T, E>>>,
    /// Children whose done-callback has not run yet.
    live: usize,
    /// A child failed: the others are being cancelled, no new child is taken.
    aborting: bool,
    /// The task waiting in `join`.
    joiner: Option<Waker>,
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// An empty group whose children run on `core`'s loop.
    pub fn new(core: &Rc<Core>) -> Self {
        Self {
            core: core.clone(),
            state: Rc::new(RefCell::new(State {
                children: Vec::new(),
                results: Vec::new(),
                live: 0,
                aborting: false,
                joiner: None,
            })),
        }
    }

    // ANCHOR: spawn
    /// Spawns `future` as a child: `group.create_task(coro)`. Like every task, it
    /// starts in the loop's next iteration. Refused once a child has failed.
    pub fn spawn<F>(&self, future: F) -> Result<TaskId, ShuttingDown>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        let mut state = self.state.borrow_mut();
        if state.aborting {
            return Err(ShuttingDown);
        }
        let index = state.children.len();
        let group = self.state.clone();
        let child = Rc::new(self.core.spawn(async move {
            let result = future.await; // a panic skips the next line
            group.borrow_mut().results[index] = Some(result);
        }));
        state.children.push(child.clone());
        state.results.push(None);
        state.live += 1;
        let (group, done) = (self.state.clone(), child.clone());
        // `_on_task_done`: from the ready queue, once the child has ended
        child.add_done_callback(move || on_child_done(&group, index, &done));
        Ok(child.id())
    }
    // ANCHOR_END: spawn

    /// How many children have not ended yet.
    pub fn live(&self) -> usize {
        self.state.borrow().live
    }

    /// Waits until every child has ended: `__aexit__`. Gives their outputs in spawn
    /// order, or, if any child failed, every failure, in spawn order.
    pub async fn join(self) -> Result<Vec<T>, GroupError<E>> {
        poll_fn(|cx| {
            let mut state = self.state.borrow_mut();
            if state.live == 0 {
                return Poll::Ready(());
            }
            state.joiner = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        let mut state = self.state.borrow_mut();
        let results = mem::take(&mut state.results);
        let (mut outputs, mut failures) = (Vec::new(), Vec::new());
        for (child, result) in state.children.iter().zip(results) {
            match result {
                Some(Ok(output)) => outputs.push(output),
                Some(Err(error)) => failures.push(Failure::Error(error)),
                // no result: it panicked, or the group cancelled it
                None => match child.try_take() {
                    Some(Err(error)) if !error.is_cancelled() => {
                        let message = error.panic_message().unwrap_or_default();
                        failures.push(Failure::Panic(message.to_string()));
                    }
                    _ => {}
                },
            }
        }
        match failures.is_empty() {
            // without a failure nothing was cancelled: every child returned Ok
            true => Ok(outputs),
            false => Err(GroupError { failures }),
        }
    }
}

/// A child has ended. It failed if it returned `Err`, or if it gave no result and
/// was not cancelled (it panicked): the first failure makes the group cancel every
/// other child (`_abort`). The joiner is woken when no child is left.
fn on_child_done<T, E>(
    group: &RefCell<State<T, E>>,
    index: usize,
    child: &JoinHandle<()>,
) {
    let mut state = group.borrow_mut();
    state.live -= 1;
    let failed = match &state.results[index] {
        Some(result) => result.is_err(),
        None => child.state() != TaskState::Cancelled,
    };
    let mut to_cancel = Vec::new();
    if failed && !state.aborting {
        state.aborting = true;
        to_cancel = still_running(&state);
    }
    let joiner = match state.live {
        0 => state.joiner.take(),
        _ => None,
    };
    drop(state); // a cancelled child's destructors run below, outside the borrow
    for child in to_cancel {
        child.cancel();
    }
    if let Some(joiner) = joiner {
        joiner.wake();
    }
}

/// The children that have not ended yet.
fn still_running<T, E>(state: &State<T, E>) -> Vec<Rc<JoinHandle<()>>> {
    let running = state.children.iter().filter(|child| !child.is_done());
    running.cloned().collect()
}

impl<T, E> Drop for TaskGroup<T, E> {
    /// Cancels every child still running, as dropping tokio's `JoinSet` aborts its
    /// tasks. After a finished `join` there is none. Nothing can spawn into a
    /// dropped group, so it need not be marked as aborting.
    fn drop(&mut self) {
        let running = still_running(&self.state.borrow());
        for child in running {
            child.cancel();
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("TaskGroup")
            .field("children", &state.children.len())
            .field("live", &state.live)
            .field("aborting", &state.aborting)
            .finish()
    }
}
