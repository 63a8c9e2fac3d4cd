//! The loop drawing of chapter 3, grown by this chapter's two steps: wait for the
//! earliest timer, then move the due timers to the ready queue. See
//! [`ch03_ready_queue::anatomy`] for how the drawing is made and checked.

use crate::trace::Event;
use ch03_ready_queue::anatomy::{self as ch03, RUN, SNAPSHOT, Step, Structure};

/// This chapter's iteration: two steps before chapter 3's, around the timer heap.
pub const ITERATION: [Step; 4] = [WAIT, DUE_TIMERS, SNAPSHOT, RUN];

/// Sleeps for as long as nothing can happen: not at all if something is ready.
pub const WAIT: Step = Step {
    id: "wait",
    does: "wait: not at all if anything is ready, else until the earliest timer",
    uses: None, // it reads the heap's earliest deadline; the heap is drawn once

    chapter: 4,
};

/// Hands every timer whose time has come to the ready queue.
pub const DUE_TIMERS: Step = Step {
    id: "timers",
    does: "move every due timer to the back of the ready queue",
    uses: Some(TIMER_HEAP),
    chapter: 4,
};

/// The timers, earliest first: asyncio's `_scheduled`.
pub const TIMER_HEAP: Structure = Structure {
    name: "timer heap",
    chapter: 4,
};

/// The step a chapter-4 event belongs to: the clock moving is the wait, a timer
/// firing is the move of due timers; chapter 3's events map as there.
pub fn step_of(event: &Event) -> Option<&'static str> {
    match event {
        Event::Loop(event) => ch03::step_of(event),
        Event::ClockAdvanced { .. } => Some(WAIT.id),
        Event::TimerFired { .. } => Some(DUE_TIMERS.id),
        _ => None,
    }
}
