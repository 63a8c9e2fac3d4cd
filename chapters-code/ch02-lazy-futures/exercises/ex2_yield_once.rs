//! Exercise 2: write a future by hand.
//!
//! Make `YieldOnce` answer `Poll::Pending` on its first poll and `Poll::Ready(())`
//! on its second. Before it returns `Pending` it must wake its waker: otherwise a
//! real executor would never poll it again, and `.await`ing it on tokio would hang.
//! (`tokio::task::yield_now` is close, but it defers the wake until its scheduler
//! has polled the I/O driver; chapter 3 shows the order that gives.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is pending once (after waking its waker), then ready.
#[derive(Debug, Default)]
pub struct YieldOnce {
    // Add the state you need here, and set it up in `yield_once`.
}

/// A fresh [`YieldOnce`], not yet polled.
pub fn yield_once() -> YieldOnce {
    YieldOnce::default()
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = (self, cx);
        todo!(
            "exercise 2: return Pending (after waking) the first time, Ready the \
             second"
        )
    }
}
