//! Traces: chapter 4's events (which wrap chapter 3's), plus what the selector did.
//!
//! Every layer writes into the loop's one trace: chapter 4's recorder wraps its
//! events (and chapter 3's, inside) in [`Event::Timers`] on the way, so they land in
//! the order they happened. Traces name sockets by the names they were registered
//! with, never by fd or port, so a trace of real sockets is the same on every run.

use std::time::Duration;

use ch03_ready_queue::{LoopEvent, mermaid_text, sequence_diagram};
use ch04_timers::fmt_time;

use crate::selector::Interest;

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Something chapter 4's loop did: timers, the clock, and (inside) chapter 3's
    /// events.
    Timers(ch04_timers::Event),
    /// A socket was registered with the selector.
    Registered {
        /// Its name.
        name: String,
    },
    /// A socket was deregistered (closed, dropped).
    Deregistered {
        /// Its name.
        name: String,
    },
    /// A task waits for a socket to be ready: asyncio's `add_reader` / `add_writer`.
    Waiting {
        /// The socket's name.
        name: String,
        /// Which direction.
        interest: Interest,
    },
    /// A waiter went away before the socket was ready: `remove_reader` /
    /// `remove_writer`.
    StoppedWaiting {
        /// The socket's name.
        name: String,
        /// Which direction.
        interest: Interest,
    },
    /// The loop called `select`: step 1 of an iteration.
    SelectCalled {
        /// How long it may block: `None` is no timeout.
        timeout: Option<Duration>,
    },
    /// `select` reported a socket ready that someone waits for.
    FdReady {
        /// The socket's name.
        name: String,
        /// Readable (or at EOF, or failed), and a reader waits.
        readable: bool,
        /// Writable (or failed), and a writer waits.
        writable: bool,
    },
}

fn direction(interest: Interest) -> &'static str {
    match interest {
        Interest::Read => "reader",
        Interest::Write => "writer",
    }
}

/// A select timeout as text: `0s`, `1.5s`, or `none` (block until an fd is ready).
pub fn fmt_timeout(timeout: Option<Duration>) -> String {
    timeout.map_or_else(|| "none".to_string(), fmt_time)
}

fn ready_flags(readable: bool, writable: bool) -> &'static str {
    match (readable, writable) {
        (true, true) => "readable+writable",
        (true, false) => "readable",
        (false, true) => "writable",
        (false, false) => "-",
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Timers(event) => write!(f, "{event}"),
            Event::Registered { name } => write!(f, "register {name}"),
            Event::Deregistered { name } => write!(f, "deregister {name}"),
            Event::Waiting { name, interest } => {
                write!(f, "add_{} {name}", direction(*interest))
            }
            Event::StoppedWaiting { name, interest } => {
                write!(f, "remove_{} {name}", direction(*interest))
            }
            Event::SelectCalled { timeout } => {
                write!(f, "select(timeout={})", fmt_timeout(*timeout))
            }
            Event::FdReady {
                name,
                readable,
                writable,
            } => write!(f, "ready {name}: {}", ready_flags(*readable, *writable)),
        }
    }
}

pub use ch03_ready_queue::render_lines;

impl<E: Into<ch04_timers::Event>> From<E> for Event {
    fn from(event: E) -> Self {
        Event::Timers(event.into())
    }
}

impl LoopEvent for Event {
    fn loop_event(&self) -> Option<&ch03_ready_queue::Event> {
        match self {
            Event::Timers(e) => e.loop_event(),
            _ => None,
        }
    }
}

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: the loop, the selector, then one
/// participant per task. A `select` is a message to the selector; what it reports
/// comes back to the loop. A select's timeout is shown as what it means (`0`,
/// `until the next timer`, `no timeout`), so that a trace taken on the real clock
/// renders the same on every run.
pub fn render_mermaid(events: &[Event]) -> String {
    use ch04_timers::Event as T;
    let participants = [("L", "loop"), ("S", "selector")];
    sequence_diagram(events, &participants, |event, sender| match event {
        Event::Timers(T::Loop(_)) => unreachable!("drawn by the task lanes"),
        Event::Timers(T::TimerScheduled { label, .. }) => {
            format!("{sender}->>L: call_later {}", mermaid_text(label))
        }
        Event::Timers(T::TimerFired { label, .. }) => {
            format!("Note over L: timer {} due, to ready", mermaid_text(label))
        }
        Event::Timers(T::TimerCancelled { label }) => {
            format!("{sender}-->>L: cancel timer {}", mermaid_text(label))
        }
        Event::Timers(T::ClockAdvanced { .. }) => {
            "Note over L,S: no fd ready, the timeout passed".to_string()
        }
        Event::Timers(T::HeapCompacted { removed, .. }) => {
            format!("Note over L: timer heap compacted, {removed} removed")
        }
        Event::Registered { name } => {
            format!("{sender}->>S: register {}", mermaid_text(name))
        }
        Event::Deregistered { name } => {
            format!("{sender}->>S: deregister {}", mermaid_text(name))
        }
        Event::Waiting { name, interest } => {
            format!(
                "{sender}->>S: add_{} {}",
                direction(*interest),
                mermaid_text(name)
            )
        }
        Event::StoppedWaiting { name, interest } => {
            format!(
                "{sender}->>S: remove_{} {}",
                direction(*interest),
                mermaid_text(name)
            )
        }
        Event::SelectCalled { timeout } => {
            select_line(*timeout, "none, block until an fd is ready")
        }
        Event::FdReady {
            name,
            readable,
            writable,
        } => format!(
            "S-->>L: {} {}",
            mermaid_text(name),
            ready_flags(*readable, *writable)
        ),
    })
}
// ANCHOR_END: render_mermaid

/// The loop calling `select`, drawn with what its timeout means rather than its
/// value, so a trace on the real clock draws the same on every run; `no_timeout`
/// says what `None` means.
pub fn select_line(timeout: Option<Duration>, no_timeout: &str) -> String {
    let meaning = match timeout {
        Some(t) if t.is_zero() => "0, something is ready",
        Some(_) => "until the next timer",
        None => no_timeout,
    };
    format!("L->>S: select, timeout {meaning}")
}
