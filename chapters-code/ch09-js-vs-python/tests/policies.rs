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
use ch04_timers::{TimerHandle, VirtualClock};
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
/// Two timers due at once: the first starts a chain of `LINKS` links, the second
/// only logs. `set_timer` is each loop's `setTimeout` (or `call_later`).
fn a_chain_started_by_a_timer_beside_a_due_timer(
    core: &Rc<Core>,
    log: &Log,
    set_timer: impl Fn(&str, Box<dyn FnOnce()>),
) {
    let (core, start_log) = (core.clone(), log.clone());
    set_timer(
        "start",
        Box::new(move || {
            start_log.borrow_mut().push("start".into());
            link(&core, &start_log, 1, LINKS);
        }),
    );
    set_timer("timer", Box::new(note(log, "timer")));
}

#[test]
fn a_chain_started_by_a_timer_runs_to_its_end_before_the_other_due_timer() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    let js = lp.handle();
    a_chain_started_by_a_timer_beside_a_due_timer(lp.core(), &log, |label, cb| {
        js.set_timeout_named(label.to_string(), Duration::ZERO, cb);
    });
    let turns = lp.run_until_idle();
    let mut expected = vec!["start".to_string()];
    expected.extend(links(1..=LINKS));
    expected.push("timer".into()); // due all along, after all 1,000 links
    assert_eq!(*log.borrow(), expected);
    assert_eq!(turns, 2, "one turn per timer, the links inside the first");
}
// ANCHOR_END: starvation

// ANCHOR: snapshot
#[test]
fn under_the_snapshot_rule_the_other_due_timer_runs_before_the_first_link() {
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    let timers = lp.handle();
    a_chain_started_by_a_timer_beside_a_due_timer(lp.core(), &log, |label, cb| {
        timers.call_later_named(label.to_string(), Duration::ZERO, cb);
    });
    lp.run_until_idle();
    // Iteration 1's snapshot holds both timers; link 1, queued by the first,
    // waits for iteration 2.
    let mut expected = vec!["start".to_string(), "timer".to_string()];
    expected.extend(links(1..=LINKS));
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: snapshot

#[test]
fn on_node_too_the_chain_runs_to_the_end_before_the_due_timer() {
    let clock = VirtualClock::new();
    let lp = NodeLoop::with_clock(clock.clone(), Tracing::Off);
    let log = Log::default();
    let node = lp.handle();
    a_chain_started_by_a_timer_beside_a_due_timer(lp.core(), &log, |label, cb| {
        node.set_timeout_named(label.to_string(), Duration::ZERO, cb);
    });
    clock.advance(MIN_TIMEOUT); // both are due when the first turn begins
    lp.run_until_idle();
    let mut expected = vec!["start".to_string()];
    expected.extend(links(1..=LINKS));
    expected.push("timer".into());
    assert_eq!(*log.borrow(), expected);
}

// The same chain queued by the test itself, before the first turn: each JS loop
// drains it first (its step 0), asyncio runs the due timer after link 1.

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

#[test]
fn on_node_a_chain_queued_before_the_first_turn_runs_before_a_due_timer() {
    let clock = VirtualClock::new();
    let lp = NodeLoop::with_clock(clock.clone(), Tracing::Off);
    let log = Log::default();
    link(lp.core(), &log, 1, LINKS);
    lp.set_timeout(Duration::ZERO, note(&log, "timer"));
    clock.advance(MIN_TIMEOUT); // due before the first turn begins
    lp.run_until_idle();
    let mut expected = links(1..=LINKS);
    expected.push("timer".into());
    assert_eq!(*log.borrow(), expected);
}

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
fn the_html_loop_runs_one_macrotask_per_turn_and_its_microtasks_before_the_next() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    for n in [1, 2] {
        let (js, log) = (lp.handle(), log.clone());
        lp.queue_macrotask(format!("task {n}"), move || {
            log.borrow_mut().push(format!("task {n}"));
            js.queue_microtask(note(&log, &format!("microtask {n}")));
        });
    }
    let turns = lp.run_until_idle();
    let expected = ["task 1", "microtask 1", "task 2", "microtask 2"];
    assert_eq!(*log.borrow(), expected);
    assert_eq!(turns, 2);
}

/// Two timers due at once; the first clears the second (`clearTimeout`) before
/// the second's turn comes. `set_timer` is each loop's `setTimeout`.
fn the_first_of_two_due_timers_clears_the_second(
    log: &Log,
    set_timer: impl Fn(&str, Box<dyn FnOnce()>) -> TimerHandle,
) {
    let second: Rc<RefCell<Option<TimerHandle>>> = Rc::default();
    let (slot, first_log) = (second.clone(), log.clone());
    set_timer(
        "t1",
        Box::new(move || {
            let second = slot.borrow_mut().take().expect("set before any turn");
            let cleared = second.cancel();
            let entry = format!("timer 1 clears timer 2: {cleared}");
            first_log.borrow_mut().push(entry);
        }),
    );
    let handle = set_timer("t2", Box::new(note(log, "timer 2")));
    *second.borrow_mut() = Some(handle);
}

#[test]
fn clear_timeout_on_a_due_timer_whose_turn_has_not_come_keeps_it_from_running() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Log::default();
    let js = lp.handle();
    the_first_of_two_due_timers_clears_the_second(&log, |label, cb| {
        js.set_timeout_named(label.to_string(), Duration::ZERO, cb)
    });
    lp.run_until_idle();
    // Chromium: "timer 1 cleared timer 2", and timer 2 never runs
    assert_eq!(*log.borrow(), ["timer 1 clears timer 2: true"]);
}

#[test]
fn on_node_clear_timeout_on_a_due_timer_keeps_it_from_running_too() {
    let clock = VirtualClock::new();
    let lp = NodeLoop::with_clock(clock.clone(), Tracing::Off);
    let log = Log::default();
    let node = lp.handle();
    the_first_of_two_due_timers_clears_the_second(&log, |label, cb| {
        node.set_timeout_named(label.to_string(), Duration::ZERO, cb)
    });
    clock.advance(MIN_TIMEOUT); // both are due when the first turn begins
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["timer 1 clears timer 2: true"]);
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
    // The caller may go on, as Node does with an 'uncaughtException' handler.
    // Node differs here: it finishes the timers phase first (timer 2, then the
    // tick). Our loop runs the tick first: the next turn's step 0.
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
