//! A one-shot future resolved by a callback: asyncio's `Future`, for our loop.
//!
//! `Lib/asyncio/futures.py`: `set_result` marks the future done and calls
//! `__schedule_callbacks`, which hands every done-callback to `loop.call_soon`; and
//! `add_done_callback` on a future that is *already* done does the same `call_soon`.
//! A done-callback never runs inline, inside `set_result` or `add_done_callback`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::core::Core;
use crate::join::JoinError;
use crate::task::Fail;

type DoneCallback<T> = Box<dyn FnOnce(Option<&T>)>;

/// Who is waiting for the future: a task (its waker), a done-callback that reads
/// the result, or one that is only told the future is done.
enum Waiter<T> {
    Wake(Waker),
    Call(DoneCallback<T>),
    // Run with no borrow of the future held, so it may take the result itself (a
    // `JoinHandle`'s callback calling `try_take`).
    Notify(Box<dyn FnOnce()>),
}

struct Inner<T> {
    done: bool,
    result: Option<T>,
    waiters: Vec<Waiter<T>>,
}

pub(crate) struct Shared<T> {
    core: Rc<Core>,
    inner: RefCell<Inner<T>>,
}

// ANCHOR: loop_future
/// A value that a callback will provide later, tied to one loop.
///
/// Cloning gives another handle to the same future. Awaiting it (for `T: Clone`)
/// gives a copy of the result. A task that awaits it is woken by `set_result`, and
/// its next step runs in the loop's next iteration, as a task awaiting an asyncio
/// `Future` is.
pub struct LoopFuture<T> {
    shared: Rc<Shared<T>>,
}

impl<T: 'static> LoopFuture<T> {
    /// A pending future on `core`'s loop: asyncio's `loop.create_future()`.
    pub fn new(core: &Rc<Core>) -> Self {
        Self {
            shared: Rc::new(Shared {
                core: core.clone(),
                inner: RefCell::new(Inner {
                    done: false,
                    result: None,
                    waiters: Vec::new(),
                }),
            }),
        }
    }

    /// Marks the future done with `value`. Wakes the tasks awaiting it and schedules
    /// its done-callbacks with `call_soon`: none of them runs before this returns.
    ///
    /// # Panics
    /// If the future is already done (asyncio raises `InvalidStateError`).
    pub fn set_result(&self, value: T) {
        self.shared.clone().resolve(value);
    }

    /// Whether `set_result` was called.
    pub fn is_done(&self) -> bool {
        self.shared.inner.borrow().done
    }

    /// Calls `callback` with the result once the future is done. Always through the
    /// ready queue: if the future is already done, the callback is scheduled now,
    /// not run now.
    pub fn add_done_callback(&self, callback: impl FnOnce(&T) + 'static) {
        self.add_done_callback_raw(move |result| {
            callback(
                result.expect("a LoopFuture's result is there for its callbacks"),
            )
        });
    }
}
// ANCHOR_END: loop_future

impl<T: 'static> LoopFuture<T> {
    /// A done-callback that may find the result already taken (a `JoinHandle` takes
    /// it).
    pub(crate) fn add_done_callback_raw(
        &self,
        callback: impl FnOnce(Option<&T>) + 'static,
    ) {
        let mut inner = self.shared.inner.borrow_mut();
        if inner.done {
            drop(inner);
            self.shared.clone().schedule(Box::new(callback));
        } else {
            inner.waiters.push(Waiter::Call(Box::new(callback)));
        }
    }

    /// A done-callback that is only told the future is done: it runs with no borrow
    /// of the future held, so it may take the result (`JoinHandle::try_take`).
    pub(crate) fn add_done_notification(&self, callback: impl FnOnce() + 'static) {
        let mut inner = self.shared.inner.borrow_mut();
        if inner.done {
            drop(inner);
            self.shared.core.call_soon_named("done callback", callback);
        } else {
            inner.waiters.push(Waiter::Notify(Box::new(callback)));
        }
    }

    /// Registers a task's waker, once per task.
    pub(crate) fn register_waker(&self, waker: &Waker) {
        let mut inner = self.shared.inner.borrow_mut();
        let known = inner
            .waiters
            .iter()
            .any(|w| matches!(w, Waiter::Wake(known) if known.will_wake(waker)));
        if !known {
            inner.waiters.push(Waiter::Wake(waker.clone()));
        }
    }

    /// Takes the result out, if the future is done.
    pub(crate) fn take(&self) -> Option<T> {
        self.shared.inner.borrow_mut().result.take()
    }

    /// Looks at the result: `None` if not done, `Some(None)` if done and taken.
    pub(crate) fn with_result<R>(
        &self,
        f: impl FnOnce(Option<Option<&T>>) -> R,
    ) -> R {
        let inner = self.shared.inner.borrow();
        f(inner.done.then_some(inner.result.as_ref()))
    }
}

impl<T: 'static> Shared<T> {
    fn resolve(self: Rc<Self>, value: T) {
        let waiters = {
            let mut inner = self.inner.borrow_mut();
            assert!(
                !inner.done,
                "set_result on a LoopFuture that is already done"
            );
            inner.done = true;
            inner.result = Some(value);
            std::mem::take(&mut inner.waiters)
        };
        // asyncio's __schedule_callbacks: every waiter goes through the ready queue.
        for waiter in waiters {
            match waiter {
                Waiter::Wake(waker) => waker.wake(), // queues the task's next step
                Waiter::Call(callback) => self.clone().schedule(callback),
                Waiter::Notify(callback) => {
                    self.core.call_soon_named("done callback", callback)
                }
            }
        }
    }

    fn schedule(self: Rc<Self>, callback: DoneCallback<T>) {
        let core = self.core.clone();
        core.call_soon_named("done callback", move || {
            callback(self.inner.borrow().result.as_ref());
        });
    }
}

impl<T: 'static> Fail for Shared<Result<T, JoinError>> {
    fn fail(self: Rc<Self>, error: JoinError) {
        self.resolve(Err(error));
    }
}

impl<T> LoopFuture<T> {
    pub(crate) fn shared(&self) -> &Rc<Shared<T>> {
        &self.shared
    }
}

impl<T> Clone for LoopFuture<T> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for LoopFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopFuture")
            .field("done", &self.shared.inner.borrow().done)
            .finish_non_exhaustive()
    }
}

impl<T: Clone + 'static> Future for LoopFuture<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(Some(value)) = self.with_result(|r| r.map(|v| v.cloned())) {
            return Poll::Ready(value);
        }
        self.register_waker(cx.waker());
        Poll::Pending
    }
}
