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
//! Ours does the same with chapter 3's tasks: a done-callback per child (it runs
//! from the ready queue, as CPython's does), `JoinHandle::cancel` for the abort,
//! and [`TaskGroup::join`] for `__aexit__`. A child writes its own output into the
//! group as it returns, so the done-callback tells a panic from a return without
//! taking the result. Two differences. CPython also cancels the body of the
//! `async with` (the parent task); ours leaves the parent alone, and it learns of
//! the failure when it joins. And a group dropped before it is joined cancels its
//! children, as tokio's `JoinSet` does when dropped; a Python group cannot be left
//! without its `__aexit__`.

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::rc::Rc;
use std::task::{Poll, Waker};

use ch03_ready_queue::{Core, JoinError, JoinHandle, TaskId, TaskState};

/// The failures of a group's children: asyncio's `ExceptionGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupError {
    /// Each child that panicked, in spawn order. Children the group cancelled are
    /// not failures.
    pub failures: Vec<JoinError>,
}

impl fmt::Display for GroupError {
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

impl std::error::Error for GroupError {}

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

struct State<T> {
    /// Every child, in spawn order; `Rc` so that cancelling one needs no borrow.
    children: Vec<Rc<JoinHandle<()>>>,
    /// Each child's output, written by the child itself as it returns.
    outputs: Vec<Option<T>>,
    /// Children whose done-callback has not run yet.
    live: usize,
    /// A child panicked: the others are being cancelled.
    aborting: bool,
    /// The task waiting in `join`.
    joiner: Option<Waker>,
}

// ANCHOR: task_group
/// Children spawned on one loop and joined together. The first child to panic
/// makes the group cancel the others; [`TaskGroup::join`] waits for every child
/// and gives their outputs in spawn order, or the failures. Dropping the group
/// before the join ends cancels every child still running.
pub struct TaskGroup<T> {
    core: Rc<Core>,
    state: Rc<RefCell<State<T>>>,
}
// ANCHOR_END: task_group

impl<T: 'static> TaskGroup<T> {
    /// An empty group whose children run on `core`'s loop.
    pub fn new(core: &Rc<Core>) -> Self {
        Self {
            core: core.clone(),
            state: Rc::new(RefCell::new(State {
                children: Vec::new(),
                outputs: Vec::new(),
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
        F: Future<Output = T> + 'static,
    {
        let mut state = self.state.borrow_mut();
        if state.aborting {
            return Err(ShuttingDown);
        }
        let index = state.children.len();
        let group = self.state.clone();
        let child = Rc::new(self.core.spawn(async move {
            let output = future.await; // a panic skips the next line
            group.borrow_mut().outputs[index] = Some(output);
        }));
        state.children.push(child.clone());
        state.outputs.push(None);
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

    // ANCHOR: join
    /// Waits until every child has ended: `__aexit__`. Gives their outputs in spawn
    /// order, or, if any child panicked, every failure, in spawn order.
    pub async fn join(self) -> Result<Vec<T>, GroupError> {
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
        let failures: Vec<JoinError> = state
            .children
            .iter()
            .filter_map(|child| child.try_take()?.err())
            .filter(|error| !error.is_cancelled())
            .collect();
        if !failures.is_empty() {
            return Err(GroupError { failures });
        }
        let outputs = state.outputs.iter_mut().map(|output| {
            // without a failure nothing was cancelled: every child returned
            output.take().expect("every child returned")
        });
        Ok(outputs.collect())
    }
    // ANCHOR_END: join
}

// ANCHOR: on_child_done
/// A child has ended. If it neither returned nor was cancelled, it panicked: the
/// first such child makes the group cancel every other (`_abort`). The joiner is
/// woken when no child is left.
fn on_child_done<T>(
    group: &RefCell<State<T>>,
    index: usize,
    child: &JoinHandle<()>,
) {
    let mut state = group.borrow_mut();
    state.live -= 1;
    let returned = state.outputs[index].is_some();
    let cancelled = child.state() == TaskState::Cancelled;
    let mut to_cancel = Vec::new();
    if !returned && !cancelled && !state.aborting {
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
// ANCHOR_END: on_child_done

fn still_running<T>(state: &State<T>) -> Vec<Rc<JoinHandle<()>>> {
    let running = state.children.iter().filter(|child| !child.is_done());
    running.cloned().collect()
}

impl<T> Drop for TaskGroup<T> {
    /// Cancels every child still running, as dropping tokio's `JoinSet` aborts its
    /// tasks. After a finished `join` there is none.
    fn drop(&mut self) {
        let running = {
            let mut state = self.state.borrow_mut();
            state.aborting = true;
            still_running(&state)
        };
        for child in running {
            child.cancel();
        }
    }
}

impl<T> fmt::Debug for TaskGroup<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("TaskGroup")
            .field("children", &state.children.len())
            .field("live", &state.live)
            .field("aborting", &state.aborting)
            .finish()
    }
}
