//! Exercise 1: a channel from any thread into the loop.
//!
//! `loop_channel()` returns a `ThreadSender<T>` (`Clone + Send`: give one to each
//! thread) and a `LoopReceiver<T>` for a task on the loop. `recv().await` gives the
//! values in the order they were sent, and `None` once every sender is dropped and
//! nothing is left. A task waiting in `recv` must *sleep*: no polling in a loop, no
//! self-wake.

use std::marker::PhantomData;

/// The sending half: clone it for each thread.
pub struct ThreadSender<T> {
    _todo: PhantomData<T>,
}

/// The receiving half, for a task on the loop.
pub struct LoopReceiver<T> {
    _todo: PhantomData<T>,
}

/// A new channel.
pub fn loop_channel<T: Send + 'static>() -> (ThreadSender<T>, LoopReceiver<T>) {
    todo!("exercise 1: one shared Arc<Mutex<state>> for both halves")
}

impl<T: Send + 'static> ThreadSender<T> {
    /// Sends `value` to the receiver, waking it if it waits.
    pub fn send(&self, value: T) {
        let _ = value;
        todo!("exercise 1: push, then wake the receiver's waker")
    }
}

impl<T> Clone for ThreadSender<T> {
    fn clone(&self) -> Self {
        todo!("exercise 1: one more live sender")
    }
}

impl<T> Drop for ThreadSender<T> {
    fn drop(&mut self) {
        // exercise 1: one sender fewer; if it was the last, wake the receiver.
    }
}

impl<T: Send + 'static> LoopReceiver<T> {
    /// The next value, or `None` once every sender is gone and the queue is empty.
    pub async fn recv(&mut self) -> Option<T> {
        todo!("exercise 1: pop a value, or store the waker and wait")
    }
}
