//! `.await` on a promise, and async functions.
//!
//! The spec's `Await(value)` turns `value` into a promise (`PromiseResolve`) and
//! registers the rest of the async function as a reaction on it
//! (`PerformPromiseThen`). A reaction is always a queued job, so `await` always
//! suspends, even on a promise that is fulfilled already: the function resumes one
//! microtask later. For a native promise that is exactly one turn since
//! tc39/ecma262 pull request 1250 ("Reduce the number of ticks in async/await");
//! it used to be three.
//!
//! asyncio is different: `Future.__await__` (`Lib/asyncio/futures.py`) yields only
//! `if not self.done()`. Awaiting a done future, a finished task or a coroutine
//! does not give the loop a turn at all; chapter 3's `LoopFuture` and `JoinHandle`
//! behave the same.

use std::future::{Future, IntoFuture, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use ch03_ready_queue::{Core, Label, RunGuard};

use crate::promise::{Promise, Reaction, Rejection, panicked};

// ANCHOR: await
/// The future `.await` on a [`Promise`] polls: it registers the waiting task as a
/// reaction and suspends, whether or not the promise is settled, then gives the
/// value (or the [`Rejection`]) when the task's next step runs.
pub struct Await<T> {
    promise: Promise<T>,
    registered: bool,
}

impl<T: Clone + 'static> Future for Await<T> {
    type Output = Result<T, Rejection>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.registered {
            // PerformPromiseThen: if the promise is settled, this queues the
            // task's next step now; if not, `settle` will. Never Ready here.
            self.registered = true;
            self.promise
                .add_reaction(Reaction::Resume(cx.waker().clone()));
            return Poll::Pending;
        }
        match self.promise.peek() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                // polled early by some other wake-up: keep waiting, woken again
                self.promise
                    .add_reaction(Reaction::Resume(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

impl<T: Clone + 'static> IntoFuture for Promise<T> {
    type Output = Result<T, Rejection>;
    type IntoFuture = Await<T>;

    fn into_future(self) -> Await<T> {
        Await {
            promise: self,
            registered: false,
        }
    }
}

impl<T: Clone + 'static> IntoFuture for &Promise<T> {
    type Output = Result<T, Rejection>;
    type IntoFuture = Await<T>;

    fn into_future(self) -> Await<T> {
        self.clone().into_future()
    }
}
// ANCHOR_END: await

// ANCHOR: async_fn
/// Calls an async function whose body is `body`: the body runs now, inside this
/// call, up to its first `.await` that suspends (every `.await` on a promise
/// does), and the call returns a promise of its result. `Err` rejects the
/// promise, and so does a panic, as a `throw` does in JavaScript.
///
/// This is chapter 3's `spawn_eager` (Python 3.12's eager task) and a promise.
pub fn async_fn<T, F>(core: &Rc<Core>, name: impl Into<Label>, body: F) -> Promise<T>
where
    T: Clone + 'static,
    F: Future<Output = Result<T, Rejection>> + 'static,
{
    let promise = Promise::new(core);
    let result = promise.clone();
    let body = panic_rejects(body);
    // CPython starts a task eagerly only while its loop runs. JavaScript has no
    // such case (all code runs in a turn of the loop), so we mark it running.
    let _running = if core.is_running() {
        None
    } else {
        RunGuard::enter(core).ok()
    };
    drop(core.spawn_eager(name, async move {
        result.resolve_once(body.await); // the task is detached; the promise stays
    }));
    promise
}
// ANCHOR_END: async_fn

/// `body`, with a panic turned into a rejection.
fn panic_rejects<T>(
    body: impl Future<Output = Result<T, Rejection>>,
) -> impl Future<Output = Result<T, Rejection>> {
    let mut body = Box::pin(body);
    poll_fn(move |cx| {
        catch_unwind(AssertUnwindSafe(|| body.as_mut().poll(cx))).unwrap_or_else(
            |payload| Poll::Ready(Err(Rejection(panicked(&*payload)))),
        )
    })
}
