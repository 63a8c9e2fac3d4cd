//! Traces: what the loop did, event by event, and renderings of it.
//!
//! A loop records a trace only when asked ([`crate::EventLoop::traced`]); otherwise
//! the recording code is one `if let Some(..)` on a `None`. Tests compare traces as
//! lines of text ([`render_lines`]); the book's sequence diagrams are rendered from
//! the same traces ([`render_mermaid`]) and checked in under `src/generated/`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

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
    /// An iteration (one `run_once`) began, with this many entries ready: its
    /// snapshot.
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

impl Event {
    /// The task the event is about, if any.
    pub fn task(&self) -> Option<&str> {
        match self {
            Event::Spawned { task }
            | Event::Poll { task }
            | Event::Polled { task, .. }
            | Event::Woken { task }
            | Event::Cancelled { task } => Some(task),
            Event::Iteration { .. }
            | Event::Queued { .. }
            | Event::Callback { .. } => None,
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Iteration { number, ready } => {
                write!(f, "iteration {number}: {ready} ready")
            }
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

// ANCHOR: recorder
/// Whether a new loop records a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracing {
    /// Records nothing: every `record` is one branch on a `None`.
    Off,
    /// Records every event into the loop's one [`Trace`].
    On,
}

/// A loop's trace: one list of events, shared by every layer of the loop.
///
/// A loop of a later chapter is built in layers (chapter 4's timers around this
/// chapter's core, chapter 5's selector around those), and each layer has events of
/// its own. The outermost layer's `Event` type wraps the inner ones; the trace holds
/// that type, and each layer writes into it through a [`Recorder`] of its own event
/// type, which converts on the way in. The events land in the order they happened,
/// whichever layer recorded them.
#[derive(Debug)]
pub struct Trace<E> {
    events: Rc<RefCell<Vec<E>>>,
}

impl<E> Clone for Trace<E> {
    fn clone(&self) -> Self {
        Self {
            events: self.events.clone(),
        }
    }
}

impl<E> Default for Trace<E> {
    fn default() -> Self {
        Self {
            events: Rc::default(),
        }
    }
}

impl<E: Clone + 'static> Trace<E> {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// A trace if `tracing` is on.
    pub fn when(tracing: Tracing) -> Option<Self> {
        (tracing == Tracing::On).then(Self::new)
    }

    /// Where a layer whose events convert into `E` records them.
    pub fn recorder<I: Into<E> + 'static>(&self) -> Recorder<I> {
        let events = self.events.clone();
        Recorder {
            sink: Some(Rc::new(move |event: I| {
                events.borrow_mut().push(event.into())
            })),
        }
    }

    /// A copy of the events so far.
    pub fn events(&self) -> Vec<E> {
        self.events.borrow().clone()
    }

    /// Forgets the events so far (to trace only the part of a scenario that
    /// matters).
    pub fn clear(&self) {
        self.events.borrow_mut().clear();
    }
}

/// Where one layer of a loop writes its events: into the loop's [`Trace`], or
/// nowhere.
pub struct Recorder<E> {
    sink: Option<Rc<dyn Fn(E)>>,
}

impl<E> Clone for Recorder<E> {
    fn clone(&self) -> Self {
        Self {
            sink: self.sink.clone(),
        }
    }
}

impl<E> fmt::Debug for Recorder<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.sink.is_some() { "on" } else { "off" };
        write!(f, "Recorder({state})")
    }
}

impl<E: 'static> Recorder<E> {
    /// A recorder that records nothing.
    pub fn off() -> Self {
        Self { sink: None }
    }

    /// A recorder into `trace`, if there is one.
    pub fn into_trace<T: Clone + 'static>(trace: Option<&Trace<T>>) -> Self
    where
        E: Into<T>,
    {
        trace.map_or_else(Self::off, Trace::recorder)
    }

    /// Whether events are kept.
    pub fn is_on(&self) -> bool {
        self.sink.is_some()
    }

    /// Records the event `event` makes, if this recorder is on; costs one branch if
    /// not, and the event is not even built.
    pub fn record(&self, event: impl FnOnce() -> E) {
        if let Some(sink) = &self.sink {
            sink(event());
        }
    }

    /// The recorder for the layer inside this one, whose events convert into `E`.
    pub fn inner<I: Into<E> + 'static>(&self) -> Recorder<I> {
        Recorder {
            sink: self.sink.clone().map(|outer| {
                Rc::new(move |event: I| outer(event.into())) as Rc<dyn Fn(I)>
            }),
        }
    }
}
// ANCHOR_END: recorder

/// An event of any layer of a loop that may be one of this chapter's, wrapped: how
/// the renderers of later chapters find the task lanes inside their own events.
pub trait LoopEvent {
    /// This chapter's event inside, if it is one.
    fn loop_event(&self) -> Option<&Event>;
}

impl LoopEvent for Event {
    fn loop_event(&self) -> Option<&Event> {
        Some(self)
    }
}

/// One line of text per event, as compared by the tests.
pub fn render_lines<E: fmt::Display>(events: &[E]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}

/// Keeps a label safe inside a mermaid message: no characters mermaid gives a
/// meaning to.
pub fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' | '#' | ':' | '(' | ')' | '<' | '>' | '{' | '}' | '"' => ' ',
            c => c,
        })
        .collect()
}

// ANCHOR: render_mermaid
/// The tasks of a trace as mermaid participants `T1`, `T2`, ... in the order they
/// first appear, and which of them is being polled. Every later chapter's renderer
/// draws this loop's events with it, around the participants of its own (a timer
/// heap, a selector, a pool thread).
pub struct TaskLanes<'a> {
    tasks: Vec<&'a str>,
    polled: Option<String>,
}

impl<'a> TaskLanes<'a> {
    /// The lanes for every task that `events` mention.
    pub fn collect(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut tasks: Vec<&str> = Vec::new();
        for task in events.into_iter().filter_map(Event::task) {
            if !tasks.contains(&task) {
                tasks.push(task);
            }
        }
        Self {
            tasks,
            polled: None,
        }
    }

    /// The participant id of `task`.
    pub fn id(&self, task: &str) -> String {
        let index = self.tasks.iter().position(|t| *t == task).unwrap_or(0);
        format!("T{}", index + 1)
    }

    /// The `participant` lines of the tasks.
    pub fn declare(&self) -> String {
        self.tasks
            .iter()
            .map(|task| {
                format!(
                    "    participant {} as {}\n",
                    self.id(task),
                    mermaid_text(task)
                )
            })
            .collect()
    }

    /// Who is acting now: the task being polled, else the loop (`L`).
    pub fn sender(&self) -> String {
        self.polled.clone().unwrap_or_else(|| "L".into())
    }

    /// The mermaid line for one of this loop's events. Iterations are notes over the
    /// loop, callbacks messages from the loop to itself, polls a message to the task
    /// and its answer.
    pub fn line(&mut self, event: &Event) -> String {
        match event {
            Event::Iteration { number, ready } => {
                format!("Note over L: iteration {number}, {ready} ready")
            }
            Event::Queued { label } => {
                format!("L-->>L: call_soon {}", mermaid_text(label))
            }
            Event::Callback { label } => {
                format!("L->>L: callback {}", mermaid_text(label))
            }
            Event::Spawned { task } => {
                format!("Note over {}: spawned, step queued", self.id(task))
            }
            Event::Poll { task } => {
                self.polled = Some(self.id(task));
                format!("L->>{}: poll", self.id(task))
            }
            Event::Polled { task, outcome } => {
                self.polled = None;
                format!("{}-->>L: {outcome:?}", self.id(task))
            }
            Event::Woken { task } => {
                format!("Note over {}: woken, step queued", self.id(task))
            }
            Event::Cancelled { task } => {
                format!("Note over {}: cancelled, dropped", self.id(task))
            }
        }
    }
}

/// A mermaid `sequenceDiagram` of a trace of any layer: the `participants` the layer
/// draws (`("L", "loop")` first, or wherever it belongs), then one lane per task.
/// This chapter's events are drawn by [`TaskLanes::line`]; every other event by
/// `own_line`, which is given the event and who is acting (the task being polled, or
/// the loop).
pub fn sequence_diagram<E: LoopEvent>(
    events: &[E],
    participants: &[(&str, &str)],
    mut own_line: impl FnMut(&E, &str) -> String,
) -> String {
    let mut lanes =
        TaskLanes::collect(events.iter().filter_map(LoopEvent::loop_event));
    let mut out = String::from("sequenceDiagram\n");
    for (id, name) in participants {
        out += &format!("    participant {id} as {name}\n");
    }
    out += &lanes.declare();
    for event in events {
        let line = match event.loop_event() {
            Some(loop_event) => lanes.line(loop_event),
            None => own_line(event, &lanes.sender()),
        };
        out += &format!("    {line}\n");
    }
    out
}

/// Renders a trace as a mermaid `sequenceDiagram`: the loop, then one participant
/// per task.
pub fn render_mermaid(events: &[Event]) -> String {
    sequence_diagram(events, &[("L", "loop")], |_, _| {
        unreachable!("all are the loop's")
    })
}
// ANCHOR_END: render_mermaid
