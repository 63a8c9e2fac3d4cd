//! Results from other threads: what libuv's async handles and thread pool give
//! Node (`uv_async_send`, the `after_work` callback of `uv_queue_work`, a worker's
//! message), built on chapter 5's [`Notifier`].
//!
//! A worker thread cannot touch the loop's queues (they are `RefCell`s on the
//! loop's thread), so it leaves its result in an inbox behind a mutex and wakes
//! the selector. This is chapter 7's inbox (`call_soon_threadsafe`'s, in
//! `ch07-executors/src/threadsafe.rs`), cut down to job results: posted in the
//! same order (the message, then the notification). The poll phase empties the
//! inbox right after `select` returns, and each result's callback runs there, on
//! the loop's thread.

use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use ch05_io::Notifier;

/// A finished job's number and its result, boxed to cross the thread boundary.
pub(crate) type Message = (u64, Box<dyn Any + Send>);

/// Where other threads leave results for the loop.
pub(crate) struct Inbox {
    messages: Mutex<VecDeque<Message>>,
    notifier: Notifier,
}

impl Inbox {
    pub(crate) fn new(notifier: Notifier) -> Arc<Self> {
        Arc::new(Self {
            messages: Mutex::default(),
            notifier,
        })
    }

    fn messages(&self) -> MutexGuard<'_, VecDeque<Message>> {
        // a worker that panicked while holding the lock left a valid queue
        self.messages.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Leaves `message` in the inbox, then wakes the selector: in that order, so a
    /// loop that finds the inbox empty and goes to sleep in `select` is always
    /// woken by the notification that follows (libuv's `uv_async_send` writes to
    /// its eventfd after setting the handle's pending flag).
    pub(crate) fn post(&self, message: Message) {
        self.messages().push_back(message);
        // fails only if the selector is gone with its loop: nobody to wake
        let _ = self.notifier.notify();
    }

    pub(crate) fn take_all(&self) -> VecDeque<Message> {
        std::mem::take(&mut *self.messages())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.messages().is_empty()
    }
}
