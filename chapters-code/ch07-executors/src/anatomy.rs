//! The loop drawing, grown by this chapter: another thread can end the wait in the
//! selector, and a new step drains what other threads posted into the inbox. See
//! [`ch03_ready_queue::anatomy`] for how the drawing is made and checked.

use crate::trace::Event;
use ch03_ready_queue::anatomy::{RUN, SNAPSHOT, Step, Structure};
use ch04_timers::anatomy::DUE_TIMERS;
use ch05_io::anatomy::{self as ch05, SELECTOR};

/// This chapter's iteration: chapter 5's, with the inbox drained after the wait.
pub const ITERATION: [Step; 5] = [SELECT, DRAIN_INBOX, DUE_TIMERS, SNAPSHOT, RUN];

/// Chapter 5's select, which a post from another thread now ends early.
pub const SELECT: Step = Step {
    id: "select",
    does: "select(timeout): 0 if the inbox holds anything; another thread's post \
     ends the wait (the self-pipe)",
    uses: Some(SELECTOR),
    chapter: 7,
};

/// Moves what other threads posted to the ready queue, in the order they posted.
pub const DRAIN_INBOX: Step = Step {
    id: "inbox",
    does: "drain the inbox: what other threads posted joins the ready queue",
    uses: Some(INBOX),
    chapter: 7,
};

/// What other threads post for the loop, behind a mutex. CPython has no separate
/// inbox: `call_soon_threadsafe` appends to `_ready` under the GIL.
pub const INBOX: Structure = Structure {
    name: "inbox (Mutex)",
    chapter: 7,
};

/// The step a chapter-7 event belongs to: something taken from another thread is
/// the inbox drain; chapter 5's events map as there.
pub fn step_of(event: &Event) -> Option<&'static str> {
    match event {
        Event::Io(event) => ch05::step_of(event),
        Event::FromThread { .. } => Some(DRAIN_INBOX.id),
        Event::Submitted { .. } => None,
    }
}
