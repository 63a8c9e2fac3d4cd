//! The smallest JavaScript loop: one macrotask, then a microtask checkpoint.
//!
//! The microtask queue is chapter 3's ready queue, unchanged: `queueMicrotask` is
//! `call_soon`, and a task woken by its waker queues its next step there, as a
//! resolved promise queues its reactions. What is new is a second queue, for
//! macrotasks (the HTML standard's *tasks*: a timer's callback, a message, an I/O
//! event), and the policy: after each macrotask the loop runs microtasks until
//! there are none left, the ones queued meanwhile included. asyncio runs a
//! snapshot of its ready queue per iteration and leaves the rest for the next.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Core, Label, Recorder, Trace, Tracing};
use ch04_timers::{Clock, TimerCore, TimerHandle};

use crate::trace::{Event, Queue, render_mermaid};

/// A callback waiting in a queue other than the microtask queue, and its name in
/// traces: a macrotask here, a tick, an immediate or a close callback in Node's
/// queues.
pub struct Callback {
    /// What the trace calls it.
    pub label: Label,
    /// The code to run.
    pub run: Box<dyn FnOnce()>,
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// A callback in the macrotask queue: the HTML standard's *task*.
pub type Macrotask = Callback;

/// A JavaScript loop's state: chapter 4's [`TimerCore`] (whose ready queue is the
/// microtask queue) and a macrotask queue. What callbacks hold, as `Rc<JsCore>`, to
/// queue more work.
pub struct JsCore {
    timers: Rc<TimerCore>,
    macrotasks: RefCell<VecDeque<Macrotask>>,
    turn: Cell<u64>,
    recorder: Recorder<Event>,
}

impl fmt::Debug for JsCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsCore")
            .field("timers", &self.timers)
            .field("macrotasks", &self.macrotasks.borrow().len())
            .finish_non_exhaustive()
    }
}

impl JsCore {
    /// A JavaScript loop's state on `clock`, recording into `recorder`.
    pub fn new(clock: impl Clock + 'static, recorder: Recorder<Event>) -> Rc<Self> {
        Rc::new(Self {
            timers: TimerCore::new(clock, recorder.inner()),
            macrotasks: RefCell::default(),
            turn: Cell::new(0),
            recorder,
        })
    }

    /// Chapter 4's part: timers and the clock.
    pub fn timers(&self) -> &Rc<TimerCore> {
        &self.timers
    }

    /// Chapter 3's core: its ready queue is the microtask queue.
    pub fn core(&self) -> &Rc<Core> {
        self.timers.core()
    }

    /// `queueMicrotask(callback)`: chapter 3's `call_soon`, nothing more.
    pub fn queue_microtask(&self, callback: impl FnOnce() + 'static) {
        self.core().call_soon_named("microtask", callback);
    }

    /// [`JsCore::queue_microtask`] with a label for the trace.
    pub fn queue_microtask_named(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.core().call_soon_named(label, callback);
    }

    /// Queues a macrotask: it runs in a later turn, one per turn, in order.
    pub fn queue_macrotask(
        &self,
        label: impl Into<Label>,
        callback: impl FnOnce() + 'static,
    ) {
        self.push_macrotask(Macrotask {
            label: label.into(),
            run: Box::new(callback),
        });
    }

    fn push_macrotask(&self, task: Macrotask) {
        self.record(|| Event::Queued {
            queue: Queue::Task,
            label: task.label.to_string(),
        });
        self.macrotasks.borrow_mut().push_back(task);
    }

    /// `setTimeout(callback, delay)`: a timer on chapter 4's heap whose callback,
    /// once due, becomes a macrotask. No clamping (HTML clamps to 4 ms only past
    /// five nested timers).
    pub fn set_timeout(
        &self,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.timers.call_later_named("setTimeout", delay, callback)
    }

    /// [`JsCore::set_timeout`] with a label for the trace.
    pub fn set_timeout_named(
        &self,
        label: impl Into<Label>,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> TimerHandle {
        self.timers.call_later_named(label, delay, callback)
    }

    /// How many macrotasks wait.
    pub fn macrotasks_len(&self) -> usize {
        self.macrotasks.borrow().len()
    }

    /// How many microtasks wait: the ready queue's length.
    pub fn microtasks_len(&self) -> usize {
        self.core().ready_len()
    }

    // ANCHOR: drain
    /// The microtask checkpoint: runs the ready queue until it is empty, the
    /// entries queued while it runs included. Returns how many ran. A chain that
    /// keeps queueing runs to its end here, and nothing else runs meanwhile.
    pub fn microtask_checkpoint(&self) -> usize {
        let mut ran = 0;
        while self.core().run_next_ready() {
            ran += 1;
        }
        self.record(|| Event::Checkpoint {
            ticks: 0,
            microtasks: ran,
        });
        ran
    }
    // ANCHOR_END: drain

    /// How long a turn may wait: not at all if a macrotask or a microtask is
    /// queued, else until the earliest timer, else `None` (nothing to wait for).
    pub fn poll_timeout(&self) -> Option<Duration> {
        if self.macrotasks_len() > 0 {
            return Some(Duration::ZERO);
        }
        self.timers.poll_timeout()
    }

    /// Lets ONE due timer into the macrotask queue, the earliest, and only if the
    /// queue is empty: the timer's task runs in this turn, and until then the timer
    /// stays in chapter 4's heap, where `cancel` (`clearTimeout`) still reaches it.
    /// HTML queues a timer's task as soon as it is due, and that task does nothing
    /// if its id has left the map of active timers meanwhile; taking the timer at
    /// the last moment gives the same result. HTML lets a browser choose which
    /// task queue to serve; ours serves the macrotask queue before the timers.
    pub fn queue_due_timers(&self) {
        if self.macrotasks_len() > 0 {
            return;
        }
        if let Some(timer) = self.timers.take_due_timer(self.time()) {
            self.push_macrotask(Macrotask {
                label: timer.label,
                run: timer.callback,
            });
        }
    }

    /// Runs the oldest macrotask, if there is one; returns whether one ran. A
    /// panic unwinds out of it, leaving both queues as they are.
    pub fn run_macrotask(&self) -> bool {
        // popped before it runs: the queue is not borrowed while it does
        let Some(task) = self.macrotasks.borrow_mut().pop_front() else {
            return false;
        };
        self.record(|| Event::Ran {
            queue: Queue::Task,
            label: task.label.to_string(),
        });
        (task.run)();
        true
    }

    /// Counts a new turn and records it.
    pub fn begin_turn(&self) -> u64 {
        let number = self.turn.get() + 1;
        self.turn.set(number);
        self.record(|| Event::Turn { number });
        number
    }

    /// How many turns have begun.
    pub fn turn(&self) -> u64 {
        self.turn.get()
    }

    /// Records `event` if this loop traces.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Whether a turn now could do nothing: no macrotask, no microtask, no timer.
    pub fn is_idle(&self) -> bool {
        self.macrotasks_len() == 0 && self.timers.is_idle()
    }

    /// Closes the loop: chapter 4's layer (tasks, then timers), then every
    /// macrotask left, without running anything.
    pub fn close(&self) {
        self.timers.close();
        let left: Vec<_> = self.macrotasks.borrow_mut().drain(..).collect();
        drop(left); // outside the borrow: their captures may touch the loop
    }
}

impl Deref for JsCore {
    type Target = Rc<TimerCore>;

    fn deref(&self) -> &Rc<TimerCore> {
        &self.timers
    }
}

/// The smallest JavaScript event loop: a macrotask queue, timers, and chapter 3's
/// ready queue as the microtask queue.
///
/// It dereferences to its [`JsCore`] (`queue_microtask`, `queue_macrotask`,
/// `set_timeout`), and through it to chapter 4's `TimerCore` and chapter 3's
/// `Core` (`call_soon`, `spawn`, `spawn_eager`, `stop`).
#[derive(Debug)]
pub struct MicrotaskLoop {
    js: Rc<JsCore>,
    trace: Option<Trace<Event>>,
}

impl MicrotaskLoop {
    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        let trace = Trace::when(tracing);
        Self {
            js: JsCore::new(clock, Recorder::into_trace(trace.as_ref())),
            trace,
        }
    }

    // ANCHOR: run_once
    /// One turn: one macrotask, then a microtask checkpoint. HTML's event loop
    /// processing model, without rendering.
    pub fn run_once(&self) {
        let js = &self.js;
        js.begin_turn();
        // 0. Microtasks queued by code that ran outside any turn (a test, a
        //    script) run first, as the checkpoint after that script would.
        if js.microtasks_len() > 0 {
            js.microtask_checkpoint();
        }
        // 1. Wait: not at all if a task is queued, else until the earliest timer.
        if let Some(timeout) = js.poll_timeout() {
            js.wait(timeout);
        }
        // 2. If no macrotask waits, the earliest due timer becomes one.
        js.queue_due_timers();
        // 3. ONE macrotask.
        js.run_macrotask();
        // 4. The checkpoint: microtasks until none is left, new ones included.
        js.microtask_checkpoint();
    }
    // ANCHOR_END: run_once

    /// Runs `script` as the first macrotask would run: the code itself, then a
    /// microtask checkpoint. How a `<script>` or a Node module runs.
    pub fn run_script(&self, script: impl FnOnce()) {
        self.js.record(|| Event::Ran {
            queue: Queue::Task,
            label: "script".into(),
        });
        script();
        self.js.microtask_checkpoint();
    }
}

ch04_timers::layered_event_loop!(MicrotaskLoop {
    js: JsCore,
    event: Event,
    mermaid: render_mermaid
});
