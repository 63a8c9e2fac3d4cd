//! Calling the loop from another thread: `asyncio.run_coroutine_threadsafe`.
//!
//! CPython (`Lib/asyncio/tasks.py`): `run_coroutine_threadsafe(coro, loop)` makes a
//! `concurrent.futures.Future`, posts a callback with `loop.call_soon_threadsafe`,
//! and returns the future at once. The callback, on the loop's thread, wraps the
//! coroutine in a task (`ensure_future`) and chains the task to the future
//! (`futures._chain_future`): when the task ends, its result or exception is copied
//! into the future, which wakes the thread blocked in `future.result(timeout)`.
//!
//! Ours takes the same path through the inbox. The thread sends a *maker* of the
//! future, not the future: a task on our loop holds `Rc`s and need not be `Send`, so
//! it is built on the loop's thread. The result comes back through a std channel,
//! whose sender the task owns: if the loop closes before the task ends, the task is
//! dropped with its sender, and the waiting thread learns it at once.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::task::{Context, Poll};
use std::time::Duration;

use ch03_ready_queue::panic_message;

use crate::threaded_core::ThreadedCore;
use crate::threadsafe::{Item, LoopClosed, LoopHandle};

/// Why [`RunHandle::wait_timeout`] gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitError {
    /// The time ran out; the task goes on, and a later wait may still get its
    /// result (CPython: `TimeoutError` from `future.result(timeout)`).
    Timeout,
    /// The task panicked; the panic's message (CPython: `result()` raises the
    /// coroutine's exception in the waiting thread).
    Panicked(String),
    /// The loop was closed before the task finished, so nobody will answer.
    LoopClosed,
    /// The result was taken by an earlier wait.
    Taken,
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Timeout => f.write_str("the task did not finish in time"),
            WaitError::Panicked(message) => {
                write!(f, "the task panicked: {message}")
            }
            WaitError::LoopClosed => {
                f.write_str("Event loop is closed: the task will never finish")
            }
            WaitError::Taken => f.write_str("the result was taken already"),
        }
    }
}

impl std::error::Error for WaitError {}

/// What [`LoopHandle::run_threadsafe`] returns: the task's result, to come, for a
/// plain thread (our `concurrent.futures.Future`). `Send`: give it to any thread.
pub struct RunHandle<T> {
    result: Receiver<Result<T, String>>,
    taken: Cell<bool>,
}

impl<T> RunHandle<T> {
    /// Blocks this thread until the task is done, for at most `timeout`, and takes
    /// its result: `future.result(timeout)`. Never blocks longer than `timeout`; a
    /// closed loop answers at once.
    pub fn wait_timeout(&self, timeout: Duration) -> Result<T, WaitError> {
        if self.taken.get() {
            return Err(WaitError::Taken);
        }
        let answer = match self.result.recv_timeout(timeout) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(message)) => Err(WaitError::Panicked(message)),
            Err(RecvTimeoutError::Timeout) => return Err(WaitError::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(WaitError::LoopClosed),
        };
        self.taken.set(true);
        answer
    }
}

impl<T> fmt::Debug for RunHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunHandle")
            .field("taken", &self.taken.get())
            .finish_non_exhaustive()
    }
}

// ANCHOR: run_threadsafe
impl LoopHandle {
    /// Runs the future that `make` builds as a task on the loop, and returns a
    /// handle that this thread (or any other) may wait on:
    /// `asyncio.run_coroutine_threadsafe(coro, loop)`. `make` is sent to the loop
    /// and called there, with the loop's core, so the future need not be `Send`.
    /// Fails with [`LoopClosed`] at once if the loop is closed, as CPython's
    /// `call_soon_threadsafe` raises.
    pub fn run_threadsafe<M, F, T>(
        &self,
        make: M,
    ) -> Result<RunHandle<T>, LoopClosed>
    where
        M: FnOnce(Rc<ThreadedCore>) -> F + Send + 'static,
        F: Future<Output = T> + 'static,
        T: Send + 'static,
    {
        let (sender, result) = mpsc::sync_channel(1);
        self.shared
            .post(Item::Run(Box::new(move |core: Rc<ThreadedCore>| {
                // On the loop's thread, as a callback: `ensure_future(coro)`, then
                // `_chain_future(task, future)`.
                let maker = core.clone();
                let body = CatchPanic(Box::pin(async move { make(maker).await }));
                let task = async move {
                    // Dropped before it ends (the loop closed), the task drops
                    // `sender` too, and the waiting thread hears it.
                    let _ = sender.send(body.await); // a waiter may have gone
                };
                core.spawn_named("run_threadsafe", task);
            })))?;
        Ok(RunHandle {
            result,
            taken: Cell::new(false),
        })
    }
}
// ANCHOR_END: run_threadsafe

/// A future whose panic becomes an `Err` with the panic's message, so that the
/// waiting thread gets the message, not just a silence.
struct CatchPanic<T>(Pin<Box<dyn Future<Output = T>>>);

impl<T> Future for CatchPanic<T> {
    type Output = Result<T, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}
