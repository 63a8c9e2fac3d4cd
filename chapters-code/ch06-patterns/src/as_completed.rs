//! `as_completed`: results in the order the tasks finish.
//!
//! asyncio's `as_completed(fs)` (`Lib/asyncio/tasks.py`, 3.11) wraps each awaitable
//! in a task, gives each a done-callback `_on_completion` that puts the finished
//! future on a `Queue`, and yields coroutines that take from that queue: first
//! finished, first out. Ours is the same, with a `VecDeque` for the queue and a
//! [`Stream`] for the iterator.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use ch03_ready_queue::{Core, JoinError, JoinHandle};
use futures::Stream;

struct Inner<T> {
    /// Finished tasks, in the order they finished (asyncio's `done` queue).
    finished: VecDeque<Rc<JoinHandle<T>>>,
    remaining: usize,
    waker: Option<Waker>,
}

// ANCHOR: as_completed
/// The tasks' results, as a [`Stream`], in the order the tasks finish.
pub struct AsCompleted<T> {
    inner: Rc<RefCell<Inner<T>>>,
}

/// Spawns every future as a task now; the stream yields each result as its task
/// finishes. Dropping the stream does not cancel the tasks (nor does asyncio's).
pub fn as_completed<F>(
    core: &Rc<Core>,
    futures: impl IntoIterator<Item = F>,
) -> AsCompleted<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let inner = Rc::new(RefCell::new(Inner {
        finished: VecDeque::new(),
        remaining: 0,
        waker: None,
    }));
    for future in futures {
        inner.borrow_mut().remaining += 1;
        let handle = Rc::new(core.spawn(future));
        let (done, queue) = (handle.clone(), inner.clone());
        // asyncio's _on_completion: runs (from the ready queue) once the task is
        // done, and queues the task itself; its result is taken when the stream
        // hands it out.
        handle.add_done_callback(move || {
            let mut queue = queue.borrow_mut();
            queue.finished.push_back(done);
            if let Some(waker) = queue.waker.take() {
                waker.wake();
            }
        });
    }
    AsCompleted { inner }
}

impl<T: 'static> Stream for AsCompleted<T> {
    type Item = Result<T, JoinError>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        let mut inner = self.inner.borrow_mut();
        if let Some(task) = inner.finished.pop_front() {
            inner.remaining -= 1;
            let result = task.try_take().expect("a finished task has its result");
            return Poll::Ready(Some(result));
        }
        if inner.remaining == 0 {
            return Poll::Ready(None);
        }
        inner.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
// ANCHOR_END: as_completed
