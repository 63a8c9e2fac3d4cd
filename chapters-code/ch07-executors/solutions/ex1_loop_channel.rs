//! Exercise 1: a channel from any thread into the loop. Reference solution.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    waker: Option<Waker>,
}

/// The sending half: clone it for each thread.
pub struct ThreadSender<T> {
    state: Arc<Mutex<State<T>>>,
}

/// The receiving half, for a task on the loop.
pub struct LoopReceiver<T> {
    state: Arc<Mutex<State<T>>>,
}

/// A new channel.
pub fn loop_channel<T: Send + 'static>() -> (ThreadSender<T>, LoopReceiver<T>) {
    let state = Arc::new(Mutex::new(State {
        queue: VecDeque::new(),
        senders: 1,
        waker: None,
    }));
    (
        ThreadSender {
            state: state.clone(),
        },
        LoopReceiver { state },
    )
}

impl<T: Send + 'static> ThreadSender<T> {
    /// Sends `value` to the receiver, waking it if it waits.
    pub fn send(&self, value: T) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.queue.push_back(value);
            state.waker.take()
        };
        if let Some(waker) = waker {
            // outside the lock; from another thread, through the loop's inbox
            waker.wake();
        }
    }
}

impl<T> Clone for ThreadSender<T> {
    fn clone(&self) -> Self {
        self.state.lock().unwrap().senders += 1;
        Self {
            state: self.state.clone(),
        }
    }
}

impl<T> Drop for ThreadSender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut state = self.state.lock().unwrap();
            state.senders -= 1;
            if state.senders == 0 {
                state.waker.take()
            } else {
                None
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T: Send + 'static> LoopReceiver<T> {
    /// The next value, or `None` once every sender is gone and the queue is empty.
    pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
        std::future::poll_fn(|cx| {
            let mut state = self.state.lock().unwrap();
            if let Some(value) = state.queue.pop_front() {
                return Poll::Ready(Some(value));
            }
            if state.senders == 0 {
                return Poll::Ready(None);
            }
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        })
    }
}
