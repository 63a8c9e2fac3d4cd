//! One running loop per thread; loops on different threads run side by side.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use ch03_ready_queue::{EventLoop, RunError, RunGuard};
use test_support::{Barrier, LIMIT, join_within};

#[test]
fn running_a_loop_inside_another_is_refused() {
    let outer = EventLoop::new();
    let inner = Rc::new(EventLoop::new());
    let i = inner.clone();
    let refused = outer
        .run_until_complete(async move { i.run_until_complete(async { 1 }) })
        .unwrap();
    assert_eq!(refused, Err(RunError::AnotherLoopRunning));
    assert_eq!(
        refused.unwrap_err().to_string(),
        "Cannot run the event loop while another loop is running"
    );
    assert_eq!(inner.task_count(), 0, "the refused call spawned nothing");
    assert_eq!(
        inner.run_until_complete(async { 2 }),
        Ok(2),
        "fine once the outer one stopped"
    );
}

#[test]
fn running_the_same_loop_again_from_inside_is_refused() {
    let lp = Rc::new(EventLoop::new());
    let seen: Rc<RefCell<Option<RunError>>> = Rc::default();
    let (l, s) = (lp.clone(), seen.clone());
    lp.call_soon(move || {
        *s.borrow_mut() = l.run_forever().err();
        l.stop();
    });
    assert_eq!(lp.run_forever(), Ok(()));
    assert_eq!(*seen.borrow(), Some(RunError::AlreadyRunning));
    assert_eq!(
        RunError::AlreadyRunning.to_string(),
        "This event loop is already running"
    );
    lp.close(); // the callback held the loop: break the cycle
}

#[test]
fn the_guard_is_released_when_the_run_ends() {
    let lp = EventLoop::new();
    assert!(RunGuard::check(&lp).is_ok());
    lp.stop();
    lp.run_forever().unwrap();
    assert!(!lp.is_running());
    assert!(RunGuard::check(&lp).is_ok());
}

#[test]
fn loops_on_two_threads_run_side_by_side() {
    // Each loop's task waits at the barrier until the other loop's task is there
    // too: the test can only finish if both loops are running at the same moment.
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|n| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let lp = EventLoop::new();
                lp.run_until_complete(async move {
                    barrier
                        .wait_within(LIMIT, "the other loop's task at the barrier");
                    n * 10
                })
            })
        })
        .collect();
    let results: Vec<_> = threads
        .into_iter()
        .map(|t| join_within(t, LIMIT, "a loop's thread to end").unwrap())
        .collect();
    assert_eq!(results, [Ok(0), Ok(10)]);
}
