//! The ready queue: what the loop will run next, in order.
//!
//! asyncio keeps it as `BaseEventLoop._ready`, a `collections.deque` of `Handle`s
//! (`Lib/asyncio/base_events.py`). Ours is a `VecDeque` of [`Ready`] entries: a
//! boxed callback, or the key of a task whose next step is due. A task step is not
//! boxed: scheduling a task costs no allocation.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use crate::task::TaskKey;

/// A name for a callback or a task, shown in traces and diagrams.
pub type Label = Cow<'static, str>;

// ANCHOR: ready_queue
/// One entry of the ready queue.
pub enum Ready {
    /// A plain callback, as queued by `call_soon`; the label is for traces.
    Callback {
        /// What the trace calls it (`None`: "callback").
        label: Option<Label>,
        /// The code to run.
        run: Box<dyn FnOnce()>,
    },
    /// One step of a task: poll its future once.
    Task(TaskKey),
}

/// A first-in, first-out queue of what is ready to run.
///
/// The queue knows nothing of iterations: the *loop* decides how much of it to run
/// at a time. asyncio runs a snapshot, [`ReadyQueue::snapshot_len`] entries; a
/// JavaScript-style microtask checkpoint runs until the queue is empty.
#[derive(Debug, Default)]
pub struct ReadyQueue {
    entries: VecDeque<Ready>,
}

impl ReadyQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry at the back.
    pub fn push(&mut self, entry: Ready) {
        self.entries.push_back(entry);
    }

    /// Takes the entry at the front, if any.
    pub fn pop(&mut self) -> Option<Ready> {
        self.entries.pop_front()
    }

    /// How many entries are ready *now*: asyncio's `ntodo = len(self._ready)`. An
    /// iteration runs exactly this many, so whatever they schedule waits for the
    /// next iteration.
    pub fn snapshot_len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is ready.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry (when a loop is dropped).
    pub fn clear(&mut self) -> Vec<Ready> {
        self.entries.drain(..).collect()
    }
}
// ANCHOR_END: ready_queue

/// A callback's closure cannot be printed: its label stands in for it.
impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ready::Callback { label, .. } => f
                .debug_struct("Callback")
                .field("label", &label.as_deref().unwrap_or("callback"))
                .finish_non_exhaustive(),
            Ready::Task(key) => f.debug_tuple("Task").field(key).finish(),
        }
    }
}
