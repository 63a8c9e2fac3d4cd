//! Two things `Sleep::poll` promises that the timings elsewhere do not show: when
//! the deadline is taken (at the first poll, as asyncio's `sleep`; tokio's `sleep`
//! takes it when created), and which waker the timer wakes (the one given to the
//! latest poll, as `Future` requires).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use ch04_timers::EventLoop;

/// A waker that counts how often it was woken.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl CountingWaker {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn our_sleep_takes_its_deadline_at_the_first_poll() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let end = lp
        .run_until_complete(async move {
            let nap = handle.sleep(Duration::from_secs(2)); // no deadline yet
            handle.sleep(Duration::from_secs(1)).await;
            nap.await; // first polled at 1 s: due at 3 s
            handle.time()
        })
        .unwrap();
    assert_eq!(end, Duration::from_secs(3));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn tokio_sleep_takes_its_deadline_when_created() {
    let start = tokio::time::Instant::now();
    let nap = tokio::time::sleep(Duration::from_secs(2)); // due at 2 s, from now
    tokio::time::sleep(Duration::from_secs(1)).await;
    nap.await;
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[test]
fn sleep_wakes_the_waker_of_its_latest_poll() {
    let lp = EventLoop::virtual_time();
    let mut nap = lp.handle().sleep(Duration::from_secs(1));
    let (first, latest) = (
        Arc::new(CountingWaker::default()),
        Arc::new(CountingWaker::default()),
    );
    let first_waker = Waker::from(first.clone());
    let latest_waker = Waker::from(latest.clone());

    let mut cx = Context::from_waker(&first_waker);
    assert!(Pin::new(&mut nap).poll(&mut cx).is_pending()); // schedules the timer
    let mut cx = Context::from_waker(&latest_waker);
    assert!(Pin::new(&mut nap).poll(&mut cx).is_pending()); // same timer, new waker

    lp.run_once(); // the clock jumps to 1 s and the timer fires
    assert_eq!(lp.time(), Duration::from_secs(1));
    assert_eq!(
        (first.count(), latest.count()),
        (0, 1),
        "only the latest waker is woken"
    );
    assert_eq!(Pin::new(&mut nap).poll(&mut cx), Poll::Ready(()));
}
