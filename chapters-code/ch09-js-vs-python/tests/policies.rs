//! The same ready queue under two policies: JavaScript's (drain it to empty after
//! every macrotask) and asyncio's (run the snapshot taken when the iteration
//! began). Each scenario runs on real loops: our JavaScript loops
//! (`MicrotaskLoop`, `NodeLoop`) and chapter 5's asyncio-policy `EventLoop`, all
//! on the virtual clock.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Core, Tracing};
use ch04_timers::VirtualClock;
use ch09_js_vs_python::{MIN_TIMEOUT, MicrotaskLoop, NodeLoop};

type Log = Rc<RefCell<Vec<String>>>;

/// A callback that writes `entry` into `log`.
fn note(log: &Log, entry: &str) -> impl FnOnce() + 'static {
    let (log, entry) = (log.clone(), entry.to_string());
    move || log.borrow_mut().push(entry)
}

// ANCHOR: link
/// Queues link `i` of a chain of `n` with chapter 3's `call_soon`: each link
/// logs itself and queues the next. The same call on every loop here; on a
/// JavaScript loop it is `queueMicrotask`.
fn link(core: &Rc<Core>, log: &Log, i: usize, n: usize) {
    let (next_core, log) = (core.clone(), log.clone());
    core.call_soon(move || {
        log.borrow_mut().push(format!("link {i}"));
        if i < n {
            link(&next_core, &log, i + 1, n);
        }
    });
}
// ANCHOR_END: link

/// `link 1` .. `link n`, in order.
fn links(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|i| format!("link {i}")).collect()
}

const LINKS: usize = 1_000;

// ANCHOR: starvation
#[test]
fn a_self_rescheduling_microtask_chain_runs_to_the_end_before_a_due_timer() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    link(lp.core(), &log, 1, LINKS);
    lp.set_timeout(Duration::ZERO, note(&log, "timer"));
    lp.run_until_idle();
    let mut expected = links(1..=LINKS);
    expected.push("timer".into()); // after all 1,000 links
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: starvation

#[test]
fn on_node_too_the_chain_runs_to_the_end_before_the_due_timer() {
    let lp = NodeLoop::virtual_time();
    let log = Log::default();
    link(lp.core(), &log, 1, LINKS);
    lp.set_timeout(Duration::ZERO, note(&log, "timer"));
    lp.run_until_idle();
    let mut expected = links(1..=LINKS);
    expected.push("timer".into());
    assert_eq!(*log.borrow(), expected);
}

// ANCHOR: snapshot
#[test]
fn under_the_snapshot_rule_the_due_timer_runs_after_the_first_link() {
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    link(lp.core(), &log, 1, LINKS);
    lp.call_later(Duration::ZERO, note(&log, "timer"));
    lp.run_until_idle();
    // Iteration 1's snapshot: link 1 and the timer, which was due.
    let mut expected = links(1..=1);
    expected.push("timer".into());
    expected.extend(links(2..=LINKS));
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: snapshot

#[test]
fn a_chain_started_by_a_task_with_a_timer_due_still_runs_to_its_end_first() {
    // The chain starts inside a macrotask (a timer) while a second timer is due
    // too: the checkpoint after the first timer runs every link.
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    let (core, start_log) = (lp.core().clone(), log.clone());
    lp.set_timeout_named("start", Duration::ZERO, move || {
        start_log.borrow_mut().push("start".into());
        link(&core, &start_log, 1, LINKS);
    });
    lp.set_timeout_named("timer", Duration::ZERO, note(&log, "timer"));
    let turns = lp.run_until_idle();
    let mut expected = vec!["start".to_string()];
    expected.extend(links(1..=LINKS));
    expected.push("timer".into());
    assert_eq!(*log.borrow(), expected);
    assert_eq!(
        turns, 2,
        "one turn per macrotask, the links inside the first"
    );
}

#[test]
fn the_same_chain_started_by_a_timer_on_asyncio_lets_the_other_timer_run_next() {
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    let (core, start_log) = (lp.core().clone(), log.clone());
    lp.call_later(Duration::ZERO, move || {
        start_log.borrow_mut().push("start".into());
        link(&core, &start_log, 1, LINKS);
    });
    lp.call_later(Duration::ZERO, note(&log, "timer"));
    lp.run_until_idle();
    let mut expected = vec!["start".to_string(), "timer".to_string()];
    expected.extend(links(1..=LINKS));
    assert_eq!(*log.borrow(), expected);
}

/// Two timers due at once, each queueing one microtask.
fn two_timers_each_queueing_a_microtask(
    core: &Rc<Core>,
    log: &Log,
    set_timer: impl Fn(&str, Box<dyn FnOnce()>),
) {
    for n in [1, 2] {
        let (core, log) = (core.clone(), log.clone());
        set_timer(
            &format!("t{n}"),
            Box::new(move || {
                log.borrow_mut().push(format!("timer {n}"));
                core.call_soon(note(&log, &format!("microtask {n}")));
            }),
        );
    }
}

// ANCHOR: between_timers
#[test]
fn node_runs_the_microtasks_between_two_due_timers() {
    let lp = NodeLoop::virtual_time();
    let log = Log::default();
    let node = lp.handle();
    two_timers_each_queueing_a_microtask(lp.core(), &log, |label, cb| {
        node.set_timeout_named(label.to_string(), Duration::ZERO, cb);
    });
    lp.run_until_idle();
    let expected = ["timer 1", "microtask 1", "timer 2", "microtask 2"];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn asyncio_runs_both_due_timers_before_the_callbacks_they_queue() {
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    let timers = lp.handle();
    two_timers_each_queueing_a_microtask(lp.core(), &log, |label, cb| {
        timers.call_later_named(label.to_string(), Duration::ZERO, cb);
    });
    lp.run_until_idle();
    let expected = ["timer 1", "timer 2", "microtask 1", "microtask 2"];
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: between_timers

#[test]
fn the_html_loop_also_runs_one_timer_per_turn_and_the_microtasks_after_it() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    let js = lp.handle();
    two_timers_each_queueing_a_microtask(lp.core(), &log, |label, cb| {
        js.set_timeout_named(label.to_string(), Duration::ZERO, cb);
    });
    lp.run_until_idle();
    let expected = ["timer 1", "microtask 1", "timer 2", "microtask 2"];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn a_panicking_macrotask_unwinds_out_of_run_once_and_the_queues_keep_the_rest() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    let (js, inner) = (lp.handle(), log.clone());
    lp.queue_macrotask("boom", move || {
        js.queue_microtask(note(&inner, "microtask queued before the panic"));
        panic!("boom");
    });
    lp.queue_macrotask("next", note(&log, "next task"));
    let caught = catch_unwind(AssertUnwindSafe(|| lp.run_once()));
    let payload = caught.expect_err("the panic reaches the caller");
    assert_eq!(ch03_ready_queue::panic_message(&*payload), "boom");
    assert!(log.borrow().is_empty(), "nothing else ran in that turn");
    assert_eq!((lp.macrotasks_len(), lp.microtasks_len()), (1, 1));
    lp.run_until_idle(); // the caller may go on, like a page after an error
    let expected = ["microtask queued before the panic", "next task"];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn a_panicking_timer_on_node_unwinds_out_of_the_turn_and_leaves_the_rest_queued() {
    let clock = VirtualClock::new();
    let lp = NodeLoop::with_clock(clock.clone(), Tracing::Off);
    let log = Log::default();
    let (node, inner) = (lp.handle(), log.clone());
    lp.set_timeout_named("boom", Duration::ZERO, move || {
        node.next_tick(note(&inner, "tick queued before the panic"));
        panic!("boom");
    });
    lp.set_timeout_named("t2", Duration::ZERO, note(&log, "timer 2"));
    lp.set_immediate(note(&log, "immediate"));
    clock.advance(MIN_TIMEOUT); // both timers are due when the first turn begins
    let caught = catch_unwind(AssertUnwindSafe(|| lp.run_once()));
    assert!(caught.is_err(), "the panic unwinds out of the turn");
    assert!(
        log.borrow().is_empty(),
        "the turn stopped in its timers phase"
    );
    // The caller may go on, as Node does with an 'uncaughtException' handler;
    // Node then finishes the timers phase first (timer 2 before the tick).
    lp.run_until_idle();
    let expected = ["tick queued before the panic", "timer 2", "immediate"];
    assert_eq!(*log.borrow(), expected);
}

// ANCHOR: checkpoint
#[test]
fn a_checkpoint_runs_the_microtasks_queued_while_it_runs() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    link(lp.core(), &log, 1, 3);
    assert_eq!(lp.microtasks_len(), 1, "one link queued");
    assert_eq!(lp.microtask_checkpoint(), 3, "and three ran");
    assert_eq!(lp.microtasks_len(), 0);
}

#[test]
fn an_asyncio_iteration_runs_only_the_snapshot() {
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    link(lp.core(), &log, 1, 3);
    lp.run_once();
    assert_eq!(
        *log.borrow(),
        ["link 1"],
        "link 2 was queued after the snapshot"
    );
    assert_eq!(lp.ready_len(), 1);
}
// ANCHOR_END: checkpoint
