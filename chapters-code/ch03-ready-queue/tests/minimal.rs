//! The minimal executor (`src/minimal.rs`): what it does as well as the complete
//! loop, and where it stops.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use ch02_lazy_futures::countdown::Countdown;
use ch03_ready_queue::EventLoop;
use ch03_ready_queue::minimal::MiniLoop;
use test_support::{LIMIT, join_within};

type Log = Rc<RefCell<Vec<String>>>;

/// The opening's two workers: each logs, yields once, and logs again.
fn worker(log: &Log, name: &'static str) -> impl Future<Output = ()> + 'static {
    let log = log.clone();
    async move {
        log.borrow_mut().push(format!("{name}0"));
        Countdown::new(1).await; // wakes itself, Pending once
        log.borrow_mut().push(format!("{name}1"));
    }
}

#[test]
fn the_minimal_loop_interleaves_two_tasks_as_the_complete_loop_does() {
    let minimal_log = Log::default();
    let mini = MiniLoop::default();
    mini.spawn(worker(&minimal_log, "A"));
    mini.spawn(worker(&minimal_log, "B"));
    assert!(minimal_log.borrow().is_empty(), "spawn runs no body");
    mini.run();

    let complete_log = Log::default();
    let lp = EventLoop::new();
    lp.spawn(worker(&complete_log, "A"));
    lp.spawn(worker(&complete_log, "B"));
    lp.run_until_idle();

    assert_eq!(*minimal_log.borrow(), ["A0", "B0", "A1", "B1"]);
    assert_eq!(*minimal_log.borrow(), *complete_log.borrow());
}

#[test]
fn a_task_that_is_never_woken_leaves_run_returning_with_the_task_unfinished() {
    let mini = MiniLoop::default();
    let polls = Rc::new(Cell::new(0));
    let p = polls.clone();
    // Pending forever, and it keeps no waker: nothing will ever queue it again.
    mini.spawn(std::future::poll_fn(move |_| {
        p.set(p.get() + 1);
        Poll::<()>::Pending
    }));
    mini.run(); // returns: the queue is empty, though a task is not done
    assert_eq!(polls.get(), 1, "polled once, then never again");
    assert_eq!(mini.unfinished(), 1, "the task is still pending, not lost");
    mini.run();
    assert_eq!(polls.get(), 1, "run finds nothing queued: no busy polling");
}

#[test]
fn the_minimal_loop_takes_a_wake_from_another_thread() {
    let mini = MiniLoop::default();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let s = slot.clone();
    let done = Rc::new(Cell::new(false));
    let d = done.clone();
    mini.spawn(async move {
        std::future::poll_fn(|cx| {
            let mut slot = s.lock().unwrap();
            if slot.is_some() {
                return Poll::Ready(());
            }
            *slot = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        d.set(true);
    });
    mini.run();
    assert!(!done.get(), "waiting for its waker");
    let waker = slot.lock().unwrap().clone().unwrap();
    // The queue is behind a Mutex, so a wake from any thread reaches it; it polls
    // nothing there: the step runs on the loop's thread, in the next `run`.
    join_within(std::thread::spawn(move || waker.wake()), LIMIT, "the wake")
        .unwrap();
    assert!(!done.get(), "the wake only queued the task");
    mini.run();
    assert!(done.get());
    assert_eq!(mini.unfinished(), 0);
}

/// Wakes itself twice during its first poll, then waits forever.
fn woken_twice(polls: &Rc<Cell<u32>>) -> impl Future<Output = ()> + 'static {
    let polls = polls.clone();
    std::future::poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        if polls.get() == 1 {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    })
}

#[test]
fn a_task_woken_twice_is_polled_twice_by_the_minimal_loop_once_by_the_complete() {
    let mini = MiniLoop::default();
    let mini_polls = Rc::new(Cell::new(0));
    mini.spawn(woken_twice(&mini_polls));
    mini.run();
    // Both wakes were queued: the second poll is one nobody asked for (harmless,
    // a future must tolerate it, but wasted).
    assert_eq!(mini_polls.get(), 1 + 2);

    let lp = EventLoop::new();
    let polls = Rc::new(Cell::new(0));
    lp.spawn(woken_twice(&polls));
    lp.run_until_idle();
    // The task's state says `Scheduled` after the first wake: the second one is
    // dropped.
    assert_eq!(polls.get(), 1 + 1);
}

/// A task that is not `Send`: it holds an `Rc` across an `.await`.
fn holds_an_rc(log: &Log) -> impl Future<Output = ()> + 'static {
    let l = log.clone(); // an Rc: not Send
    async move {
        let shared = Rc::new(7);
        Countdown::new(1).await; // `shared` lives across this await
        l.borrow_mut().push(format!("still {shared}"));
    }
}

#[test]
fn both_loops_run_a_task_that_holds_an_rc_across_an_await() {
    let log = Log::default();
    let mini = MiniLoop::default();
    mini.spawn(holds_an_rc(&log));
    mini.run();
    let lp = EventLoop::new();
    let task = lp.spawn(holds_an_rc(&log));
    lp.run_until_complete(task).unwrap().unwrap();
    assert_eq!(*log.borrow(), ["still 7", "still 7"]);
}

#[test]
fn a_panicking_task_unwinds_out_of_the_minimal_run() {
    let mini = MiniLoop::default();
    let log = Log::default();
    mini.spawn(async { panic!("boom") });
    mini.spawn(worker(&log, "A"));
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {})); // keep the expected panic quiet
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mini.run()));
    std::panic::set_hook(hook);
    assert!(outcome.is_err(), "the panic left `run`");
    assert!(
        log.borrow().is_empty(),
        "and the task queued behind it never ran"
    );
}

/// A task that is Pending once: it keeps its first waker, wakes itself, and at its
/// second poll records whether that waker `will_wake` the new one.
fn will_wake_probe(
    same: Rc<Cell<Option<bool>>>,
) -> impl Future<Output = ()> + 'static {
    let mut first: Option<Waker> = None;
    std::future::poll_fn(move |cx| match &first {
        None => {
            first = Some(cx.waker().clone());
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Some(kept) => {
            same.set(Some(kept.will_wake(cx.waker())));
            Poll::Ready(())
        }
    })
}

#[test]
fn the_minimal_loop_makes_a_new_waker_for_every_poll_the_complete_one_per_task() {
    let mini_same = Rc::new(Cell::new(None));
    let mini = MiniLoop::default();
    mini.spawn(will_wake_probe(mini_same.clone()));
    mini.run();
    assert_eq!(
        mini_same.get(),
        Some(false),
        "a fresh Arc<TaskWaker> per poll"
    );

    let same = Rc::new(Cell::new(None));
    let lp = EventLoop::new();
    lp.spawn(will_wake_probe(same.clone()));
    lp.run_until_idle();
    assert_eq!(same.get(), Some(true), "one waker, made at spawn, for life");
}

#[test]
fn a_wake_for_a_finished_task_is_skipped_and_run_goes_on() {
    let mini = MiniLoop::default();
    let log = Log::default();
    let l = log.clone();
    // Wakes itself, then finishes: its id is queued once more, for a task that is
    // gone by the time the queue reaches it.
    mini.spawn(std::future::poll_fn(move |cx| {
        l.borrow_mut().push("A".to_string());
        cx.waker().wake_by_ref();
        Poll::Ready(())
    }));
    mini.spawn(worker(&log, "B"));
    mini.run();
    assert_eq!(
        *log.borrow(),
        ["A", "B0", "B1"],
        "B's second step still ran"
    );
    assert_eq!(mini.unfinished(), 0);
}
