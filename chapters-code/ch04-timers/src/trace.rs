//! Traces: chapter 3's events, plus what timers and the clock did.
//!
//! Chapter 3's `Core` records its own events (iterations, callbacks, polls, wake-ups). The
//! timer core records timer and clock events, and interleaves the two in the order they
//! happened: before recording one of its own, it moves the core's events so far into its list.

use std::time::Duration;

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Something chapter 3's core did: an iteration, a callback, a poll, a wake-up...
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

/// One line of text per event, as compared by the tests.
pub fn render_lines(events: &[Event]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}

/// Keeps a label safe inside a mermaid message.
fn text(label: &str) -> String {
    label
        .chars()
        .map(|c| match c {
            ';' | '#' | ':' | '(' | ')' | '<' | '>' | '{' | '}' | '"' => ' ',
            c => c,
        })
        .collect()
}

/// The task a chapter 3 event is about, if any.
fn task_of(event: &Event) -> Option<&str> {
    use ch03_ready_queue::Event as E;
    match event {
        Event::Loop(
            E::Spawned { task }
            | E::Poll { task }
            | E::Polled { task, .. }
            | E::Woken { task }
            | E::Cancelled { task },
        ) => Some(task),
        _ => None,
    }
}

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: the loop, the timer heap, then one
/// participant per task. Timers are messages to the heap (from the task being polled, if any)
/// and back to the loop; the clock's jumps are notes across both.
pub fn render_mermaid(events: &[Event]) -> String {
    use ch03_ready_queue::Event as E;
    let mut tasks: Vec<&str> = Vec::new();
    for task in events.iter().filter_map(task_of) {
        if !tasks.contains(&task) {
            tasks.push(task);
        }
    }
    let id = |task: &str| {
        format!(
            "T{}",
            tasks.iter().position(|t| *t == task).unwrap_or(0) + 1
        )
    };
    let mut out = String::from("sequenceDiagram\n    participant L as loop\n");
    out += "    participant H as timer heap\n";
    for task in &tasks {
        out += &format!("    participant {} as {}\n", id(task), text(task));
    }
    let mut running: Option<String> = None; // the task being polled, if any
    for event in events {
        let sender = running.clone().unwrap_or_else(|| "L".into());
        let line = match event {
            Event::Loop(E::Iteration { number, ready }) => {
                format!("Note over L: iteration {number}, {ready} ready")
            }
            Event::Loop(E::Queued { label }) => format!("L-->>L: call_soon {}", text(label)),
            Event::Loop(E::Callback { label }) => format!("L->>L: callback {}", text(label)),
            Event::Loop(E::Spawned { task }) => format!("Note over {}: spawned", id(task)),
            Event::Loop(E::Poll { task }) => {
                running = Some(id(task));
                format!("L->>{}: poll", id(task))
            }
            Event::Loop(E::Polled { task, outcome }) => {
                running = None;
                format!("{}-->>L: {outcome:?}", id(task))
            }
            Event::Loop(E::Woken { task }) => format!("Note over {}: woken", id(task)),
            Event::Loop(E::Cancelled { task }) => format!("Note over {}: cancelled", id(task)),
            Event::TimerScheduled { label, when } => {
                format!(
                    "{sender}->>H: call_at {} t={}",
                    text(label),
                    fmt_time(*when)
                )
            }
            Event::TimerCancelled { label } => format!("{sender}--xH: cancel {}", text(label)),
            Event::TimerFired { label, when } => {
                format!("H->>L: {} due t={}, to ready", text(label), fmt_time(*when))
            }
            Event::ClockAdvanced { from, to } => format!(
                "Note over L,H: nothing ready, clock {} to {}",
                fmt_time(*from),
                fmt_time(*to)
            ),
            Event::HeapCompacted { removed, kept } => {
                format!("Note over H: compacted, {removed} removed, {kept} kept")
            }
        };
        out += &format!("    {line}\n");
    }
    out
}
// ANCHOR_END: render_mermaid
