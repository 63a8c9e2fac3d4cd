//! A semaphore for one loop: at most `n` holders at once.
//!
//! asyncio's `Semaphore` (`Lib/asyncio/locks.py`) is a counter, `_value`, and a
//! deque of waiter futures. `acquire` takes a unit if one is free and nobody is
//! queued, else queues a future and awaits it; `release` gives the unit to the first
//! waiter (`_wake_up_next`). One thread, so `Cell` and `RefCell` are enough: no
//! atomics, no lock. (`tokio::sync::Semaphore` also works on our loop, see the
//! tests; this one is here to show the mechanism.)

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

struct Waiter {
    waker: RefCell<Option<Waker>>,
    /// `release` handed this waiter a permit.
    granted: Cell<bool>,
}

struct Inner {
    permits: Cell<usize>,
    waiters: RefCell<VecDeque<Rc<Waiter>>>,
}

/// At most `n` permits out at once; waiters are served in the order they came.
#[derive(Clone)]
pub struct Semaphore {
    inner: Rc<Inner>,
}

impl Semaphore {
    /// A semaphore with `permits` free permits: `asyncio.Semaphore(permits)`.
    pub fn new(permits: usize) -> Self {
        Self {
            inner: Rc::new(Inner {
                permits: Cell::new(permits),
                waiters: RefCell::new(VecDeque::new()),
            }),
        }
    }

    /// A future of a permit: `async with sem:`. The permit goes back when dropped.
    pub fn acquire(&self) -> Acquire {
        Acquire {
            sem: self.clone(),
            waiter: None,
        }
    }

    /// Free permits now.
    pub fn available_permits(&self) -> usize {
        self.inner.permits.get()
    }
}

/// The future [`Semaphore::acquire`] returns.
pub struct Acquire {
    sem: Semaphore,
    waiter: Option<Rc<Waiter>>,
}

// ANCHOR: release_and_acquire
impl Semaphore {
    /// Hands a permit back: to the first waiter if there is one, else to the
    /// counter.
    fn release(&self) {
        let next = self.inner.waiters.borrow_mut().pop_front();
        match next {
            Some(waiter) => {
                waiter.granted.set(true);
                if let Some(waker) = waiter.waker.take() {
                    // its task runs in the next iteration, permit in hand
                    waker.wake();
                }
            }
            None => self.inner.permits.set(self.inner.permits.get() + 1),
        }
    }
}

impl Future for Acquire {
    type Output = SemaphorePermit;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let sem = self.sem.clone();
        if let Some(waiter) = &self.waiter {
            if waiter.granted.get() {
                // the permit is ours now: Drop must not give it back
                self.waiter = None;
                return Poll::Ready(SemaphorePermit { sem });
            }
            *waiter.waker.borrow_mut() = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let inner = &sem.inner;
        if inner.permits.get() > 0 && inner.waiters.borrow().is_empty() {
            inner.permits.set(inner.permits.get() - 1);
            return Poll::Ready(SemaphorePermit { sem });
        }
        let waiter = Rc::new(Waiter {
            waker: RefCell::new(Some(cx.waker().clone())),
            granted: Cell::new(false),
        });
        inner.waiters.borrow_mut().push_back(waiter.clone());
        self.waiter = Some(waiter);
        Poll::Pending
    }
}
// ANCHOR_END: release_and_acquire

impl Drop for Acquire {
    /// A waiter dropped (cancelled) leaves the queue; one granted a permit it never
    /// took passes it on.
    fn drop(&mut self) {
        if let Some(waiter) = self.waiter.take() {
            if waiter.granted.get() {
                self.sem.release();
            } else {
                self.sem
                    .inner
                    .waiters
                    .borrow_mut()
                    .retain(|w| !Rc::ptr_eq(w, &waiter));
            }
        }
    }
}

/// A held permit; dropping it releases it (the end of `async with sem:`).
pub struct SemaphorePermit {
    sem: Semaphore,
}

impl Drop for SemaphorePermit {
    fn drop(&mut self) {
        self.sem.release();
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.inner.permits.get())
            .field("waiters", &self.inner.waiters.borrow().len())
            .finish()
    }
}

impl fmt::Debug for Acquire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("queued", &self.waiter.is_some())
            .finish()
    }
}

impl fmt::Debug for SemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SemaphorePermit")
    }
}
