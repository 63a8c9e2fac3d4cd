//! Where timers sit in one iteration: CPython's order, the notes' order, and the
//! snapshot rule.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::Tracing;
use ch04_timers::{Event, EventLoop, VirtualClock};
use common::{due_timer_vs_call_soon_scenario, secs};

/// A loop on a virtual clock with a spinner queued: a callback that "takes" 100 ms
/// per run, then queues itself again with `call_soon`, forever.
fn loop_with_a_spinner(traced: bool) -> EventLoop {
    fn spin(handle: Rc<ch04_timers::TimerCore>, clock: VirtualClock) {
        clock.advance(Duration::from_millis(100));
        let h = handle.clone();
        handle.call_soon_named("spin", move || spin(h, clock));
    }
    let clock = VirtualClock::new();
    let tracing = if traced { Tracing::On } else { Tracing::Off };
    let lp = EventLoop::with_clock(clock.clone(), tracing);
    let handle = lp.handle();
    lp.call_soon_named("spin", move || spin(handle, clock));
    lp
}

#[test]
fn cpythons_order_runs_a_due_timer_before_what_this_iteration_queues() {
    let (_, log) = due_timer_vs_call_soon_scenario(false);
    assert_eq!(*log.borrow(), ["X", "T", "Y"]);
}

#[test]
fn the_notes_order_runs_it_one_iteration_later() {
    let (_, log) = due_timer_vs_call_soon_scenario(true);
    assert_eq!(*log.borrow(), ["X", "Y", "T"]);
}

#[test]
fn a_due_timer_is_not_starved_by_a_callback_that_reschedules_itself() {
    let lp = loop_with_a_spinner(true);
    let handle = lp.handle();
    let fired_in = Rc::new(Cell::new(0));
    let f = fired_in.clone();
    let h = handle.clone();
    lp.call_later_named("T", secs(1.0), move || f.set(h.iteration()));
    for _ in 0..12 {
        lp.run_once();
    }
    assert_eq!(
        fired_in.get(),
        11,
        "due at the start of iteration 11, run in it"
    );
    assert!(lp.events().contains(&Event::TimerFired {
        label: "T".into(),
        when: secs(1.0)
    }));
    assert_eq!(lp.ready_len(), 1, "and the spinner is still going");
}

#[test]
fn what_a_due_timer_queues_runs_after_the_next_due_timer() {
    // asyncio's order, not Node's: both due timers join one snapshot, so what t1
    // queues with call_soon waits for the next iteration, behind t2.
    let lp = EventLoop::virtual_time();
    let log: common::Log = Default::default();
    for name in ["t1", "t2"] {
        let (handle, log) = (lp.handle(), log.clone());
        lp.call_later(Duration::ZERO, move || {
            log.borrow_mut().push(name.to_string());
            let l = log.clone();
            handle
                .call_soon(move || l.borrow_mut().push(format!("{name} call_soon")));
        });
    }
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["t1", "t2", "t1 call_soon", "t2 call_soon"]);
}
