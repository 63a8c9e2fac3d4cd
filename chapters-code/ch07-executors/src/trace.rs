//! Traces: chapter 5's events (which wrap chapters 4 and 3), plus what came from
//! other threads.
//!
//! Another thread never records anything: it cannot touch the loop's trace. What it
//! did shows up when the loop takes it out of the inbox, on the loop's thread, so a
//! trace is the same on every run however the threads were scheduled.

use ch03_ready_queue::{LoopEvent, mermaid_text, sequence_diagram};
use ch05_io::trace::select_line;

pub use ch03_ready_queue::render_lines;

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Something chapter 5's loop did: I/O, timers, and (inside) chapters 4 and 3.
    Io(ch05_io::Event),
    /// A task sent a job to a pool (`run_in_executor`, `to_thread`).
    Submitted {
        /// The job's name: `job-1`, `job-2`, ...
        job: String,
    },
    /// The loop took something another thread left in the inbox: a callback
    /// (`call_soon_threadsafe <label>`), a task's waker (`task waker`), or `stop`.
    FromThread {
        /// What it was.
        what: String,
    },
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Io(event) => write!(f, "{event}"),
            Event::Submitted { job } => write!(f, "submit {job}"),
            Event::FromThread { what } => write!(f, "from another thread: {what}"),
        }
    }
}

impl<E: Into<ch05_io::Event>> From<E> for Event {
    fn from(event: E) -> Self {
        Event::Io(event.into())
    }
}

impl LoopEvent for Event {
    fn loop_event(&self) -> Option<&ch03_ready_queue::Event> {
        match self {
            Event::Io(e) => e.loop_event(),
            _ => None,
        }
    }
}

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: another thread, the loop, the
/// selector, then one participant per task. What came from another thread is a
/// message from it to the loop; a `select` is a message to the selector, with its
/// timeout as what it means.
pub fn render_mermaid(events: &[Event]) -> String {
    let participants = [("W", "pool thread"), ("L", "loop"), ("S", "selector")];
    sequence_diagram(events, &participants, |event, sender| match event {
        Event::Submitted { job } => format!("{sender}-)W: submit {job}"),
        Event::FromThread { what } => {
            format!("W-)L: {} via the inbox", mermaid_text(what))
        }
        Event::Io(ch05_io::Event::SelectCalled { timeout }) => {
            select_line(*timeout, "none, sleep until an fd or a thread wakes it")
        }
        Event::Io(other) => {
            format!("Note over L,S: {}", mermaid_text(&other.to_string()))
        }
    })
}
// ANCHOR_END: render_mermaid
