//! call_later, call_at, cancellation and the heap's compaction.

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::slice::SliceIndex;
use std::time::Duration;

use ch03_ready_queue::RunError;
use ch04_timers::heap::Purge;
use ch04_timers::{
    EventLoop, MIN_SCHEDULED_TIMER_HANDLES, MonotonicClock, TimerHeap, TimerKey,
    heap::Timer,
};
use common::{Log, secs};

/// (label, loop time) of each callback, as it ran.
type Fired = Rc<RefCell<Vec<(&'static str, Duration)>>>;

fn record(
    lp: &EventLoop,
    fired: &Fired,
    label: &'static str,
) -> impl FnOnce() + 'static {
    let (fired, handle) = (fired.clone(), lp.handle());
    move || fired.borrow_mut().push((label, handle.time()))
}

#[test]
fn timers_fire_in_deadline_order_at_their_deadlines() {
    let lp = EventLoop::virtual_time();
    let fired: Fired = Rc::default();
    lp.call_later(secs(3.0), record(&lp, &fired, "c"));
    lp.call_later(secs(1.0), record(&lp, &fired, "a"));
    lp.call_at(secs(2.0), record(&lp, &fired, "b"));
    lp.run_until_idle();
    assert_eq!(
        *fired.borrow(),
        [("a", secs(1.0)), ("b", secs(2.0)), ("c", secs(3.0))]
    );
}

#[test]
fn equal_deadlines_fire_in_scheduling_order() {
    let lp = EventLoop::virtual_time();
    let fired: Fired = Rc::default();
    for label in ["a", "b", "c", "d", "e"] {
        lp.call_at(secs(1.0), record(&lp, &fired, label));
    }
    lp.run_until_idle();
    let order: Vec<_> = fired.borrow().iter().map(|(l, _)| *l).collect();
    // CPython's heapq gives a c e b d here: see the chapter's oracle.
    assert_eq!(order, ["a", "b", "c", "d", "e"]);
}

#[test]
fn a_timer_goes_through_the_ready_queue_in_the_iteration_it_is_due() {
    let lp = EventLoop::virtual_time_traced();
    lp.call_later_named("T", secs(1.0), || {});
    lp.run_once();
    assert_eq!(
        lp.trace_lines(),
        [
            "call_at T t=1s",
            "clock 0s -> 1s",
            "timer T due (t=1s)",
            "call_soon T",
            "iteration 1: 1 ready",
            "callback T",
        ]
    );
}

#[test]
fn the_loop_does_not_wait_while_something_is_ready() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    assert_eq!(lp.poll_timeout(), None, "nothing at all: block forever");
    lp.call_later(secs(2.5), || {});
    assert_eq!(
        lp.poll_timeout(),
        Some(secs(2.5)),
        "until the earliest timer"
    );
    lp.call_soon(|| {});
    assert_eq!(
        lp.poll_timeout(),
        Some(Duration::ZERO),
        "something is ready"
    );
    lp.run_once();
    assert_eq!(lp.time(), Duration::ZERO, "the clock did not move");
    handle.stop();
    assert_eq!(lp.poll_timeout(), Some(Duration::ZERO), "a stop is pending");
}

#[test]
fn a_cancelled_timer_never_runs_and_its_callback_is_dropped_at_once() {
    let lp = EventLoop::virtual_time();
    let ran = Rc::new(Cell::new(false));
    let witness = Rc::new(());
    let (r, w) = (ran.clone(), witness.clone());
    let timer = lp.call_later(secs(1.0), move || {
        let _keep = w;
        r.set(true);
    });
    assert_eq!(timer.when(), secs(1.0));
    assert!(timer.is_pending());
    assert_eq!(Rc::strong_count(&witness), 2);
    assert!(timer.cancel());
    assert_eq!(
        Rc::strong_count(&witness),
        1,
        "the callback was dropped by cancel"
    );
    assert!(!timer.cancel(), "a second cancel does nothing");
    assert!(!timer.is_pending());
    assert_eq!(lp.run_forever(), Err(RunError::Stalled));
    assert!(!ran.get());
}

#[test]
fn cancel_after_the_timer_fired_returns_false() {
    let lp = EventLoop::virtual_time();
    let timer = lp.call_later(secs(1.0), || {});
    lp.run_until_idle();
    assert!(!timer.is_pending());
    assert!(!timer.cancel());
}

#[test]
fn dropping_a_timer_handle_does_not_cancel_the_timer() {
    let lp = EventLoop::virtual_time();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    drop(lp.call_later(secs(1.0), move || r.set(true)));
    lp.run_until_idle();
    assert!(ran.get());
}

#[test]
fn run_forever_waits_for_timers_instead_of_stalling() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    lp.call_later(secs(5.0), move || handle.stop());
    assert!(!lp.is_stalled());
    assert_eq!(lp.run_forever(), Ok(()));
    assert_eq!(lp.time(), secs(5.0));
    assert_eq!(lp.run_forever(), Err(RunError::Stalled), "no timer left");
}

fn timer(log: &Log, label: &'static str) -> Timer {
    let log = log.clone();
    Timer {
        label: label.into(),
        callback: Box::new(move || log.borrow_mut().push(label.into())),
    }
}

/// A heap of `len` timers due at 0, 1, 2… s, with those at the indices in
/// `cancelled` cancelled.
fn heap_with_cancelled(
    len: u32,
    cancelled: impl SliceIndex<[TimerKey], Output = [TimerKey]>,
) -> TimerHeap {
    let log: Log = Rc::default();
    let mut heap = TimerHeap::new();
    let keys: Vec<_> = (0..len)
        .map(|i| heap.push(secs(f64::from(i)), timer(&log, "t")))
        .collect();
    for key in &keys[cancelled] {
        heap.cancel(*key);
    }
    heap
}

#[test]
fn compaction_follows_cpythons_rule() {
    // 100 entries, 60 cancelled: not more than 100 scheduled, so no rebuild; the
    // head is live.
    let mut heap = heap_with_cancelled(100, 40..);
    assert_eq!(MIN_SCHEDULED_TIMER_HANDLES, 100);
    assert_eq!(heap.purge_cancelled(), Purge::Head(0));
    assert_eq!((heap.len(), heap.live(), heap.cancelled()), (100, 40, 60));

    // 200 entries, 120 cancelled: more than 100 and more than half: rebuild.
    let mut heap = heap_with_cancelled(200, 80..);
    assert_eq!(
        heap.purge_cancelled(),
        Purge::Compacted {
            removed: 120,
            kept: 80
        }
    );
    assert_eq!((heap.len(), heap.cancelled()), (80, 0));

    // 200 entries, exactly half cancelled: not *more* than half: only the head is
    // cleaned.
    let mut heap = heap_with_cancelled(200, ..100);
    assert_eq!(heap.purge_cancelled(), Purge::Head(100));
    assert_eq!((heap.len(), heap.live()), (100, 100));
}

#[test]
fn a_cancelled_entry_at_the_head_is_skipped_when_due() {
    let log: Log = Rc::default();
    let mut heap = TimerHeap::new();
    let first = heap.push(secs(1.0), timer(&log, "first"));
    heap.push(secs(1.0), timer(&log, "second"));
    heap.cancel(first);
    let (when, t) = heap.pop_due(secs(1.0)).expect("second is due");
    (t.callback)();
    assert_eq!(
        (when, log.borrow().clone()),
        (secs(1.0), vec!["second".to_string()])
    );
    assert!(heap.pop_due(secs(1.0)).is_none());
    assert_eq!((heap.len(), heap.cancelled()), (0, 0));
}

#[test]
fn a_million_cancelled_timers_leave_the_heap_at_the_next_iteration() {
    let lp = EventLoop::virtual_time();
    let timers: Vec<_> = (0..1_000_000)
        .map(|_| lp.call_later(secs(3600.0), || {}))
        .collect();
    for timer in &timers {
        timer.cancel();
    }
    // Like CPython: cancelling only marks; the entries wait for the next
    // `_run_once`.
    assert_eq!((lp.heap_len(), lp.live_timers()), (1_000_000, 0));
    lp.run_once();
    assert_eq!(lp.heap_len(), 0);
    assert_eq!(
        lp.time(),
        Duration::ZERO,
        "no live timer: nothing to wait for"
    );
}

#[test]
fn churning_a_million_timers_keeps_the_heap_bounded() {
    let lp = EventLoop::virtual_time();
    let max_len = Rc::new(Cell::new(0));
    // Each iteration schedules 1000 timers and cancels them all: a million over the
    // run.
    for _ in 0..1000 {
        let handle = lp.handle();
        let max_len = max_len.clone();
        lp.call_soon(move || {
            let timers: Vec<_> = (0..1000)
                .map(|_| handle.call_later(secs(3600.0), || {}))
                .collect();
            timers.iter().for_each(|t| {
                t.cancel();
            });
            max_len.set(max_len.get().max(handle.heap_len()));
        });
        lp.run_once();
    }
    assert!(
        max_len.get() <= 1000,
        "the heap held {} entries at most",
        max_len.get()
    );
}

#[test]
fn dropping_the_loop_drops_its_timers_without_running_them() {
    let lp = EventLoop::virtual_time();
    let witness = Rc::new(());
    let w = witness.clone();
    lp.call_later(secs(1.0), move || drop(w));
    assert_eq!(Rc::strong_count(&witness), 2);
    drop(lp);
    assert_eq!(Rc::strong_count(&witness), 1);
}

#[test]
fn the_monotonic_clock_really_waits_for_a_timer() {
    let lp =
        EventLoop::with_clock(MonotonicClock::new(), ch03_ready_queue::Tracing::Off);
    let handle = lp.handle();
    let fired_at = Rc::new(Cell::new(None));
    let f = fired_at.clone();
    let timer =
        lp.call_later(Duration::from_millis(2), move || f.set(Some(handle.time())));
    lp.run_until_idle();
    // Not a timing assertion: a timer runs only once the clock has reached its
    // deadline.
    assert!(fired_at.get().expect("it fired") >= timer.when());
}

#[test]
fn move_due_timers_moves_only_the_due_ones_to_the_ready_queue() {
    let clock = ch04_timers::VirtualClock::new();
    let lp = EventLoop::with_clock(clock.clone(), ch03_ready_queue::Tracing::Off);
    lp.call_later(secs(1.0), || {});
    lp.call_later(secs(2.0), || {});
    clock.advance(secs(1.5));
    lp.move_due_timers();
    assert_eq!((lp.ready_len(), lp.live_timers()), (1, 1));
}
