//! LoopFuture: done-callbacks are scheduled, never run inline.

// `tests/diagrams.rs` includes this file next to others that load `common` too.
#[allow(clippy::duplicate_mod)]
mod common;

use ch03_ready_queue::{EventLoop, LoopFuture};
use common::{Log, log, push};

/// A fresh loop, a pending future on it, and an empty log.
fn loop_with_future<T: 'static>() -> (EventLoop, LoopFuture<T>, Log) {
    let lp = EventLoop::new();
    let fut = LoopFuture::new(&lp);
    (lp, fut, log())
}

/// Adds a done-callback to `fut` that logs what `describe` says of the result.
fn log_when_done<T: 'static>(
    fut: &LoopFuture<T>,
    log: &Log,
    describe: impl FnOnce(&T) -> String + 'static,
) {
    let log = log.clone();
    fut.add_done_callback(move |result| push(&log, describe(result)));
}

#[test]
fn set_result_schedules_done_callbacks_instead_of_running_them() {
    let (lp, fut, seen) = loop_with_future();
    log_when_done(&fut, &seen, |v: &u32| format!("callback got {v}"));
    fut.set_result(3);
    assert!(fut.is_done());
    assert!(seen.borrow().is_empty(), "set_result ran no callback");
    assert_eq!(lp.ready_len(), 1);
    lp.run_once();
    assert_eq!(*seen.borrow(), ["callback got 3"]);
}

#[test]
fn add_done_callback_on_a_done_future_is_scheduled_not_run() {
    let (lp, fut, seen) = loop_with_future();
    fut.set_result("done");
    log_when_done(&fut, &seen, |v: &&str| v.to_string());
    assert!(
        seen.borrow().is_empty(),
        "not inline, although the future is done"
    );
    lp.run_once();
    assert_eq!(*seen.borrow(), ["done"]);
}

#[test]
fn done_callbacks_run_in_the_order_they_were_added() {
    let (lp, fut, seen) = loop_with_future();
    for name in ["first", "second", "third"] {
        log_when_done(&fut, &seen, move |_: &()| name.into());
    }
    fut.set_result(());
    lp.run_once();
    assert_eq!(*seen.borrow(), ["first", "second", "third"]);
}

#[test]
#[allow(clippy::redundant_clone)]
fn setting_a_result_twice_panics_like_invalid_state_error() {
    let lp = EventLoop::new();
    let fut = LoopFuture::new(&lp);
    fut.set_result(1);
    let again =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.set_result(2)));
    assert!(again.is_err());
}

/// A task awaits a future; a callback resolves it. The chapter's third diagram.
pub fn future_scenario() -> (EventLoop, Log) {
    let lp = EventLoop::traced();
    let seen = log();
    let fut = LoopFuture::new(&lp);
    let (f, s) = (fut.clone(), seen.clone());
    drop(lp.spawn_named("A", async move {
        let value: u32 = f.await;
        push(&s, format!("A got {value}"));
    }));
    lp.call_soon_named("resolve", move || fut.set_result(42));
    lp.run_once();
    lp.run_once();
    (lp, seen)
}

#[test]
fn a_task_awaiting_a_future_resumes_the_iteration_after_set_result() {
    let (lp, seen) = future_scenario();
    assert_eq!(*seen.borrow(), ["A got 42"]);
    assert_eq!(
        lp.trace_lines(),
        [
            "spawn A",
            "call_soon resolve",
            "iteration 1: 2 ready",
            "poll A",
            "A -> Pending",
            "callback resolve",
            "wake A",
            "iteration 2: 1 ready",
            "poll A",
            "A -> Ready",
        ]
    );
}

#[test]
fn a_join_handle_done_callback_is_scheduled_after_the_task_finishes() {
    let lp = EventLoop::traced();
    let task = lp.spawn_named("A", async {});
    task.add_done_callback(|| {});
    lp.run_once();
    lp.run_once();
    assert_eq!(
        lp.trace_lines(),
        [
            "spawn A",
            "iteration 1: 1 ready",
            "poll A",
            "call_soon done callback",
            "A -> Ready",
            "iteration 2: 1 ready",
            "callback done callback",
        ]
    );
}

/// "The task is done: take its result" is the natural done-callback. It runs with no
/// borrow of the handle's result held, so taking the result inside it works, both
/// for a callback added before the task ends and for one added after.
#[test]
fn a_done_callback_may_take_its_handles_result() {
    use std::cell::RefCell;
    use std::rc::Rc;

    let lp = EventLoop::new();
    let taken = Rc::new(RefCell::new(Vec::new()));
    for (name, add_after_the_end) in [("before", false), ("after", true)] {
        let task = Rc::new(lp.spawn(async move { name }));
        if add_after_the_end {
            lp.run_until_idle();
        }
        let (handle, taken) = (task.clone(), taken.clone());
        task.add_done_callback(move || {
            let result = handle.try_take().expect("done").expect("no panic");
            taken.borrow_mut().push(result);
        });
        lp.run_until_idle();
    }
    assert_eq!(*taken.borrow(), ["before", "after"]);
}
