//! The timer heap: asyncio's `BaseEventLoop._scheduled`.
//!
//! CPython keeps `TimerHandle`s in a list managed by `heapq`, ordered by their deadline
//! (`TimerHandle.__lt__` compares `_when` and nothing else). Cancelling a handle only marks it;
//! `_run_once` drops marked handles from the head of the heap, and rebuilds the whole heap
//! when more than half of it is cancelled.
//!
//! Ours is a [`BinaryHeap`] of `(deadline, sequence number, key)`, smallest first. The
//! sequence number makes equal deadlines fire in the order they were scheduled, which CPython
//! does not promise. The callbacks live beside the heap in a slab, so cancelling drops the
//! callback at once and leaves only a small dead entry in the heap.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use ch03_ready_queue::Label;

/// asyncio's `_MIN_SCHEDULED_TIMER_HANDLES`: below this many entries, never rebuild the heap.
pub const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;

/// asyncio's `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`: rebuild when more than this fraction of
/// the heap is cancelled.
pub const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;

/// Which timer: a slot in the slab and the slot's generation, so a key whose timer fired or
/// was cancelled never reaches the timer that reuses the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerKey {
    index: u32,
    generation: u32,
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

struct Slot {
    generation: u32,
    timer: Option<Timer>,
}

/// What [`TimerHeap::purge_cancelled`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Rebuilt the heap without its cancelled entries: this many removed, this many kept.
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
    /// The callbacks, by key; a cancelled or fired timer's slot is free for the next one.
    slots: Vec<Slot>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
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
            .field("live", &self.live)
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl TimerHeap {
    /// An empty heap.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            live: 0,
            cancelled: 0,
        }
    }

    /// Schedules `timer` at `when`. Costs no allocation beyond the timer's own box once the
    /// heap and slab have grown to their working size.
    pub fn push(&mut self, when: Duration, timer: Timer) -> TimerKey {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot {
                generation: 0,
                timer: None,
            });
            u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 live timers")
        });
        let slot = &mut self.slots[index as usize];
        slot.timer = Some(timer);
        let key = TimerKey {
            index,
            generation: slot.generation,
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { when, seq, key }));
        self.live += 1;
        key
    }

    /// Takes the timer out of its slot (it fired or was cancelled): the slot is free again.
    fn take(&mut self, key: TimerKey) -> Option<Timer> {
        let slot = self.slots.get_mut(key.index as usize)?;
        if slot.generation != key.generation {
            return None;
        }
        let timer = slot.timer.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(key.index);
        self.live -= 1;
        Some(timer)
    }

    // ANCHOR: cancel
    /// Cancels the timer: its callback is dropped now, its heap entry stays behind, dead,
    /// until `purge_cancelled` or the head of the heap reaches it. Returns the timer's label,
    /// or `None` if it had already fired or been cancelled. asyncio's `TimerHandle.cancel`
    /// and `_timer_handle_cancelled`.
    pub fn cancel(&mut self, key: TimerKey) -> Option<Label> {
        let timer = self.take(key)?;
        self.cancelled += 1;
        Some(timer.label) // the callback is dropped here, with whatever it captured
    }
    // ANCHOR_END: cancel

    /// Whether the timer is still waiting to fire.
    pub fn is_live(&self, key: TimerKey) -> bool {
        slot_is_live(&self.slots, key)
    }

    // ANCHOR: purge_cancelled
    /// What `_run_once` does first: if more than 100 entries are scheduled and more than half
    /// are cancelled, rebuild the heap without the cancelled ones; otherwise pop the cancelled
    /// ones off the head, so the head is a live timer.
    pub fn purge_cancelled(&mut self) -> Purge {
        let len = self.heap.len();
        if len > MIN_SCHEDULED_TIMER_HANDLES
            && self.cancelled as f64 / len as f64 > MIN_CANCELLED_TIMER_HANDLES_FRACTION
        {
            let slots = &self.slots;
            self.heap
                .retain(|Reverse(entry)| slot_is_live(slots, entry.key)); // rebuilds it
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

    /// The deadline at the head of the heap (a live timer, right after `purge_cancelled`).
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
            match self.take(head.key) {
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
        self.live
    }

    /// Cancelled entries still in the heap.
    pub fn cancelled(&self) -> usize {
        self.cancelled
    }

    /// Removes every timer, returning them so the caller drops them outside any borrow.
    pub fn drain(&mut self) -> Vec<Timer> {
        self.heap.clear();
        self.cancelled = 0;
        let keys: Vec<TimerKey> = self
            .slots
            .iter()
            .enumerate()
            .map(|(index, slot)| TimerKey {
                index: index as u32,
                generation: slot.generation,
            })
            .collect();
        keys.into_iter().filter_map(|key| self.take(key)).collect()
    }
}

fn slot_is_live(slots: &[Slot], key: TimerKey) -> bool {
    slots
        .get(key.index as usize)
        .is_some_and(|slot| slot.generation == key.generation && slot.timer.is_some())
}
