//! A job's result, to come: `concurrent.futures.Future`, for one loop.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use serde::de::DeserializeOwned;

use super::error::{JobError, WorkerId};
use crate::frame::decode;

/// Where a job is: CPython's `PENDING`, `RUNNING`, then `FINISHED` or `CANCELLED`.
#[derive(Debug)]
enum Stage {
    Queued,
    Running,
    /// The output's bytes or the error; `None` once the future has taken it.
    Done(Option<Result<Vec<u8>, JobError>>),
}

/// The untyped half of a job's future, shared with the pool: bytes in, bytes out.
#[derive(Debug)]
pub(crate) struct Slot {
    stage: Stage,
    worker: Option<WorkerId>,
    cancelled: bool,
    waker: Option<Waker>,
}

pub(crate) type SharedSlot = Rc<RefCell<Slot>>;

/// A new slot, for a job that is queued.
pub(crate) fn queued_slot() -> SharedSlot {
    Rc::new(RefCell::new(Slot {
        stage: Stage::Queued,
        worker: None,
        cancelled: false,
        waker: None,
    }))
}

/// A new slot, for a job refused at submission: done already, with `error`.
pub(crate) fn failed_slot(error: JobError) -> SharedSlot {
    let slot = queued_slot();
    slot.borrow_mut().finish(Err(error));
    slot
}

impl Slot {
    // ANCHOR: start
    /// A worker takes the job: `Future.set_running_or_notify_cancel()`. `false` if
    /// the job was cancelled while queued; the worker skips it.
    pub(crate) fn start(&mut self, worker: WorkerId) -> bool {
        if !matches!(self.stage, Stage::Queued) {
            return false;
        }
        self.stage = Stage::Running;
        self.worker = Some(worker);
        true
    }
    // ANCHOR_END: start

    /// Stores the outcome and wakes the task awaiting it (its next step runs in
    /// the loop's next iteration).
    pub(crate) fn finish(&mut self, outcome: Result<Vec<u8>, JobError>) {
        self.cancelled = outcome == Err(JobError::Cancelled);
        self.stage = Stage::Done(Some(outcome));
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    /// Cancels the job if it is still queued. `true` if it is cancelled, now or
    /// before.
    pub(crate) fn cancel(&mut self) -> bool {
        if self.is_queued() {
            self.finish(Err(JobError::Cancelled));
        }
        self.cancelled
    }

    pub(crate) fn is_queued(&self) -> bool {
        matches!(self.stage, Stage::Queued)
    }
}

// ANCHOR: job_future
/// The output of a job submitted to a [`ProcessPool`](super::ProcessPool), to
/// come. The job is queued at submission, awaited or not, as CPython's `submit`
/// queues it; awaiting gives the output, decoded, or a [`JobError`].
///
/// Dropping it cancels the job if no worker has taken it yet: in Rust, dropping a
/// future is how it is cancelled (`wait_for` drops it at its timeout). asyncio
/// does the same through `wrap_future`: cancelling the asyncio future cancels the
/// `concurrent.futures` one (`_call_check_cancel` in `_chain_future`,
/// `Lib/asyncio/futures.py`). A job a worker runs already runs to its end; its
/// output is dropped, and the worker takes the next job.
pub struct JobFuture<T> {
    id: u64,
    slot: SharedSlot,
    output: PhantomData<fn() -> T>,
}
// ANCHOR_END: job_future

impl<T> JobFuture<T> {
    pub(crate) fn new(id: u64, slot: SharedSlot) -> Self {
        Self {
            id,
            slot,
            output: PhantomData,
        }
    }

    /// The job's id: the one its request and response frames carry.
    pub fn id(&self) -> u64 {
        self.id
    }

    // ANCHOR: cancel
    /// Cancels the job if no worker has taken it yet: `Future.cancel()`. `true` if
    /// it is cancelled (now or before); `false` once a worker runs it or it is
    /// done. A cancelled job never reaches a worker, and awaiting it gives
    /// [`JobError::Cancelled`].
    pub fn cancel(&self) -> bool {
        self.slot.borrow_mut().cancel()
    }
    // ANCHOR_END: cancel

    /// Whether a worker is running the job now: `Future.running()`.
    pub fn is_running(&self) -> bool {
        matches!(self.slot.borrow().stage, Stage::Running)
    }

    /// Whether the job finished, failed or was cancelled: `Future.done()`.
    pub fn is_done(&self) -> bool {
        matches!(self.slot.borrow().stage, Stage::Done(_))
    }

    /// The worker that took the job, once one has.
    pub fn worker(&self) -> Option<WorkerId> {
        self.slot.borrow().worker
    }
}

impl<T: DeserializeOwned> Future for JobFuture<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        let Stage::Done(outcome) = &mut slot.stage else {
            slot.waker = Some(cx.waker().clone());
            return Poll::Pending;
        };
        let bytes = match outcome.take().expect("JobFuture polled after Ready") {
            Ok(bytes) => bytes,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let worker = slot.worker.expect("a job with an output ran on a worker");
        Poll::Ready(decode(&bytes).map_err(|e| JobError::Protocol {
            worker,
            problem: format!("the job's output does not decode: {e}"),
        }))
    }
}

// ANCHOR: drop
impl<T> Drop for JobFuture<T> {
    /// Nobody will read the output: a job still queued is cancelled, and no
    /// worker will take it.
    fn drop(&mut self) {
        let mut slot = self.slot.borrow_mut();
        slot.waker = None; // the task that awaited this is not to be woken for it
        slot.cancel();
    }
}
// ANCHOR_END: drop

impl<T> fmt::Debug for JobFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobFuture")
            .field("id", &self.id)
            .field("slot", &self.slot.borrow())
            .finish()
    }
}
