//! The timer heap: asyncio's `BaseEventLoop._scheduled`.
//!
//! CPython keeps `TimerHandle`s in a list managed by `heapq`, ordered by their
//! deadline (`TimerHandle.__lt__` compares `_when` and nothing else). Cancelling a
//! handle only marks it; `_run_once` drops marked handles from the head of the heap,
//! and rebuilds the whole heap when more than half of it is cancelled.
//!
//! Ours is a [`BinaryHeap`] of `(deadline, sequence number, key)`, smallest first.
//! The sequence number makes equal deadlines fire in the order they were scheduled,
//! which CPython does not promise. The callbacks live beside the heap in a slot
//! table (a `SlotMap`, as chapter 3's tasks do), so cancelling drops the callback at
//! once and leaves only a small dead entry in the heap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use ch03_ready_queue::Label;
use slotmap::SlotMap;

/// asyncio's `_MIN_SCHEDULED_TIMER_HANDLES`: below this many entries, never rebuild
/// the heap.
pub const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;

/// asyncio's `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`: rebuild when more than this
/// fraction of the heap is cancelled.
pub const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;

slotmap::new_key_type! {
    /// Which timer: a slot in the table and the slot's version, so a key whose timer
    /// fired or was cancelled never reaches the timer that reuses the slot.
    pub struct TimerKey;
}

/// One entry of the heap, ordered by deadline, then by scheduling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    when: Duration,
    seq: u64,
    key: TimerKey,
}

/// A timer's callback and its name in traces.
pub struct Timer {
    /// What the trace calls it.
    pub label: Label,
    /// The code to run once it is due.
    pub callback: Box<dyn FnOnce()>,
}

/// What [`TimerHeap::purge_cancelled`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Rebuilt the heap without its cancelled entries: this many removed, this many
    /// kept.
    Compacted {
        /// Cancelled entries dropped.
        removed: usize,
        /// Live entries kept.
        kept: usize,
    },
    /// Popped this many cancelled entries off the head of the heap (maybe 0).
    Head(usize),
}

// ANCHOR: timer_heap
/// A min-heap of timers by deadline, with cancellation.
pub struct TimerHeap {
    /// `(when, seq, key)`, smallest first: `Reverse` turns std's max-heap around.
    heap: BinaryHeap<Reverse<Entry>>,
    /// The callbacks of live timers, by key; a fired or cancelled timer's slot is
    /// reused.
    timers: SlotMap<TimerKey, Timer>,
    next_seq: u64,
    /// Cancelled entries still in `heap`: asyncio's `_timer_cancelled_count`.
    cancelled: usize,
}
// ANCHOR_END: timer_heap

impl Default for TimerHeap {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TimerHeap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerHeap")
            .field("len", &self.len())
            .field("live", &self.live())
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl TimerHeap {
    /// An empty heap.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            timers: SlotMap::with_key(),
            next_seq: 0,
            cancelled: 0,
        }
    }

    /// Schedules `timer` at `when`. Costs no allocation beyond the timer's own box
    /// once the heap and its table have grown to their working size.
    pub fn push(&mut self, when: Duration, timer: Timer) -> TimerKey {
        let key = self.timers.insert(timer);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { when, seq, key }));
        key
    }

    // ANCHOR: cancel
    /// Cancels the timer: its callback is dropped now, its heap entry stays behind,
    /// dead, until `purge_cancelled` or the head of the heap reaches it. Returns the
    /// timer's label, or `None` if it had already fired or been cancelled. asyncio's
    /// `TimerHandle.cancel` and `_timer_handle_cancelled`.
    pub fn cancel(&mut self, key: TimerKey) -> Option<Label> {
        let timer = self.timers.remove(key)?;
        self.cancelled += 1;
        Some(timer.label) // the callback is dropped here, with whatever it captured
    }
    // ANCHOR_END: cancel

    /// Whether the timer is still waiting to fire.
    pub fn is_live(&self, key: TimerKey) -> bool {
        self.timers.contains_key(key)
    }

    // ANCHOR: purge_cancelled
    /// What `_run_once` does first: if more than 100 entries are scheduled and more
    /// than half are cancelled, rebuild the heap without the cancelled ones;
    /// otherwise pop the cancelled ones off the head, so the head is a live timer.
    pub fn purge_cancelled(&mut self) -> Purge {
        let len = self.heap.len();
        if len > MIN_SCHEDULED_TIMER_HANDLES
            && self.cancelled as f64 / len as f64
                > MIN_CANCELLED_TIMER_HANDLES_FRACTION
        {
            let timers = &self.timers;
            self.heap
                // rebuilds it
                .retain(|Reverse(entry)| timers.contains_key(entry.key));
            self.cancelled = 0;
            return Purge::Compacted {
                removed: len - self.heap.len(),
                kept: self.heap.len(),
            };
        }
        let mut popped = 0;
        while let Some(Reverse(head)) = self.heap.peek() {
            if self.is_live(head.key) {
                break;
            }
            self.heap.pop();
            self.cancelled -= 1;
            popped += 1;
        }
        Purge::Head(popped)
    }
    // ANCHOR_END: purge_cancelled

    /// The deadline at the head of the heap (a live timer, right after
    /// `purge_cancelled`).
    pub fn earliest(&self) -> Option<Duration> {
        self.heap.peek().map(|Reverse(entry)| entry.when)
    }

    /// Pops the earliest timer if it is due at `now`, skipping cancelled entries.
    pub fn pop_due(&mut self, now: Duration) -> Option<(Duration, Timer)> {
        while let Some(Reverse(head)) = self.heap.peek().copied() {
            if head.when > now {
                return None;
            }
            self.heap.pop();
            match self.timers.remove(head.key) {
                Some(timer) => return Some((head.when, timer)),
                None => self.cancelled -= 1, // a cancelled entry: skip it
            }
        }
        None
    }

    /// Entries in the heap, cancelled ones included: `len(loop._scheduled)`.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether the heap has no entries at all.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Timers still waiting to fire.
    pub fn live(&self) -> usize {
        self.timers.len()
    }

    /// Cancelled entries still in the heap.
    pub fn cancelled(&self) -> usize {
        self.cancelled
    }

    /// Removes every timer, returning them so the caller drops them outside any
    /// borrow.
    pub fn drain(&mut self) -> Vec<Timer> {
        self.heap.clear();
        self.cancelled = 0;
        self.timers.drain().map(|(_, timer)| timer).collect()
    }
}
