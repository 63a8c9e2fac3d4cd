//! `gather`: run futures concurrently as tasks, results in argument order.
//!
//! asyncio's `gather(*aws)` (`Lib/asyncio/tasks.py`) wraps each coroutine in a task
//! at once (`_ensure_future`), so the children start in the loop's next iteration
//! whether or not the gather is awaited yet. Each child gets a done-callback; the
//! outer future's result is the list of the children's results *in the order of the
//! arguments*. With `return_exceptions=False` the first exception is set on the
//! outer future at once, and the other children are left alone: nothing cancels
//! them.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use ch03_ready_queue::{Core, JoinError, JoinHandle};

// ANCHOR: gather
/// Spawns every future as a task now and returns a future of all their outputs, in
/// argument order: `asyncio.gather(*aws)`. The first task to fail (panic or
/// cancellation) makes it return that error at once; the others are *not* cancelled,
/// they run on, detached.
pub fn gather<F>(
    core: &Rc<Core>,
    futures: impl IntoIterator<Item = F>,
) -> impl Future<Output = Result<Vec<F::Output>, JoinError>> + 'static
where
    F: Future + 'static,
    F::Output: 'static,
{
    let handles: Vec<_> = futures.into_iter().map(|f| core.spawn(f)).collect();
    join_handles(handles)
}

/// Waits for every task, outputs in the handles' order; returns the first error as
/// soon as a task fails, dropping (detaching, not cancelling) the handles of the
/// others.
pub async fn join_handles<T: 'static>(
    handles: Vec<JoinHandle<T>>,
) -> Result<Vec<T>, JoinError> {
    let mut waiting: Vec<Option<JoinHandle<T>>> =
        handles.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<T>> = waiting.iter().map(|_| None).collect();
    poll_fn(|cx| {
        for (slot, output) in waiting.iter_mut().zip(outputs.iter_mut()) {
            let Some(handle) = slot else { continue };
            match Pin::new(handle).poll(cx) {
                Poll::Ready(Ok(value)) => {
                    *output = Some(value);
                    *slot = None;
                }
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => {}
            }
        }
        if waiting.iter().any(Option::is_some) {
            return Poll::Pending;
        }
        Poll::Ready(Ok(outputs
            .iter_mut()
            .map(|o| o.take().expect("done"))
            .collect()))
    })
    .await
}
// ANCHOR_END: gather

/// Like [`gather`], but waits for every task and returns each one's result, failures
/// included, in argument order: `asyncio.gather(*aws, return_exceptions=True)`.
pub fn gather_settled<F>(
    core: &Rc<Core>,
    futures: impl IntoIterator<Item = F>,
) -> impl Future<Output = Vec<Result<F::Output, JoinError>>> + 'static
where
    F: Future + 'static,
    F::Output: 'static,
{
    let handles: Vec<_> = futures.into_iter().map(|f| core.spawn(f)).collect();
    async move {
        let mut results = Vec::with_capacity(handles.len());
        for handle in handles {
            // all run concurrently already: this only collects
            results.push(handle.await);
        }
        results
    }
}
