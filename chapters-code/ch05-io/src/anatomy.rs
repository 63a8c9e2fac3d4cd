//! The loop drawing, grown by this chapter: chapter 4's wait becomes a wait in the
//! selector, which also hands the callbacks of ready sockets to the ready queue.
//! See [`ch03_ready_queue::anatomy`] for how the drawing is made and checked.

use crate::trace::Event;
use ch03_ready_queue::anatomy::{RUN, SNAPSHOT, Step, Structure};
use ch04_timers::anatomy::{self as ch04, DUE_TIMERS};

/// This chapter's iteration: chapter 4's, with the wait done by the selector.
pub const ITERATION: [Step; 4] = [SELECT, DUE_TIMERS, SNAPSHOT, RUN];

/// Waits for sockets, no longer than until the earliest timer.
pub const SELECT: Step = Step {
    id: "select",
    does: "select(timeout): wait for sockets, at most until the earliest timer; \
     ready sockets' callbacks join the ready queue",
    uses: Some(SELECTOR),
    chapter: 5,
};

/// The sockets the loop waits on: asyncio's `_selector`, epoll on Linux.
pub const SELECTOR: Structure = Structure {
    name: "selector (epoll)",
    chapter: 5,
};

/// The step a chapter-5 event belongs to: the call to `select`, what it reports and
/// the clock it lets move are the select step; chapter 4's events map as there.
pub fn step_of(event: &Event) -> Option<&'static str> {
    match event {
        Event::Timers(ch04_timers::Event::ClockAdvanced { .. }) => Some(SELECT.id),
        Event::Timers(event) => ch04::step_of(event),
        Event::SelectCalled { .. } | Event::FdReady { .. } => Some(SELECT.id),
        _ => None,
    }
}
