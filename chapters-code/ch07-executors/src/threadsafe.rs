//! `call_soon_threadsafe`: how another thread hands work to the loop.
//!
//! CPython (`Lib/asyncio/base_events.py`): `call_soon_threadsafe(callback)` appends
//! a handle to the *same* `self._ready` deque that `call_soon` uses (a deque's
//! append is atomic under the GIL), then calls `self._write_to_self()`, which writes
//! one byte to the loop's self-pipe so that a `select` blocked with no timeout
//! returns. There is no separate "executor callback queue".
//!
//! Our ready queue lives in a `RefCell` and may only be touched on the loop's
//! thread, so other threads leave their work in an *inbox* behind a mutex; the loop
//! moves it into the ready queue once per iteration, right after `select` returns.
//! Chapter 5's [`Notifier`] plays the self-pipe. A task's waker woken on another
//! thread goes through the same inbox.

use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ch03_ready_queue::{Label, TaskKey};
use ch05_io::Notifier;

use crate::threaded_core::ThreadedCore;

/// One thing another thread asked of the loop.
pub(crate) enum Item {
    /// A callback, from `call_soon_threadsafe`.
    Callback {
        label: Label,
        run: Box<dyn FnOnce() + Send>,
    },
    /// A task whose waker was woken on another thread.
    Wake(TaskKey),
    /// `loop.call_soon_threadsafe(loop.stop)`.
    Stop,
    /// `run_coroutine_threadsafe`: a callback that needs the loop's core, to start a
    /// task there.
    Run(Box<dyn FnOnce(Rc<ThreadedCore>) + Send>),
}

pub(crate) struct Shared {
    inbox: Mutex<VecDeque<Item>>,
    notifier: Notifier,
    closed: AtomicBool,
    parked: AtomicBool,
}

impl Shared {
    pub(crate) fn new(notifier: Notifier) -> Arc<Self> {
        Arc::new(Self {
            inbox: Mutex::new(VecDeque::new()),
            notifier,
            closed: AtomicBool::new(false),
            parked: AtomicBool::new(false),
        })
    }

    fn inbox(&self) -> MutexGuard<'_, VecDeque<Item>> {
        self.inbox
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ANCHOR: post
    /// Leaves `item` in the inbox, then wakes the selector: the append to `_ready`,
    /// then `_write_to_self()`. In that order, so a loop that finds the inbox empty
    /// and goes to sleep is always woken by the notification that follows.
    pub(crate) fn post(&self, item: Item) -> Result<(), LoopClosed> {
        if self.closed.load(Ordering::Acquire) {
            return Err(LoopClosed);
        }
        self.inbox().push_back(item);
        // A failed write means the selector is gone with its loop: nothing left to
        // wake.
        let _ = self.notifier.notify();
        Ok(())
    }
    // ANCHOR_END: post

    pub(crate) fn take_all(&self) -> VecDeque<Item> {
        std::mem::take(&mut *self.inbox())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.inbox().is_empty()
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        drop(self.take_all());
    }

    pub(crate) fn set_parked(&self, parked: bool) {
        self.parked.store(parked, Ordering::Release);
    }
}

/// `call_soon_threadsafe` on a closed loop: CPython raises
/// `RuntimeError('Event loop is closed')`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopClosed;

impl fmt::Display for LoopClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Event loop is closed")
    }
}

impl std::error::Error for LoopClosed {}

// ANCHOR: loop_handle
/// What another thread may hold of a loop: `Send + Sync + Clone`. Everything it does
/// goes through the loop's inbox and wakes the loop's `select`.
#[derive(Clone)]
pub struct LoopHandle {
    pub(crate) shared: Arc<Shared>,
}

impl LoopHandle {
    /// Schedules `callback` to run on the loop's thread, in the loop's next
    /// iteration (or the current one, if the loop is asleep in `select`):
    /// `loop.call_soon_threadsafe`.
    pub fn call_soon_threadsafe(
        &self,
        callback: impl FnOnce() + Send + 'static,
    ) -> Result<(), LoopClosed> {
        self.call_soon_threadsafe_named("callback", callback)
    }

    /// [`LoopHandle::call_soon_threadsafe`] with a label for the trace.
    pub fn call_soon_threadsafe_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + Send + 'static,
    ) -> Result<(), LoopClosed> {
        self.shared.post(Item::Callback {
            label: label.into(),
            run: Box::new(callback),
        })
    }

    /// Stops the loop at the end of the iteration that receives this:
    /// `loop.call_soon_threadsafe(loop.stop)`.
    pub fn stop(&self) -> Result<(), LoopClosed> {
        self.shared.post(Item::Stop)
    }

    /// Whether the loop is asleep in (or just about to enter) a `select` with no
    /// timeout or a timer's timeout: it is waiting, not spinning.
    pub fn is_parked(&self) -> bool {
        self.shared.parked.load(Ordering::Acquire)
    }
}
// ANCHOR_END: loop_handle

impl fmt::Debug for LoopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle")
            .field("parked", &self.is_parked())
            .finish_non_exhaustive()
    }
}
