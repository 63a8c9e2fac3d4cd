//! Traces: chapter 3's events, plus what timers and the clock did.
//!
//! Chapter 3's `Core` records its own events (iterations, callbacks, polls,
//! wake-ups), the timer core records timer and clock events, and both write into the
//! loop's one trace: the core's recorder wraps its events in [`Event::Loop`] on the
//! way, so they land in order.

use std::time::Duration;

use ch03_ready_queue::{LoopEvent, mermaid_text, sequence_diagram};

pub use ch03_ready_queue::render_lines;

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Something chapter 3's core did: an iteration, a callback, a poll, a
    /// wake-up...
    Loop(ch03_ready_queue::Event),
    /// A timer was scheduled (`call_later`, `call_at`, a sleep, a timeout).
    TimerScheduled {
        /// Its label.
        label: String,
        /// Its deadline, in loop time.
        when: Duration,
    },
    /// A timer was cancelled before it fired.
    TimerCancelled {
        /// Its label.
        label: String,
    },
    /// A timer was due: the loop moved its callback to the ready queue.
    TimerFired {
        /// Its label.
        label: String,
        /// Its deadline.
        when: Duration,
    },
    /// The loop waited for the earliest deadline, and the clock moved.
    ClockAdvanced {
        /// The time before waiting.
        from: Duration,
        /// The time after.
        to: Duration,
    },
    /// The heap was rebuilt without its cancelled entries.
    HeapCompacted {
        /// Cancelled entries dropped.
        removed: usize,
        /// Live entries kept.
        kept: usize,
    },
}

/// A loop time as seconds: `0s`, `1s`, `1.5s`, `0.001s`.
pub fn fmt_time(time: Duration) -> String {
    if time.subsec_nanos() == 0 {
        return format!("{}s", time.as_secs());
    }
    let text = format!("{:.9}", time.as_secs_f64());
    format!("{}s", text.trim_end_matches('0'))
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Loop(event) => write!(f, "{event}"),
            Event::TimerScheduled { label, when } => {
                write!(f, "call_at {label} t={}", fmt_time(*when))
            }
            Event::TimerCancelled { label } => write!(f, "cancel timer {label}"),
            Event::TimerFired { label, when } => {
                write!(f, "timer {label} due (t={})", fmt_time(*when))
            }
            Event::ClockAdvanced { from, to } => {
                write!(f, "clock {} -> {}", fmt_time(*from), fmt_time(*to))
            }
            Event::HeapCompacted { removed, kept } => {
                write!(
                    f,
                    "heap compacted: {removed} cancelled removed, {kept} kept"
                )
            }
        }
    }
}

impl From<ch03_ready_queue::Event> for Event {
    fn from(event: ch03_ready_queue::Event) -> Self {
        Event::Loop(event)
    }
}

impl LoopEvent for Event {
    fn loop_event(&self) -> Option<&ch03_ready_queue::Event> {
        match self {
            Event::Loop(e) => Some(e),
            _ => None,
        }
    }
}

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: the loop, the timer heap, then
/// one participant per task. Timers are messages to the heap (from the task being
/// polled, if any) and back to the loop; the clock's jumps are notes across both.
pub fn render_mermaid(events: &[Event]) -> String {
    let participants = [("L", "loop"), ("H", "timer heap")];
    sequence_diagram(events, &participants, |event, sender| match event {
        Event::Loop(_) => unreachable!("drawn by the task lanes"),
        Event::TimerScheduled { label, when } => {
            format!(
                "{sender}->>H: call_at {} t={}",
                mermaid_text(label),
                fmt_time(*when)
            )
        }
        Event::TimerCancelled { label } => {
            format!("{sender}--xH: cancel {}", mermaid_text(label))
        }
        Event::TimerFired { label, when } => {
            format!(
                "H->>L: {} due t={}, to ready",
                mermaid_text(label),
                fmt_time(*when)
            )
        }
        Event::ClockAdvanced { from, to } => format!(
            "Note over L,H: nothing ready, clock {} to {}",
            fmt_time(*from),
            fmt_time(*to)
        ),
        Event::HeapCompacted { removed, kept } => {
            format!("Note over H: compacted, {removed} removed, {kept} kept")
        }
    })
}
// ANCHOR_END: render_mermaid
