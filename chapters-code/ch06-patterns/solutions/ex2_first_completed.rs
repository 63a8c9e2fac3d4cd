//! Exercise 2, reference solution: `first_completed`.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use ch03_ready_queue::{Core, JoinError, JoinHandle};

/// The first task to finish, and the others.
pub struct First<T> {
    /// Its position among the futures given.
    pub index: usize,
    /// What it gave.
    pub result: Result<T, JoinError>,
    /// The tasks still running, in argument order.
    pub pending: Vec<JoinHandle<T>>,
}

/// Spawns every future; finishes when the first of them does. Cancels nothing.
pub async fn first_completed<F>(core: &Rc<Core>, futures: Vec<F>) -> First<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let mut handles: Vec<Option<JoinHandle<F::Output>>> =
        futures.into_iter().map(|f| Some(core.spawn(f))).collect();
    let (index, result) = poll_fn(|cx| {
        for (index, slot) in handles.iter_mut().enumerate() {
            if let Some(handle) = slot {
                if let Poll::Ready(result) = Pin::new(handle).poll(cx) {
                    *slot = None;
                    return Poll::Ready((index, result));
                }
            }
        }
        Poll::Pending
    })
    .await;
    First {
        index,
        result,
        pending: handles.into_iter().flatten().collect(),
    }
}
