//! `to_thread`: a blocking function on another thread, while the loop goes on.
//!
//! asyncio's `to_thread(func)` (`Lib/asyncio/threads.py`) is
//! `loop.run_in_executor(None, functools.partial(ctx.run, func))`: the function runs
//! on a worker thread of the default `ThreadPoolExecutor`, and the result comes back
//! to the loop through `call_soon_threadsafe`, which writes a byte to the loop's
//! self-pipe to wake it.
//!
//! Our loop cannot be woken from another thread yet (chapter 3's wakers refuse;
//! chapter 7 builds the thread pool and the cross-thread wake-up). So this version
//! is honest but crude: one new thread per call, and a future that checks
//! `is_finished()` once per loop iteration, waking itself to be polled again. It
//! shows the point of this chapter, that the function runs *in parallel* with the
//! loop, and nothing more.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::JoinHandle;

// ANCHOR: to_thread
/// `asyncio.to_thread(func)`: a future that runs `func` on a new thread when first
/// polled, and is ready with its return value once the thread is done. A panic in
/// `func` is resumed in the awaiting task.
pub fn to_thread<F, T>(func: F) -> ToThread<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    ToThread {
        func: Some(func),
        thread: None,
    }
}

/// The future [`to_thread`] returns.
pub struct ToThread<F, T> {
    func: Option<F>,
    thread: Option<JoinHandle<T>>,
}

impl<F, T> Future for ToThread<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(func) = self.func.take() {
            // runs from now on, in parallel
            self.thread = Some(std::thread::spawn(func));
        }
        let thread = self
            .thread
            .as_ref()
            .expect("polled after it returned Ready");
        if thread.is_finished() {
            let thread = self.thread.take().expect("present");
            return Poll::Ready(
                thread
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        // look again next iteration (chapter 7: a real wake-up)
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
// ANCHOR_END: to_thread

// `ToThread` holds no self-references: moving it is fine.
impl<F, T> Unpin for ToThread<F, T> {}

impl<F, T> fmt::Debug for ToThread<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToThread")
            .field("started", &self.thread.is_some())
            .finish()
    }
}
