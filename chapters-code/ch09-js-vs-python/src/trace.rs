//! Traces: chapter 5's events (which wrap chapters 4 and 3), plus what a
//! JavaScript loop adds: turns, Node's phases, its queues, and the microtask
//! checkpoint.
//!
//! A microtask is an entry of chapter 3's ready queue, so a microtask is recorded
//! as chapter 3's `call_soon` and `callback` events (or a task's `poll`),
//! unchanged; traces and drawings show those two as `queue microtask` and
//! `microtask`, the JavaScript words.

use std::fmt;

use ch03_ready_queue::{LoopEvent, mermaid_text, sequence_diagram};

/// One of Node's phases, in the order a turn visits them (libuv's `uv_run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Due timers, one callback at a time: `setTimeout`, `setInterval`.
    Timers,
    /// I/O callbacks deferred from the previous turn.
    Pending,
    /// Wait for I/O (and for other threads' messages), then run their callbacks.
    Poll,
    /// `setImmediate` callbacks.
    Check,
    /// `close` callbacks: handles closed during the turn.
    Close,
}

impl Phase {
    /// The phase's name as Node's documentation writes it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Timers => "timers",
            Phase::Pending => "pending callbacks",
            Phase::Poll => "poll",
            Phase::Check => "check",
            Phase::Close => "close callbacks",
        }
    }
}

/// Which queue a callback waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// The microtask queue: chapter 3's ready queue. Only traces and drawings
    /// use it, for chapter 3's own `call_soon` and `callback` events.
    Microtask,
    /// The HTML loop's task queue (the micro loop's macrotasks).
    Task,
    /// Node's `process.nextTick` queue.
    Tick,
    /// A due timer, taken from chapter 4's heap.
    Timer,
    /// Node's pending-callbacks phase.
    Pending,
    /// The poll phase's callbacks: I/O readiness, other threads' results.
    Poll,
    /// Node's check phase: `setImmediate`.
    Immediate,
    /// Node's close-callbacks phase.
    Close,
}

impl Queue {
    /// A short name for traces.
    pub fn name(self) -> &'static str {
        match self {
            Queue::Microtask => "microtask",
            Queue::Task => "task",
            Queue::Tick => "tick",
            Queue::Timer => "timer",
            Queue::Pending => "pending",
            Queue::Poll => "poll",
            Queue::Immediate => "immediate",
            Queue::Close => "close",
        }
    }

    /// The Node phase that runs this queue's callbacks, if one does (ticks and
    /// microtasks run in every checkpoint, macrotasks on the HTML loop).
    pub fn phase(self) -> Option<Phase> {
        match self {
            Queue::Timer => Some(Phase::Timers),
            Queue::Pending => Some(Phase::Pending),
            Queue::Poll => Some(Phase::Poll),
            Queue::Immediate => Some(Phase::Check),
            Queue::Close => Some(Phase::Close),
            Queue::Microtask | Queue::Task | Queue::Tick => None,
        }
    }
}

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Something chapter 5's loop did (and, inside, chapters 4 and 3): a timer, a
    /// `select`, a ready-queue callback (which, here, is a microtask).
    Io(ch05_io::Event),
    /// A turn of a JavaScript loop began.
    Turn {
        /// 1 for the first turn.
        number: u64,
    },
    /// A Node phase began.
    Phase {
        /// Which.
        phase: Phase,
    },
    /// A callback joined one of the JavaScript queues.
    Queued {
        /// Which queue.
        queue: Queue,
        /// Its label.
        label: String,
    },
    /// A callback from one of those queues ran.
    Ran {
        /// Which queue it came from.
        queue: Queue,
        /// Its label.
        label: String,
    },
    /// A microtask checkpoint drained the queues to empty.
    Checkpoint {
        /// How many `process.nextTick` callbacks it ran (always 0 outside Node).
        ticks: usize,
        /// How many microtasks (ready-queue entries) it ran.
        microtasks: usize,
    },
}

impl Event {
    /// Chapter 3's `call_soon` and `callback` events as what they are on a
    /// JavaScript loop: a microtask queued, a microtask run. `None` for the rest.
    pub fn as_microtask(&self) -> Option<Event> {
        use ch03_ready_queue::Event as Ready;
        match self.loop_event()? {
            Ready::Queued { label } => Some(Event::Queued {
                queue: Queue::Microtask,
                label: label.to_string(),
            }),
            Ready::Callback { label } => Some(Event::Ran {
                queue: Queue::Microtask,
                label: label.to_string(),
            }),
            _ => None,
        }
    }
}

/// `1 tick`, `2 ticks`.
fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// `3 microtasks`, or `1 tick, 3 microtasks` if ticks ran.
fn checkpoint_counts(ticks: usize, microtasks: usize) -> String {
    match ticks {
        0 => count(microtasks, "microtask"),
        ticks => format!(
            "{}, {}",
            count(ticks, "tick"),
            count(microtasks, "microtask")
        ),
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Io(event) => match self.as_microtask() {
                Some(microtask) => write!(f, "{microtask}"),
                None => write!(f, "{event}"),
            },
            Event::Turn { number } => write!(f, "turn {number}"),
            Event::Phase { phase } => write!(f, "phase {}", phase.name()),
            Event::Queued { queue, label } => {
                write!(f, "queue {} {label}", queue.name())
            }
            Event::Ran { queue, label } => write!(f, "{} {label}", queue.name()),
            Event::Checkpoint { ticks, microtasks } => {
                write!(f, "checkpoint: {}", checkpoint_counts(*ticks, *microtasks))
            }
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

pub use ch03_ready_queue::render_lines;

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: the loop, the selector, then
/// one participant per task. Phases and checkpoints are notes over the loop; a
/// callback is a message from the loop to itself; chapter 5's events are drawn
/// much as chapter 5 draws them, ready-queue callbacks as microtasks. Filtered:
/// checkpoints that ran nothing are left out (Node runs one after every callback).
pub fn render_mermaid(events: &[Event]) -> String {
    let shown: Vec<Event> = events
        .iter()
        .filter(|e| {
            !matches!(
                e,
                Event::Checkpoint {
                    ticks: 0,
                    microtasks: 0
                }
            )
        })
        .map(|e| e.as_microtask().unwrap_or_else(|| e.clone()))
        .collect();
    let participants = [("L", "loop"), ("S", "selector")];
    sequence_diagram(&shown, &participants, |event, sender| match event {
        Event::Io(inner) => io_line(inner, sender),
        Event::Turn { number } => format!("Note over L,S: turn {number}"),
        Event::Phase { phase } => format!("Note over L: {} phase", phase.name()),
        Event::Queued { queue, label } => {
            format!(
                "{sender}-->>L: queue {} {}",
                queue.name(),
                mermaid_text(label)
            )
        }
        Event::Ran { queue, label } => {
            format!("L->>L: {} {}", queue.name(), mermaid_text(label))
        }
        Event::Checkpoint { ticks, microtasks } => {
            let counts = checkpoint_counts(*ticks, *microtasks);
            format!("Note over L: checkpoint, {counts}")
        }
    })
}
// ANCHOR_END: render_mermaid

/// One of chapter 5's events (a timer, a `select`, a socket), as a line of the
/// diagram.
fn io_line(event: &ch05_io::Event, sender: &str) -> String {
    use ch04_timers::Event as T;
    use ch05_io::Event as Io;
    match event {
        Io::Timers(T::Loop(_)) => unreachable!("drawn by the task lanes"),
        Io::Timers(T::TimerScheduled { label, .. }) => {
            format!("{sender}-->>L: timer {}", mermaid_text(label))
        }
        Io::Timers(T::TimerFired { label, .. }) => {
            format!("Note over L: timer {} due", mermaid_text(label))
        }
        Io::Timers(T::TimerCancelled { label }) => {
            format!("{sender}--xL: cancel timer {}", mermaid_text(label))
        }
        Io::Timers(T::ClockAdvanced { .. }) => {
            "Note over L,S: nothing ready, the timeout passed".to_string()
        }
        Io::Timers(T::HeapCompacted { removed, .. }) => {
            format!("Note over L: timer heap compacted, {removed} removed")
        }
        Io::SelectCalled { timeout } => {
            ch05_io::trace::select_line(*timeout, "none, block until an fd is ready")
        }
        Io::FdReady { name, .. } => format!("S-->>L: {} ready", mermaid_text(name)),
        Io::Registered { name } => {
            format!("{sender}->>S: watch {}", mermaid_text(name))
        }
        Io::Deregistered { name } => {
            format!("{sender}->>S: unwatch {}", mermaid_text(name))
        }
        Io::Waiting { name, .. } => {
            format!("{sender}->>S: wait for {}", mermaid_text(name))
        }
        Io::StoppedWaiting { name, .. } => {
            format!("{sender}->>S: stop waiting for {}", mermaid_text(name))
        }
    }
}
