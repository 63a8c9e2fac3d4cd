//! The waker contract, on our loop. `Future::poll`'s documentation: "on multiple
//! calls to `poll`, only the `Waker` from the `Context` passed to the most recent
//! call should be scheduled to receive a wakeup." A future may be polled by a
//! different waker than last time: it was moved into another task, or a combinator
//! polls it with a waker of its own. A sleep that keeps its first waker then wakes
//! the wrong one, and the task that waits for it is never polled again; our loop
//! reports that as `RunError::Stalled` instead of hanging. The chapter's `Sleep`
//! stores the waker of every poll, and clones it only when `will_wake` says it has
//! changed.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use ch03_ready_queue::RunError;
use ch04_timers::{EventLoop, TimerCore};
use futures::StreamExt;
use futures::stream::FuturesUnordered;

// ANCHOR: stale_sleep
/// A sleep that breaks the contract: its timer wakes the waker of its first poll.
struct StaleSleep {
    timers: Rc<TimerCore>,
    delay: Duration,
    fired: Option<Rc<Cell<bool>>>,
}

impl Future for StaleSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.fired {
            None => {
                let fired = Rc::new(Cell::new(false));
                let (flag, waker) = (fired.clone(), cx.waker().clone());
                self.timers.call_later(self.delay, move || {
                    flag.set(true);
                    waker.wake(); // the first poll's waker, whoever polls now
                });
                self.fired = Some(fired);
                Poll::Pending
            }
            Some(fired) if fired.get() => Poll::Ready(()),
            Some(_) => Poll::Pending, // the bug: `cx.waker()` is ignored
        }
    }
}
// ANCHOR_END: stale_sleep

fn stale_sleep(timers: &Rc<TimerCore>, delay: Duration) -> StaleSleep {
    StaleSleep {
        timers: timers.clone(),
        delay,
        fired: None,
    }
}

// ANCHOR: moved
/// The main task polls `nap` once, then hands it to a second task and waits for
/// that task. Returns the time at which the second task finished.
fn moved_to_another_task<F>(
    make: fn(&Rc<TimerCore>) -> F,
) -> Result<Duration, RunError>
where
    F: Future<Output = ()> + Unpin + 'static,
{
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    lp.run_until_complete(async move {
        let mut nap = make(&handle);
        // One poll from the main task: the timer now holds the main task's waker.
        let first = poll_fn(|cx| Poll::Ready(Pin::new(&mut nap).poll(cx))).await;
        assert!(first.is_pending());
        let h = handle.clone();
        let second = handle.spawn(async move {
            nap.await; // polled by the second task, with its waker
            h.time()
        });
        second.await.expect("the second task finishes")
    })
}
// ANCHOR_END: moved

#[test]
fn a_sleep_that_keeps_its_first_waker_stalls_the_task_it_was_moved_to() {
    let outcome =
        moved_to_another_task(|lp| stale_sleep(lp, Duration::from_secs(1)));
    // The timer fired at 1 s and woke the main task, which found the second task
    // still pending. Nobody woke the second task: nothing is left to run.
    assert_eq!(outcome, Err(RunError::Stalled));
}

#[test]
fn the_chapters_sleep_wakes_the_task_it_was_moved_to() {
    let outcome = moved_to_another_task(|lp| lp.sleep(Duration::from_secs(1)));
    assert_eq!(outcome, Ok(Duration::from_secs(1)));
}

/// One task polls `nap` once itself, then through `FuturesUnordered`, which polls
/// each future it holds with a waker of its own (one per future, so that it knows
/// which one to poll again).
fn inside_a_combinator<F>(
    make: fn(&Rc<TimerCore>) -> F,
) -> Result<Duration, RunError>
where
    F: Future<Output = ()> + Unpin + 'static,
{
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    lp.run_until_complete(async move {
        let mut nap = make(&handle);
        let first = poll_fn(|cx| Poll::Ready(Pin::new(&mut nap).poll(cx))).await;
        assert!(first.is_pending());
        let mut set = FuturesUnordered::new();
        set.push(nap);
        set.next().await.expect("one future in the set");
        handle.time()
    })
}

#[test]
fn a_sleep_that_keeps_its_first_waker_stalls_inside_a_combinator() {
    // Same task, another waker: the timer wakes the task, the task polls the set,
    // and the set polls only the futures whose own waker was woken: none.
    let outcome = inside_a_combinator(|lp| stale_sleep(lp, Duration::from_secs(1)));
    assert_eq!(outcome, Err(RunError::Stalled));
}

#[test]
fn the_chapters_sleep_completes_inside_a_combinator() {
    let outcome = inside_a_combinator(|lp| lp.sleep(Duration::from_secs(1)));
    assert_eq!(outcome, Ok(Duration::from_secs(1)));
}

#[test]
fn a_tasks_waker_will_wake_the_same_task_across_polls_and_not_another_task() {
    let lp = EventLoop::virtual_time();
    let wakers: Rc<RefCell<Vec<(&str, Waker)>>> = Rc::default();
    for name in ["A", "B"] {
        let (handle, wakers) = (lp.handle(), wakers.clone());
        lp.spawn(async move {
            for _ in 0..2 {
                poll_fn(|cx| {
                    wakers.borrow_mut().push((name, cx.waker().clone()));
                    Poll::Ready(())
                })
                .await;
                handle.sleep(Duration::ZERO).await; // the next poll is a new step
            }
        });
    }
    lp.run_until_idle();
    let wakers = wakers.borrow();
    let names: Vec<&str> = wakers.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["A", "B", "A", "B"]);
    let (a1, b1, a2, b2) = (&wakers[0].1, &wakers[1].1, &wakers[2].1, &wakers[3].1);
    assert!(a1.will_wake(a2) && b1.will_wake(b2), "one waker per task");
    assert!(!a1.will_wake(b1) && !a2.will_wake(b2), "each task its own");
}

/// A waker that counts its clones; waking it does nothing. `RawWaker` is the only
/// way to see a clone: a `Waker` made from an `Arc` clones the `Arc` silently.
#[allow(unsafe_code)]
mod counting {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{RawWaker, RawWakerVTable, Waker};

    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);

    fn clone(data: *const ()) -> RawWaker {
        // SAFETY: `data` is the `&'static AtomicUsize` that `waker` leaked.
        let clones = unsafe { &*data.cast::<AtomicUsize>() };
        clones.fetch_add(1, Ordering::SeqCst);
        RawWaker::new(data, &VTABLE)
    }

    fn noop(_: *const ()) {}

    /// A waker and its clone count.
    pub fn waker() -> (Waker, &'static AtomicUsize) {
        let clones: &'static AtomicUsize = Box::leak(Box::default());
        let raw = RawWaker::new(std::ptr::from_ref(clones).cast(), &VTABLE);
        // SAFETY: the vtable's functions only read the counter, which lives forever,
        // and ignore everything else: any thread may call them.
        (unsafe { Waker::from_raw(raw) }, clones)
    }
}

#[test]
fn sleep_clones_the_waker_only_when_it_changes() {
    let lp = EventLoop::virtual_time();
    let mut nap = lp.handle().sleep(Duration::from_secs(1));
    let (first, first_clones) = counting::waker();
    let (second, second_clones) = counting::waker();
    let mut poll_with = |waker: &Waker| {
        let poll = Pin::new(&mut nap).poll(&mut Context::from_waker(waker));
        assert!(poll.is_pending());
    };
    for _ in 0..3 {
        poll_with(&first);
    }
    assert_eq!(first_clones.load(Ordering::SeqCst), 1, "stored once, kept");
    poll_with(&second);
    poll_with(&second);
    assert_eq!(
        second_clones.load(Ordering::SeqCst),
        1,
        "a new waker: one clone"
    );
    poll_with(&first);
    assert_eq!(first_clones.load(Ordering::SeqCst), 2, "and back: one more");
}
