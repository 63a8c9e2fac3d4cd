//! The ready queue and the snapshot rule.

// `tests/diagrams.rs` includes this file next to others that load `common` too.
#[allow(clippy::duplicate_mod)]
mod common;

use std::cell::RefCell;
use std::rc::Rc;

use ch03_ready_queue::{Event, EventLoop, ReadyQueue, RunError};
use common::{log, logs, push};

#[test]
fn call_soon_runs_nothing_until_the_loop_runs() {
    let lp = EventLoop::new();
    let seen = log();
    lp.call_soon(logs(&seen, "a"));
    assert!(
        seen.borrow().is_empty(),
        "call_soon only queues the callback"
    );
    assert_eq!(lp.ready_len(), 1);
    lp.run_once();
    assert_eq!(*seen.borrow(), ["a"]);
}

#[test]
fn callbacks_run_in_fifo_order() {
    let lp = EventLoop::new();
    let seen = log();
    for name in ["a", "b", "c"] {
        lp.call_soon(logs(&seen, name));
    }
    lp.run_once();
    assert_eq!(*seen.borrow(), ["a", "b", "c"]);
}

#[test]
fn ready_queue_snapshot_len_counts_what_is_ready_now() {
    let mut queue = ReadyQueue::new();
    assert_eq!(queue.snapshot_len(), 0);
    queue.push(ch03_ready_queue::Ready::Callback {
        label: None,
        run: Box::new(|| {}),
    });
    assert_eq!(queue.snapshot_len(), 1);
    assert!(queue.pop().is_some());
    assert!(queue.is_empty());
}

/// The scenario of the chapter's first diagram: `a` schedules `b` while iteration 1
/// runs.
pub fn snapshot_scenario() -> EventLoop {
    let lp = EventLoop::traced();
    let handle = lp.handle();
    lp.call_soon_named("a", move || {
        handle.call_soon_named("b", || {});
    });
    lp.call_soon_named("c", || {});
    lp.run_once();
    lp.run_once();
    lp
}

#[test]
fn a_callback_scheduled_during_iteration_k_runs_in_iteration_k_plus_1() {
    let lp = snapshot_scenario();
    assert_eq!(
        lp.trace_lines(),
        [
            "call_soon a",
            "call_soon c",
            "iteration 1: 2 ready",
            "callback a",
            "call_soon b",
            "callback c",
            "iteration 2: 1 ready",
            "callback b",
        ],
        "b was queued during iteration 1, after the snapshot of 2 was taken"
    );
    assert_eq!(
        lp.events()[2],
        Event::Iteration {
            number: 1,
            ready: 2
        }
    );
}

#[test]
fn a_callback_that_reschedules_itself_cannot_starve_the_loop() {
    // With a drain-until-empty loop this would never return; the snapshot rule ends
    // each iteration after the entries that were ready when it began.
    fn again(core: Rc<ch03_ready_queue::Core>, count: Rc<RefCell<u32>>) {
        *count.borrow_mut() += 1;
        let c = core.clone();
        core.call_soon(move || again(c, count));
    }
    let lp = EventLoop::new();
    let count = Rc::new(RefCell::new(0));
    let (core, c) = (lp.handle(), count.clone());
    lp.call_soon(move || again(core, c));
    for _ in 0..3 {
        lp.run_once();
    }
    assert_eq!(*count.borrow(), 3, "one run per iteration");
}

#[test]
fn stop_finishes_the_current_iteration() {
    let lp = EventLoop::new();
    let seen = log();
    let (s, core) = (seen.clone(), lp.handle());
    lp.call_soon(move || {
        push(&s, "a, calls stop");
        core.stop();
        core.call_soon(logs(&s, "queued by a"));
    });
    lp.call_soon(logs(&seen, "b, after stop in the same iteration"));
    assert_eq!(lp.run_forever(), Ok(()));
    assert_eq!(
        *seen.borrow(),
        ["a, calls stop", "b, after stop in the same iteration"]
    );
    assert_eq!(lp.ready_len(), 1, "what a queued waits for the next run");
}

#[test]
fn stop_before_run_forever_runs_exactly_one_iteration() {
    let lp = EventLoop::traced();
    let core = lp.handle();
    lp.call_soon_named("a", move || core.call_soon_named("b", || {}));
    lp.stop();
    assert_eq!(lp.run_forever(), Ok(()));
    assert_eq!(
        lp.trace_lines(),
        [
            "call_soon a",
            "iteration 1: 1 ready",
            "callback a",
            "call_soon b",
        ]
    );
    assert_eq!(lp.iteration(), 1);
}

#[test]
fn run_forever_with_nothing_to_do_is_refused_instead_of_hanging() {
    let lp = EventLoop::new();
    let error = lp.run_forever().unwrap_err();
    assert_eq!(error, RunError::Stalled);
    assert!(error.to_string().contains("wait forever"));
}

#[test]
fn tracing_is_off_by_default() {
    let lp = EventLoop::new();
    lp.call_soon(|| {});
    lp.run_once();
    assert!(lp.events().is_empty());
    assert!(lp.trace().is_none());
}

#[test]
fn begin_iteration_and_run_next_ready_compose_a_run_once() {
    // The building blocks later loops reuse: take the snapshot, then run that many
    // entries.
    let lp = EventLoop::new();
    let core = lp.handle();
    lp.call_soon(move || core.call_soon(|| {}));
    let ntodo = lp.begin_iteration();
    assert_eq!(ntodo, 1);
    assert!(lp.run_next_ready());
    assert_eq!(
        lp.ready_len(),
        1,
        "the callback it queued waits for the next iteration"
    );
    assert_eq!(lp.iteration(), 1);
}
