//! Traces: what the loop did, event by event, and renderings of it.
//!
//! A loop records a trace only when asked ([`crate::EventLoop::with_trace`]); otherwise the
//! recording code is one `if let Some(..)` on a `None`. Tests compare traces as lines of text
//! ([`render_lines`]); the book's sequence diagrams are rendered from the same traces
//! ([`render_mermaid`]) and checked in under `src/generated/`.

use std::cell::RefCell;
use std::fmt;

/// What a poll of a task's future answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `Poll::Pending`: the task waits until something wakes it.
    Pending,
    /// `Poll::Ready`: the task is done.
    Ready,
    /// The poll panicked: the task is done, with a panic as its result.
    Panicked,
}

/// One thing the loop did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An iteration (one `run_once`) began, with this many entries ready: its snapshot.
    Iteration {
        /// 1 for the loop's first iteration.
        number: u64,
        /// How many entries this iteration will run.
        ready: usize,
    },
    /// A callback was queued with `call_soon`.
    Queued {
        /// Its label ("callback" when it has none).
        label: String,
    },
    /// A callback ran.
    Callback {
        /// Its label ("callback" when it has none).
        label: String,
    },
    /// A task was created and its first step queued (or, eagerly, run at once).
    Spawned {
        /// The task's name.
        task: String,
    },
    /// The loop began polling a task: one step.
    Poll {
        /// The task's name.
        task: String,
    },
    /// The poll returned.
    Polled {
        /// The task's name.
        task: String,
        /// What it answered.
        outcome: Outcome,
    },
    /// A waker queued a waiting task's next step.
    Woken {
        /// The task's name.
        task: String,
    },
    /// A task was cancelled: its future was dropped.
    Cancelled {
        /// The task's name.
        task: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Iteration { number, ready } => write!(f, "iteration {number}: {ready} ready"),
            Event::Queued { label } => write!(f, "call_soon {label}"),
            Event::Callback { label } => write!(f, "callback {label}"),
            Event::Spawned { task } => write!(f, "spawn {task}"),
            Event::Poll { task } => write!(f, "poll {task}"),
            Event::Polled { task, outcome } => write!(f, "{task} -> {outcome:?}"),
            Event::Woken { task } => write!(f, "wake {task}"),
            Event::Cancelled { task } => write!(f, "cancel {task}"),
        }
    }
}

/// A trace being recorded: a list of events behind a `RefCell`, owned by one loop.
#[derive(Debug, Default)]
pub struct Trace {
    events: RefCell<Vec<Event>>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an event.
    pub fn record(&self, event: Event) {
        self.events.borrow_mut().push(event);
    }

    /// A copy of the events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.borrow().clone()
    }

    /// Forgets the events so far (to trace only the part of a scenario that matters).
    pub fn clear(&self) {
        self.events.borrow_mut().clear();
    }
}

/// One line of text per event, as compared by the tests.
pub fn render_lines(events: &[Event]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}

/// Keeps a label safe inside a mermaid message: no characters mermaid gives a meaning to.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' | '#' | ':' | '(' | ')' | '<' | '>' | '{' | '}' | '"' => ' ',
            c => c,
        })
        .collect()
}

// ANCHOR: render_mermaid
/// Renders a trace as a mermaid `sequenceDiagram`: the loop, then one participant per task in
/// the order they first appear. Iterations become notes over the loop, callbacks messages from
/// the loop to itself, polls a message to the task and its answer back.
pub fn render_mermaid(events: &[Event]) -> String {
    let mut tasks: Vec<&str> = Vec::new();
    for event in events {
        if let Event::Spawned { task }
        | Event::Poll { task }
        | Event::Polled { task, .. }
        | Event::Woken { task }
        | Event::Cancelled { task } = event
        {
            if !tasks.contains(&task.as_str()) {
                tasks.push(task);
            }
        }
    }
    let id = |task: &str| {
        format!(
            "T{}",
            tasks.iter().position(|t| *t == task).unwrap_or(0) + 1
        )
    };
    let mut out = String::from("sequenceDiagram\n    participant L as loop\n");
    for task in &tasks {
        out += &format!("    participant {} as {}\n", id(task), mermaid_text(task));
    }
    for event in events {
        let line = match event {
            Event::Iteration { number, ready } => {
                format!("Note over L: iteration {number}, {ready} ready")
            }
            Event::Queued { label } => format!("L-->>L: call_soon {}", mermaid_text(label)),
            Event::Callback { label } => format!("L->>L: callback {}", mermaid_text(label)),
            Event::Spawned { task } => format!("Note over {}: spawned, step queued", id(task)),
            Event::Poll { task } => format!("L->>{}: poll", id(task)),
            Event::Polled { task, outcome } => format!("{}-->>L: {outcome:?}", id(task)),
            Event::Woken { task } => format!("Note over {}: woken, step queued", id(task)),
            Event::Cancelled { task } => format!("Note over {}: cancelled, dropped", id(task)),
        };
        out += &format!("    {line}\n");
    }
    out
}
// ANCHOR_END: render_mermaid
