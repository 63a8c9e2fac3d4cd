//! tokio's reactor (its I/O driver, `tokio/src/runtime/io/`): it caches each
//! socket's readiness, a `WouldBlock` (or, for `poll_read`, a short read) clears
//! the cache, and the driver wakes the waker a read left behind itself, with no
//! callback in between.

use std::io::ErrorKind;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use futures::FutureExt;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::net::UnixStream;

// ANCHOR: cache
#[tokio::test(flavor = "current_thread")]
async fn tokio_caches_readiness_until_a_would_block_clears_it() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let mut buf = [0; 16];
    // pair() marks both ends writable at once (a fresh pair's buffers are
    // empty), so this write needs no event from the driver. Readability does.
    assert_eq!(b.try_write(b"ping").unwrap(), 4);
    // The bytes are in a's buffer, but the driver has not run since: the cache
    // says "not readable", so try_read answers WouldBlock without a system call.
    let error = a.try_read(&mut buf).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::WouldBlock);
    // readable() waits for the driver's event; then the read succeeds.
    a.readable().await.unwrap();
    assert_eq!(a.try_read(&mut buf).unwrap(), 4);
    // A read that succeeded leaves the cache alone: still "readable".
    assert!(a.readable().now_or_never().is_some());
    // This read finds nothing: the kernel says EAGAIN, and the cache is cleared...
    let error = a.try_read(&mut buf).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::WouldBlock);
    // ...so readable() waits now, until the driver reports new data.
    assert!(a.readable().now_or_never().is_none());
    assert_eq!(b.try_write(b"pong").unwrap(), 4);
    a.readable().await.unwrap();
    // AsyncRead's poll_read clears the cache also after a short read: 4 bytes
    // into a 16-byte buffer means the socket is drained (poll_evented.rs).
    assert_eq!(a.read(&mut buf).await.unwrap(), 4);
    assert!(a.readable().now_or_never().is_none());
}
// ANCHOR_END: cache

/// Counts its wake-ups: the waker a test hands to a future by hand.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

// ANCHOR: direct_wake
#[tokio::test(flavor = "current_thread")]
async fn the_tokio_driver_wakes_the_waker_a_read_left_itself() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut buf = [0; 16];
    let mut read_buf = ReadBuf::new(&mut buf);
    // Poll a read by hand, with our own waker, not a task's: nothing to read yet.
    let poll = Pin::new(&mut a).poll_read(&mut cx, &mut read_buf);
    assert!(poll.is_pending());
    assert_eq!(b.try_write(b"ping").unwrap(), 4);
    // Let the runtime turn its driver (yield_now parks it with a zero timeout).
    for _ in 0..100 {
        if counter.0.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    // The driver called our waker itself: no task, no callback of the runtime in
    // between (asyncio would run the reader's callback, which wakes the task).
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    let poll = Pin::new(&mut a).poll_read(&mut cx, &mut read_buf);
    assert!(matches!(poll, Poll::Ready(Ok(()))));
    assert_eq!(read_buf.filled(), b"ping");
}
// ANCHOR_END: direct_wake
