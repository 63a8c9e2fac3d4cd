//! A shared, ordered log of what happened, for asserting *when* code ran.

use std::sync::{Arc, Mutex};

/// An append-only list of events that many futures and threads can write to.
///
/// Cloning an `EventLog` gives another handle to the *same* list, so a future can
/// carry its own handle while the test keeps one to read. A `Mutex` (not a
/// `RefCell`) because executor threads write to it too.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    events: Arc<Mutex<Vec<String>>>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one event.
    pub fn record(&self, event: impl Into<String>) {
        self.lock().push(event.into());
    }

    /// A copy of every event so far, oldest first.
    pub fn entries(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// How many events have been recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing has been recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The events that start with `prefix`, in the order they happened.
    ///
    /// Executor threads write concurrently, so tests compare such filtered
    /// sub-sequences rather than the whole interleaving, which is not deterministic.
    pub fn starting_with(&self, prefix: &str) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|event| event.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Index of the first event equal to `event`, if any.
    pub fn position(&self, event: &str) -> Option<usize> {
        self.lock().iter().position(|e| e == event)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A panic while holding the lock only means a test already failed; keep the
        // events.
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
