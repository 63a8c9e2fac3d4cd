//! [`TimerCore`]: chapter 3's `Core`, plus a timer heap and a clock.
//!
//! It is what callbacks and tasks hold (as `Rc<TimerCore>`) to schedule work, as
//! asyncio code holds the loop: `call_soon` and `spawn` come from chapter 3's `Core`
//! through `Deref`; `call_later`, `call_at`, `sleep` and `wait_for` are new. It also
//! has the two steps that time adds to an iteration, [`TimerCore::poll_timeout`] and
//! [`TimerCore::move_due_timers`], for this chapter's `run_once` and chapter 5's.

use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::rc::{Rc, Weak};
use std::time::Duration;

use ch03_ready_queue::{Core, Label, Recorder};

use crate::clock::Clock;
use crate::heap::{Purge, Timer, TimerHeap, TimerKey};
use crate::trace::Event;

/// A loop's state with time: chapter 3's [`Core`], a [`TimerHeap`] and a [`Clock`].
pub struct TimerCore {
    core: Rc<Core>,
    heap: RefCell<TimerHeap>,
    clock: Box<dyn Clock>,
    recorder: Recorder<Event>,
}

impl fmt::Debug for TimerCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerCore")
            .field("core", &self.core)
            .field("heap", &self.heap.borrow())
            .field("time", &self.time())
            .finish_non_exhaustive()
    }
}

/// What `call_later` and `call_at` return: a way to cancel the timer. asyncio's
/// `TimerHandle`. Dropping it does *not* cancel the timer.
#[derive(Debug, Clone)]
pub struct TimerHandle {
    timers: Weak<TimerCore>,
    key: TimerKey,
    when: Duration,
}

impl TimerHandle {
    /// Cancels the timer: its callback is dropped now and will never run. Returns
    /// `false` if it had already fired (or been cancelled).
    pub fn cancel(&self) -> bool {
        self.timers
            .upgrade()
            .is_some_and(|timers| timers.cancel(self.key))
    }

    /// The deadline, in loop time: `TimerHandle.when()`.
    pub fn when(&self) -> Duration {
        self.when
    }

    /// Whether the timer is still waiting to fire.
    pub fn is_pending(&self) -> bool {
        self.timers
            .upgrade()
            .is_some_and(|timers| timers.heap.borrow().is_live(self.key))
    }
}

impl TimerCore {
    /// A loop state on this thread, with `clock`, recording into `recorder`
    /// (chapter 3's core records through it too, its events wrapped as
    /// [`Event::Loop`]).
    pub fn new(clock: impl Clock + 'static, recorder: Recorder<Event>) -> Rc<Self> {
        Rc::new(Self {
            core: Core::new(recorder.inner()),
            heap: RefCell::new(TimerHeap::new()),
            clock: Box::new(clock),
            recorder,
        })
    }

    /// Chapter 3's core: the ready queue and the tasks.
    pub fn core(&self) -> &Rc<Core> {
        &self.core
    }

    /// The loop's time: asyncio's `loop.time()`.
    pub fn time(&self) -> Duration {
        self.clock.now()
    }

    /// Whether the loop's clock is virtual: waiting for a timer costs no real time.
    pub fn is_virtual_time(&self) -> bool {
        self.clock.is_virtual()
    }

    // ANCHOR: call_at
    /// Runs `callback` once the loop's time reaches `when`: asyncio's
    /// `loop.call_at`. Like every callback, it runs from the ready queue, in the
    /// iteration in which it is due.
    pub fn call_at(
        self: &Rc<Self>,
        when: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.call_at_named("timer", when, callback)
    }

    /// Runs `callback` `delay` from now: asyncio's `loop.call_later`, which is
    /// `call_at(self.time() + delay, ...)`. A zero delay still goes through the
    /// heap.
    pub fn call_later(
        self: &Rc<Self>,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.call_at_named("timer", self.time() + delay, callback)
    }
    // ANCHOR_END: call_at

    /// [`TimerCore::call_at`] with a label for the trace.
    pub fn call_at_named(
        self: &Rc<Self>,
        label: impl Into<Label>,
        when: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        let label = label.into();
        self.record(|| Event::TimerScheduled {
            label: label.to_string(),
            when,
        });
        let timer = Timer {
            label,
            callback: Box::new(callback),
        };
        let key = self.heap.borrow_mut().push(when, timer);
        TimerHandle {
            timers: Rc::downgrade(self),
            key,
            when,
        }
    }

    /// [`TimerCore::call_later`] with a label for the trace.
    pub fn call_later_named(
        self: &Rc<Self>,
        label: impl Into<Label>,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.call_at_named(label, self.time() + delay, callback)
    }

    fn cancel(&self, key: TimerKey) -> bool {
        let label = self.heap.borrow_mut().cancel(key);
        match label {
            Some(label) => {
                self.record(|| Event::TimerCancelled {
                    label: label.to_string(),
                });
                true
            }
            None => false,
        }
    }

    // ANCHOR: poll_timeout
    /// How long the next iteration may block waiting for I/O (chapter 5) or time:
    /// `Some(0)` if anything is ready or a stop is pending, else until the earliest
    /// timer, else `None`, forever. The first lines of asyncio's `_run_once`, after
    /// dropping cancelled timers.
    pub fn poll_timeout(&self) -> Option<Duration> {
        let purge = self.heap.borrow_mut().purge_cancelled();
        if let Purge::Compacted { removed, kept } = purge {
            self.record(|| Event::HeapCompacted { removed, kept });
        }
        if self.core.ready_len() > 0 || self.core.is_stopping() {
            return Some(Duration::ZERO);
        }
        let earliest = self.heap.borrow().earliest()?;
        Some(earliest.saturating_sub(self.time()))
    }
    // ANCHOR_END: poll_timeout

    /// Waits `timeout` on the clock: what `selector.select(timeout)` does when no
    /// I/O arrives.
    pub fn wait(&self, timeout: Duration) {
        if timeout.is_zero() {
            return;
        }
        let from = self.time();
        self.clock.sleep_until(from + timeout);
        self.record(|| Event::ClockAdvanced {
            from,
            to: self.time(),
        });
    }

    // ANCHOR: move_due_timers
    /// Moves every timer whose deadline has come to the back of the ready queue,
    /// earliest first (equal deadlines in the order they were scheduled). asyncio:
    /// "Handle 'later' callbacks that are ready", just before
    /// `ntodo = len(self._ready)`.
    pub fn move_due_timers(&self) {
        let now = self.time();
        loop {
            // the heap is not borrowed below
            let due = self.heap.borrow_mut().pop_due(now);
            let Some((when, timer)) = due else { break };
            self.record(|| Event::TimerFired {
                label: timer.label.to_string(),
                when,
            });
            self.core.call_soon_boxed(timer.label, timer.callback);
        }
    }
    // ANCHOR_END: move_due_timers

    /// Takes the earliest timer out of the heap if it is due at `now`, without
    /// queueing it anywhere: for a loop that runs due timers one at a time, on its
    /// own schedule (chapter 9's Node-style loop drains its microtasks between two
    /// of them, and reads the clock once per phase, as libuv does).
    /// [`TimerCore::move_due_timers`] is this, in a loop, into the ready queue.
    pub fn take_due_timer(&self, now: Duration) -> Option<Timer> {
        // the heap is not borrowed while the event is recorded
        let due = self.heap.borrow_mut().pop_due(now);
        let (when, timer) = due?;
        self.record(|| Event::TimerFired {
            label: timer.label.to_string(),
            when,
        });
        Some(timer)
    }

    /// Entries in the heap, cancelled ones included: `len(loop._scheduled)`.
    pub fn heap_len(&self) -> usize {
        self.heap.borrow().len()
    }

    /// Timers still waiting to fire.
    pub fn live_timers(&self) -> usize {
        self.heap.borrow().live()
    }

    /// Records `event` if this loop traces.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Whether an iteration now could do nothing: chapter 3's core is idle and no
    /// timer is left to wait for.
    pub fn is_idle(&self) -> bool {
        self.core.is_idle() && self.live_timers() == 0
    }

    /// Closes the loop: chapter 3's core first (every task is dropped, and their
    /// sleeps cancel their timers), then every timer left, without running anything.
    pub fn close(&self) {
        self.core.close();
        let timers = self.heap.borrow_mut().drain();
        // outside the borrow: a callback's captures may cancel timers as they go
        drop(timers);
    }
}

impl Deref for TimerCore {
    type Target = Rc<Core>;

    fn deref(&self) -> &Rc<Core> {
        &self.core
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use ch03_ready_queue::Trace;

    use super::TimerCore;
    use crate::{Event, VirtualClock};

    #[test]
    fn take_due_timer_hands_out_due_timers_one_at_a_time_earliest_first() {
        let clock = VirtualClock::new();
        let trace = Trace::<Event>::new();
        let timers = TimerCore::new(clock.clone(), trace.recorder());
        let ran = Rc::new(RefCell::new(Vec::new()));
        for (label, millis) in [("b", 2), ("a", 1), ("late", 10)] {
            let ran = ran.clone();
            timers.call_later_named(label, ms(millis), move || {
                ran.borrow_mut().push(label)
            });
        }
        // due at 1 ms, after `a`, before `b`: skipping it is what puts `b` next
        let cancelled = timers.call_later_named("cancelled", ms(1), || {});
        cancelled.cancel();
        assert!(
            timers.take_due_timer(timers.time()).is_none(),
            "none due at 0"
        );
        clock.advance(ms(5));
        let now = timers.time();
        let first = timers.take_due_timer(now).expect("a is due");
        assert_eq!(first.label, "a");
        assert_eq!(timers.core().ready_len(), 0, "taken, not queued");
        (first.callback)();
        assert_eq!(
            timers.take_due_timer(now).map(|t| t.label),
            Some("b".into()),
            "the cancelled one is skipped"
        );
        assert!(timers.take_due_timer(now).is_none(), "late is not due");
        assert_eq!(timers.live_timers(), 1, "late is still waiting");
        assert_eq!(*ran.borrow(), ["a"]);
        let fired: Vec<_> = trace
            .events()
            .into_iter()
            .filter_map(|event| match event {
                Event::TimerFired { label, when } => Some((label, when)),
                _ => None,
            })
            .collect();
        let expected = [("a".to_string(), ms(1)), ("b".to_string(), ms(2))];
        assert_eq!(fired, expected, "each timer taken is recorded as fired");
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }
}
