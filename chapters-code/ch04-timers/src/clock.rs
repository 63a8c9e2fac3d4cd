//! Clocks: where a loop gets the time, and how it waits for it.
//!
//! asyncio's `loop.time()` is `time.monotonic()`, and the loop waits by passing a
//! timeout to `selector.select()`. Here the waiting is the clock's job, so a test
//! can swap in a [`VirtualClock`] that never waits at all.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

// ANCHOR: clock
/// A source of time for a loop. Times are [`Duration`]s since the clock's origin.
pub trait Clock {
    /// The time now: asyncio's `loop.time()`.
    fn now(&self) -> Duration;

    /// Returns once `now() >= deadline`. The loop calls it when nothing is ready and
    /// the earliest timer is due at `deadline`. (Chapter 5 waits in the I/O selector
    /// instead.)
    fn sleep_until(&self, deadline: Duration);

    /// Whether waiting costs no real time. A loop with a selector (chapter 5) asks,
    /// so that its `select` only looks at the sockets instead of blocking for a
    /// timer's timeout.
    fn is_virtual(&self) -> bool {
        false
    }
}
// ANCHOR_END: clock

/// The real clock: `std::time::Instant`, which is monotonic, as `time.monotonic()`
/// is.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock {
    origin: Instant,
}

impl MonotonicClock {
    /// A clock whose time 0 is now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep_until(&self, deadline: Duration) {
        let now = self.now();
        if deadline > now {
            std::thread::sleep(deadline - now); // the thread really blocks
        }
    }
}

// ANCHOR: virtual_clock
/// A clock that only moves when told: `sleep_until` *jumps* to the deadline, at
/// once.
///
/// Cloning gives another handle to the same time, so a test can keep one and
/// [`VirtualClock::advance`] it (to play a callback that takes a while).
#[derive(Debug, Clone, Default)]
pub struct VirtualClock {
    now: Rc<Cell<Duration>>,
}

impl VirtualClock {
    /// A clock at time 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward by `by`, as if the running code had taken that long.
    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Duration {
        self.now.get()
    }

    fn sleep_until(&self, deadline: Duration) {
        if deadline > self.now.get() {
            self.now.set(deadline); // no waiting: time jumps
        }
    }

    fn is_virtual(&self) -> bool {
        true
    }
}
// ANCHOR_END: virtual_clock
