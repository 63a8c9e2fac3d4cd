//! Promises on our loop: settling once, `then` callbacks as microtasks, chains,
//! rejections, panics, a promise resolved with another promise (or itself), and
//! rejections nobody handles.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch03_ready_queue::panic_message;
use ch09_js_vs_python::promise::{Promise, Rejection};
use ch09_js_vs_python::{MicrotaskLoop, NodeLoop};

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Log::default()
}

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

#[test]
fn resolve_settles_a_promise_once_and_later_calls_are_ignored() {
    let lp = MicrotaskLoop::virtual_time();
    let p = Promise::new(lp.core());
    assert!(p.is_pending());
    assert!(p.resolve(1), "the first resolve settles it");
    assert!(
        !p.resolve(2),
        "a second resolve is ignored, as in JavaScript"
    );
    assert!(!p.reject("too late"), "so is a reject after it");
    assert_eq!(p.peek(), Some(Ok(1)));

    let q = Promise::<i32>::new(lp.core());
    assert!(q.reject("first"));
    assert!(!q.resolve(3));
    assert_eq!(q.peek(), Some(Err(Rejection("first".into()))));
}

#[test]
fn a_second_resolve_runs_no_callback_twice() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    let p = Promise::new(lp.core());
    let s = seen.clone();
    drop(p.then(move |v: i32| push(&s, format!("then {v}"))));
    lp.run_script(|| {
        p.resolve(1);
        p.resolve(2);
    });
    lp.run_until_idle();
    assert_eq!(*seen.borrow(), ["then 1"]);
}

#[test]
fn a_then_callback_never_runs_inside_then_even_on_a_settled_promise() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    lp.run_script(|| {
        let p = Promise::resolved(lp.core(), "value");
        let s = seen.clone();
        drop(p.then(move |v| push(&s, format!("then got {v}"))));
        push(&seen, "the line after then");
        assert_eq!(seen.borrow().len(), 1, "the callback was only queued");
        assert_eq!(lp.microtasks_len(), 1);
    });
    assert_eq!(*seen.borrow(), ["the line after then", "then got value"]);
}

#[test]
fn resolve_queues_the_callbacks_in_order_and_runs_none_of_them() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    let p = Promise::new(lp.core());
    for name in ["first", "second", "third"] {
        let s = seen.clone();
        drop(p.then(move |()| push(&s, name)));
    }
    lp.run_script(|| {
        p.resolve(());
        push(&seen, "resolve returned");
        assert_eq!(lp.microtasks_len(), 3);
    });
    assert_eq!(
        *seen.borrow(),
        ["resolve returned", "first", "second", "third"]
    );
}

#[test]
fn two_then_chains_interleave_one_link_per_microtask() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    lp.run_script(|| {
        for name in ["a", "b"] {
            let (s1, s2) = (seen.clone(), seen.clone());
            drop(
                Promise::resolved(lp.core(), ())
                    .then(move |()| push(&s1, format!("{name}1")))
                    .then(move |()| push(&s2, format!("{name}2"))),
            );
        }
    });
    // Node prints a1 b1 a2 b2: each link is queued when the previous one ran.
    assert_eq!(*seen.borrow(), ["a1", "b1", "a2", "b2"]);
}

#[test]
fn a_rejection_skips_then_callbacks_and_reaches_catch_one_microtask_per_link() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    lp.run_script(|| {
        let s = seen.clone();
        let skipped = Promise::<i32>::rejected(lp.core(), "no value")
            .then(|v| v + 1)
            .then(|v| v * 2);
        let s2 = seen.clone();
        drop(skipped.catch(move |reason| {
            push(&s, format!("catch: {reason}"));
            0
        }));
        // a chain of two counters, to count the links the rejection crossed
        drop(
            Promise::resolved(lp.core(), ())
                .then(move |()| push(&s2, "tick 1"))
                .then({
                    let s = seen.clone();
                    move |()| push(&s, "tick 2")
                })
                .then({
                    let s = seen.clone();
                    move |()| push(&s, "tick 3")
                }),
        );
    });
    assert_eq!(
        *seen.borrow(),
        ["tick 1", "tick 2", "catch: rejected: no value", "tick 3"]
    );
}

#[test]
fn a_panicking_then_callback_rejects_the_next_promise_and_the_loop_goes_on() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    let next =
        Promise::resolved(lp.core(), 1).then(|_: i32| -> i32 { panic!("boom") });
    let s = seen.clone();
    drop(next.catch(move |reason| {
        push(&s, reason.0);
        -1
    }));
    let s = seen.clone();
    lp.queue_macrotask("later", move || push(&s, "the next macrotask ran"));
    lp.run_until_idle();
    assert_eq!(next.peek(), Some(Err(Rejection("panicked: boom".into()))));
    assert_eq!(*seen.borrow(), ["panicked: boom", "the next macrotask ran"]);
}

#[test]
fn a_promise_resolved_with_a_fulfilled_promise_settles_two_microtasks_later() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = log();
    let follower = Promise::new(lp.core());
    lp.run_script(|| {
        let leader = Promise::resolved(lp.core(), "leader's value");
        assert!(follower.resolve_with(&leader));
        assert!(follower.is_pending(), "the spec only queues a job here");
        assert!(!follower.resolve("ignored"), "but the promise is locked in");
        let s = seen.clone();
        drop(follower.then(move |v| push(&s, format!("follower: {v}"))));
        let counter = Promise::resolved(lp.core(), ());
        let mut chain = counter.clone();
        for n in 1..=3 {
            let s = seen.clone();
            chain = chain.then(move |()| push(&s, format!("tick {n}")));
        }
    });
    // the job calls leader.then (tick 1), its reaction settles the follower
    // (tick 2), whose own then callback runs next (tick 3)
    assert_eq!(
        *seen.borrow(),
        ["tick 1", "tick 2", "follower: leader's value", "tick 3"]
    );
}

#[test]
fn a_promise_resolved_with_itself_is_rejected_with_a_type_error() {
    let lp = MicrotaskLoop::virtual_time();
    let p = Promise::<i32>::new(lp.core());
    assert!(p.resolve_with(&p), "it counts as the first resolve");
    // Node: "TypeError: Chaining cycle detected for promise #<Promise>"
    let cycle = Rejection("TypeError: Chaining cycle detected for promise".into());
    assert_eq!(p.peek(), Some(Err(cycle)));
    assert!(!p.resolve(1), "settled: later calls are ignored");
}

// Rejections nobody handles: Node (>= 15) ends the process after the checkpoint
// in which one is left; our Node loop panics there.

#[test]
fn on_node_a_rejection_nobody_handles_panics_after_the_checkpoint() {
    let lp = NodeLoop::virtual_time();
    let seen = log();
    let (node, s) = (lp.handle(), seen.clone());
    let caught = catch_unwind(AssertUnwindSafe(|| {
        lp.run_script(|| {
            drop(Promise::<i32>::rejected(node.core(), "nobody listens"));
            node.queue_microtask(move || push(&s, "the checkpoint ran first"));
        });
    }));
    let payload = caught.expect_err("the rejection ends the script's checkpoint");
    assert_eq!(
        panic_message(&*payload),
        "unhandled promise rejection: nobody listens"
    );
    assert_eq!(*seen.borrow(), ["the checkpoint ran first"]);
}

#[test]
fn on_node_a_handler_attached_within_the_same_checkpoint_counts() {
    let lp = NodeLoop::virtual_time();
    let seen = log();
    let (node, s) = (lp.handle(), seen.clone());
    lp.run_script(|| {
        let p = Promise::<i32>::rejected(node.core(), "late but in time");
        node.queue_microtask(move || {
            drop(p.catch(move |reason| {
                push(&s, reason.0);
                0
            }));
        });
    });
    assert_eq!(*seen.borrow(), ["late but in time"]);
}

#[test]
fn on_node_a_then_on_a_rejected_promise_passes_the_rejection_on_unhandled() {
    // The `then` handles the first promise; the one it returns is rejected in
    // turn, and nobody handles that one.
    let lp = NodeLoop::virtual_time();
    let node = lp.handle();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        lp.run_script(|| {
            let first = Promise::<i32>::rejected(node.core(), "passed on");
            drop(first.then(|v| v + 1));
        });
    }));
    let payload = caught.expect_err("the derived promise is unhandled");
    assert_eq!(
        panic_message(&*payload),
        "unhandled promise rejection: passed on"
    );
}
