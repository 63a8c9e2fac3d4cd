//! Exercise 2, reference solution: a future that yields once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is pending once (after waking its waker), then ready.
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

/// A fresh [`YieldOnce`], not yet polled.
pub fn yield_once() -> YieldOnce {
    YieldOnce::default()
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Ask to be polled again: we can make progress right away.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
