//! `Semaphore(n)`: never more than `n` inside; ours, and tokio's on our loop.

mod common;

use std::rc::Rc;

use ch04_timers::EventLoop;
use ch06_patterns::{Semaphore, gather};
use common::{Gauge, Log, secs};

/// Six 1 s jobs behind a semaphore of `n`; returns the peak and the time it took.
fn six_jobs(n: usize) -> (usize, std::time::Duration) {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let gauge = Rc::new(Gauge::default());
    let g = gauge.clone();
    lp.run_until_complete(async move {
        let sem = Semaphore::new(n);
        let jobs = (0..6).map(|_| {
            let (h, sem, g) = (handle.clone(), sem.clone(), g.clone());
            async move {
                let _permit = sem.acquire().await;
                let _inside = g.enter();
                h.sleep(secs(1.0)).await;
            }
        });
        gather(&handle, jobs).await.unwrap();
    })
    .unwrap();
    (gauge.peak(), lp.time())
}

#[test]
fn a_semaphore_of_two_lets_two_in_at_a_time() {
    assert_eq!(
        six_jobs(2),
        (2, secs(3.0)),
        "peak 2; six 1 s jobs, two at a time: 3 s"
    );
    assert_eq!(six_jobs(3), (3, secs(2.0)));
    assert_eq!(six_jobs(6), (6, secs(1.0)));
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let lp = EventLoop::virtual_time();
    let sem = Semaphore::new(1);
    let log: Log = Rc::default();
    for name in ["a", "b", "c", "d"] {
        let (h, sem, l) = (lp.handle(), sem.clone(), log.clone());
        lp.spawn(async move {
            let _permit = sem.acquire().await;
            l.borrow_mut().push(format!("{name} at {:?}", h.time()));
            h.sleep(secs(1.0)).await;
        });
    }
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["a at 0ns", "b at 1s", "c at 2s", "d at 3s"]);
    assert_eq!(sem.available_permits(), 1, "every permit came back");
}

#[test]
fn a_cancelled_waiter_leaves_the_queue_and_loses_nothing() {
    let lp = EventLoop::virtual_time();
    let sem = Semaphore::new(1);
    let log: Log = Rc::default();
    let mut tasks = Vec::new();
    for name in ["a", "b", "c"] {
        let (h, sem, l) = (lp.handle(), sem.clone(), log.clone());
        tasks.push(lp.spawn(async move {
            let _permit = sem.acquire().await;
            l.borrow_mut().push(format!("{name} at {:?}", h.time()));
            h.sleep(secs(1.0)).await;
        }));
    }
    lp.run_once(); // a holds the permit; b and c queue
    assert!(tasks[1].cancel(), "b gives up waiting");
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["a at 0ns", "c at 1s"]);
    assert_eq!(sem.available_permits(), 1);
}

/// The subtle case: `release` has already handed the permit to the first waiter, and
/// that waiter is cancelled before its task runs to take it. The permit must pass on
/// to the next waiter, not vanish (CPython 3.11.7's `acquire` does the same in its
/// `except CancelledError` branch: `_value += 1`, `_wake_up_next()`).
#[test]
fn a_waiter_cancelled_after_being_granted_passes_the_permit_on() {
    let lp = EventLoop::virtual_time();
    let sem = Semaphore::new(1);
    let held = lp.run_until_complete(sem.acquire()).unwrap();
    let log: Log = Rc::default();
    let mut tasks = Vec::new();
    for name in ["b", "c"] {
        let (h, sem, l) = (lp.handle(), sem.clone(), log.clone());
        tasks.push(lp.spawn(async move {
            let _permit = sem.acquire().await;
            l.borrow_mut().push(format!("{name} at {:?}", h.time()));
        }));
    }
    lp.run_once(); // b and c queue
    drop(held); // release: the permit goes to b, whose task is woken but has not run
    assert_eq!(
        sem.available_permits(),
        0,
        "handed to b, not to the counter"
    );
    assert!(
        tasks[0].cancel(),
        "b is cancelled with the permit in its hands"
    );
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["c at 0ns"], "c got the permit b never took");
    assert_eq!(sem.available_permits(), 1, "and gave it back");
}

#[test]
fn tokios_semaphore_works_on_our_loop_too() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let gauge = Rc::new(Gauge::default());
    let g = gauge.clone();
    lp.run_until_complete(async move {
        let sem = Rc::new(tokio::sync::Semaphore::new(2));
        let jobs = (0..6).map(|_| {
            let (h, sem, g) = (handle.clone(), sem.clone(), g.clone());
            async move {
                // only wakers: any executor
                let _permit = sem.acquire().await.unwrap();
                let _inside = g.enter();
                h.sleep(secs(1.0)).await;
            }
        });
        gather(&handle, jobs).await.unwrap();
    })
    .unwrap();
    assert_eq!((gauge.peak(), lp.time()), (2, secs(3.0)));
}
