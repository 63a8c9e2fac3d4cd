//! [`TaskGroup`], asyncio 3.11's, on our loop: joined, failing, refused, dropped.
//! The group's done-callback, `on_child_done` in `src/task_group.rs`, is what
//! cancels the other children when one fails. A child fails the Rust way, by
//! returning `Err`; one test shows that a panic fails the group as well.

use std::rc::Rc;

use ch07_executors::{EventLoop, ThreadedCore};
use ch10_where_to_await::{Failure, ShuttingDown, TaskGroup};

use crate::support::{DropGuard, Log, push, run, secs};

/// What a child returns: its name, or why it failed.
type Outcome = Result<&'static str, String>;

/// A child that sleeps `s` seconds and returns `name`.
async fn sleeps(h: Rc<ThreadedCore>, s: f64, name: &'static str) -> Outcome {
    h.sleep(secs(s)).await;
    Ok(name)
}

/// A child that sleeps `s` seconds and fails: it returns `Err`.
async fn fails_after(h: Rc<ThreadedCore>, s: f64) -> Outcome {
    h.sleep(secs(s)).await;
    Err(format!("failed at {s} s"))
}

/// A child that sleeps `s` seconds and panics: a bug, not an error it returns.
async fn panics_after(h: Rc<ThreadedCore>, s: f64) -> Outcome {
    h.sleep(secs(s)).await;
    panic!("this child panics on purpose at {s} s")
}

/// A child that logs when it starts, and when it is dropped; it would sleep 5 s.
async fn slow(h: Rc<ThreadedCore>, log: Log, dropped: &'static str) -> Outcome {
    let _guard = DropGuard(log.clone(), dropped);
    push(&log, "slow child started");
    h.sleep(secs(5.0)).await;
    push(&log, "slow child finished");
    Ok("slow")
}

#[test]
fn a_task_group_waits_for_every_child_and_gives_outputs_in_spawn_order() {
    let (lp, outputs) = run(|h| async move {
        let group = TaskGroup::new(h.core());
        for (s, name) in [(3.0, "a"), (1.0, "b"), (2.0, "c")] {
            group.spawn(sleeps(h.clone(), s, name)).unwrap();
        }
        group.join().await
    });
    assert_eq!(outputs, Ok(vec!["a", "b", "c"]), "spawn order");
    assert_eq!(lp.time(), secs(3.0), "concurrent: the longest, not the sum");
}

#[test]
fn the_first_failing_child_cancels_the_others_and_join_reports_it() {
    let log = Log::default();
    let (lp, outcome) = run(|h| {
        let log = log.clone();
        async move {
            let group = TaskGroup::new(h.core());
            group.spawn(fails_after(h.clone(), 1.0)).unwrap();
            group
                .spawn(slow(h.clone(), log, "slow child dropped"))
                .unwrap();
            group.join().await
        }
    });
    let error = outcome.unwrap_err();
    assert_eq!(
        error.to_string(),
        "unhandled errors in a TaskGroup (1 sub-exception)"
    );
    assert_eq!(
        error.failures,
        [Failure::Error("failed at 1 s".to_string())]
    );
    assert_eq!(*log.borrow(), ["slow child started", "slow child dropped"]);
    assert_eq!(
        lp.time(),
        secs(1.0),
        "the join did not wait the slow child's 5 s"
    );
}

#[test]
fn a_child_that_panics_fails_the_group_and_cancels_the_others_like_an_err() {
    let log = Log::default();
    let (lp, outcome) = run(|h| {
        let log = log.clone();
        async move {
            let group = TaskGroup::new(h.core());
            group.spawn(panics_after(h.clone(), 1.0)).unwrap();
            group
                .spawn(slow(h.clone(), log, "slow child dropped"))
                .unwrap();
            group.join().await
        }
    });
    let failures = outcome.unwrap_err().failures;
    let message = "this child panics on purpose at 1 s".to_string();
    assert_eq!(failures, [Failure::Panic(message)]);
    assert_eq!(*log.borrow(), ["slow child started", "slow child dropped"]);
    assert_eq!(lp.time(), secs(1.0), "the slow child was cancelled at 1 s");
}

#[test]
fn children_failing_in_the_same_iteration_by_err_or_panic_are_all_reported() {
    let log = Log::default();
    let (_, outcome) = run(|h| {
        let log = log.clone();
        async move {
            let group = TaskGroup::new(h.core());
            group.spawn(fails_after(h.clone(), 1.0)).unwrap();
            group.spawn(panics_after(h.clone(), 1.0)).unwrap();
            group
                .spawn(slow(h.clone(), log, "slow child dropped"))
                .unwrap();
            group.join().await
        }
    });
    let error = outcome.unwrap_err();
    let expected = [
        Failure::Error("failed at 1 s".to_string()),
        Failure::Panic("this child panics on purpose at 1 s".to_string()),
    ];
    assert_eq!(error.failures, expected, "an Err and a panic alike");
    assert_eq!(
        error.to_string(),
        "unhandled errors in a TaskGroup (2 sub-exceptions)"
    );
    assert_eq!(*log.borrow(), ["slow child started", "slow child dropped"]);
}

#[test]
fn a_group_refuses_new_children_once_one_has_failed() {
    let (_, (refused, outcome)) = run(|h| async move {
        let group = TaskGroup::new(h.core());
        group.spawn(fails_after(h.clone(), 1.0)).unwrap();
        h.sleep(secs(2.0)).await; // the failure has been seen by now
        let refused = group.spawn(sleeps(h.clone(), 1.0, "late"));
        (refused, group.join().await)
    });
    assert_eq!(refused, Err(ShuttingDown));
    assert_eq!(
        ShuttingDown.to_string(),
        "TaskGroup is shutting down: a child failed"
    );
    assert_eq!(outcome.unwrap_err().failures.len(), 1);
}

#[test]
fn a_group_dropped_before_it_is_joined_cancels_its_children() {
    let log = Log::default();
    let (lp, live) = run(|h| {
        let log = log.clone();
        async move {
            let group = TaskGroup::new(h.core());
            group
                .spawn(slow(h.clone(), log, "slow child dropped"))
                .unwrap();
            h.sleep(secs(1.0)).await;
            let live = group.live();
            drop(group); // as tokio's JoinSet: every child still running goes
            h.sleep(secs(10.0)).await;
            live
        }
    });
    assert_eq!(live, 1);
    assert_eq!(*log.borrow(), ["slow child started", "slow child dropped"]);
    assert_eq!(lp.task_count(), 0);
}

#[test]
fn cancelling_the_task_awaiting_join_cancels_the_children() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let l = log.clone();
    let parent = lp.spawn(async move {
        let group = TaskGroup::new(h.core());
        group
            .spawn(slow(h.clone(), l, "slow child dropped"))
            .unwrap();
        group.join().await
    });
    lp.run_once(); // the parent spawns the child and waits in join
    lp.run_once(); // the child starts its 5 s sleep
    assert!(parent.cancel());
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["slow child started", "slow child dropped"]);
    assert_eq!(lp.time(), secs(0.0), "nobody waited for the 5 s");
    assert!(parent.try_take().unwrap().unwrap_err().is_cancelled());
}
