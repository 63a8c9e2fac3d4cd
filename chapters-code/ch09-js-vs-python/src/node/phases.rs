//! The phases of a turn, the checkpoint that follows every callback, and the two
//! rules that decide how long the poll phase may block and when the loop ends.

use std::collections::VecDeque;
use std::time::Duration;

use super::{CallbackQueue, NodeCore};
use crate::micro::Callback;
use crate::promise::take_unhandled_rejections;
use crate::trace::{Event, Phase, Queue};

/// The checkpoint and the phases, in the order a turn runs them.
impl NodeCore {
    // ANCHOR: checkpoint
    /// What Node runs after every callback (`processTicksAndRejections`): the
    /// whole `nextTick` queue, then the whole microtask queue, and again while
    /// ticks were queued meanwhile. A tick queued by a microtask runs after the
    /// microtask queue is empty; a microtask queued by a tick waits for the
    /// `nextTick` queue to be empty. Returns how many ticks and microtasks ran.
    ///
    /// Then, as Node >= 15 does (`processPromiseRejections`, default mode
    /// `throw`), a promise rejected with no handler ends the turn: this panics
    /// with `unhandled promise rejection: {reason}`. A handler attached before
    /// the checkpoint ends counts, as in Node.
    pub fn checkpoint(&self) -> (usize, usize) {
        let (mut ticks, mut microtasks) = (0, 0);
        loop {
            while self.run_callback(&self.ticks, Queue::Tick) {
                ticks += 1;
            }
            while self.core().run_next_ready() {
                microtasks += 1;
            }
            if self.ticks.borrow().is_empty() {
                break;
            }
        }
        self.record(|| Event::Checkpoint { ticks, microtasks });
        if let Some(reason) = take_unhandled_rejections(self.core()).first() {
            panic!("unhandled promise rejection: {}", reason.0);
        }
        (ticks, microtasks)
    }
    // ANCHOR_END: checkpoint

    // ANCHOR: run_timers
    /// The timers phase: every timer due at the phase's start, earliest first,
    /// ONE at a time, each followed by a checkpoint (Node >= 11; `listOnTimeout`
    /// calls `runNextTicks()` between two timers). The clock is read once, as
    /// libuv reads it once per turn: a timer set here is due in a later turn.
    pub fn run_timers(&self) {
        self.enter(Phase::Timers);
        let now = self.time();
        while let Some(timer) = self.io.take_due_timer(now) {
            self.record(|| Event::Ran {
                queue: Queue::Timer,
                label: timer.label.to_string(),
            });
            (timer.callback)();
            self.checkpoint();
        }
    }
    // ANCHOR_END: run_timers

    /// The pending-callbacks phase: the I/O callbacks deferred to this turn.
    pub fn run_pending(&self) {
        self.run_phase(Phase::Pending, &self.pending, Queue::Pending);
    }

    // ANCHOR: poll_timeout
    /// How long the poll phase may block: libuv's `uv_backend_timeout`. Not at all
    /// if a later phase has work (an immediate, a close callback, a deferred
    /// callback) or nothing could ever wake the loop; else until the earliest
    /// timer; else (`None`) until an fd is ready or another thread posts.
    pub fn poll_timeout(&self) -> Option<Duration> {
        // (the tick queue is empty here: the last checkpoint drained it)
        let later_work = self.node_queues().iter().any(|q| !q.borrow().is_empty());
        if later_work || !self.inbox.is_empty() {
            return Some(Duration::ZERO);
        }
        // purges cancelled timers; 0 if a microtask or a stop is pending
        match self.io.poll_timeout() {
            Some(timeout) => Some(timeout),
            None if self.io.selector().waiting() > 0
                || self.jobs_in_flight() > 0 =>
            {
                None
            }
            None => Some(Duration::ZERO), // no active handle: libuv does not block
        }
    }
    // ANCHOR_END: poll_timeout

    // ANCHOR: run_poll
    /// The poll phase: wait in `select` for at most `timeout`, queue the callbacks
    /// of ready fds and of other threads' results, then run the callbacks that
    /// were queued when the phase began, each followed by a checkpoint.
    pub fn run_poll(&self, timeout: Option<Duration>) {
        self.enter(Phase::Poll);
        self.select(timeout);
        let ready = self.poll.borrow().len();
        for _ in 0..ready {
            self.run_callback(&self.poll, Queue::Poll);
            self.checkpoint();
        }
    }
    // ANCHOR_END: run_poll

    /// The check phase: the immediates queued before it began, each followed by
    /// a checkpoint (Node >= 11: `processImmediate` calls `runNextTicks()` between
    /// two). One queued meanwhile waits for the next turn.
    pub fn run_check(&self) {
        self.run_phase(Phase::Check, &self.immediates, Queue::Immediate);
    }

    /// The close-callbacks phase.
    pub fn run_close(&self) {
        self.run_phase(Phase::Close, &self.closing, Queue::Close);
    }

    /// Runs the callbacks `queue` held when the phase began, each followed by a
    /// checkpoint. Counted first, popped one at a time: if one panics, the rest
    /// stay queued, in order, for the same phase of a later turn.
    fn run_phase(&self, phase: Phase, queue: &CallbackQueue, which: Queue) {
        self.enter(phase);
        let ready = queue.borrow().len();
        for _ in 0..ready {
            self.run_callback(queue, which);
            self.checkpoint();
        }
    }

    /// Pops and runs the callback at the front of `queue`; `false` if empty. The
    /// queue is not borrowed while the callback runs: it may queue more.
    fn run_callback(&self, queue: &CallbackQueue, which: Queue) -> bool {
        let Some(Callback { label, run }) = queue.borrow_mut().pop_front() else {
            return false;
        };
        self.record(|| Event::Ran {
            queue: which,
            label: label.to_string(),
        });
        run();
        true
    }

    fn enter(&self, phase: Phase) {
        self.phase.set(Some(phase));
        self.record(|| Event::Phase { phase });
    }
}

/// What `select` found, turned into poll-phase callbacks.
impl NodeCore {
    /// Chapter 5's `select_ready` (on a virtual clock: look, do not wait, and if
    /// nothing is ready, jump the clock over the timeout), then the inbox. A
    /// result that arrives while the clock jumps still runs in this poll phase.
    fn select(&self, timeout: Option<Duration>) {
        let ready = self.io.select_ready(timeout);
        let messages = self.inbox.take_all();
        for fd in ready {
            self.queue_ready_fd(fd);
        }
        self.queue_results(messages);
    }

    /// A watched fd's callback joins the poll queue (the watch is over: one
    /// shot); a task waiting for the fd (chapter 5's futures) is woken there.
    fn queue_ready_fd(&self, fd: ch05_io::Readiness) {
        let watcher = self.watchers.borrow_mut().remove(&fd.key);
        if let Some(Callback { label, run }) = watcher {
            self.io.deregister(fd.key);
            self.push(&self.poll, Queue::Poll, label, run);
            return;
        }
        for waker in [fd.reader, fd.writer].into_iter().flatten() {
            let label = format!("wake {}", fd.name);
            self.push(&self.poll, Queue::Poll, label, move || waker.wake());
        }
    }

    fn queue_results(&self, messages: VecDeque<super::threads::Message>) {
        for (id, result) in messages {
            let job = self.jobs.borrow_mut().remove(&id);
            let Some((label, done)) = job else { continue };
            self.push(&self.poll, Queue::Poll, label, move || done(result));
        }
    }
}

/// The loop's life: turns, the alive rule, closing.
impl NodeCore {
    /// Counts a new turn and records it. No phase runs until the first one.
    pub fn begin_turn(&self) -> u64 {
        self.phase.set(None);
        let number = self.turn.get() + 1;
        self.turn.set(number);
        self.record(|| Event::Turn { number });
        number
    }

    /// How many turns have begun.
    pub fn turn(&self) -> u64 {
        self.turn.get()
    }

    /// Whether a tick or a microtask waits: code outside any callback (a test,
    /// the main script) queued it.
    pub fn has_ticks_or_microtasks(&self) -> bool {
        !self.ticks.borrow().is_empty() || self.core().ready_len() > 0
    }

    // ANCHOR: is_idle
    /// Whether the loop is no longer alive (libuv's `uv__loop_alive`, plus our
    /// queues): no callback queued anywhere, no timer, no watched fd, no task
    /// waiting for one, no job on another thread.
    pub fn is_idle(&self) -> bool {
        self.node_queues().iter().all(|queue| queue.borrow().is_empty())
            && self.io.is_idle() // ready queue, timers, selector waiters
            && self.jobs_in_flight() == 0
            && self.inbox.is_empty()
    }
    // ANCHOR_END: is_idle

    /// Node's own queues, in the order a turn meets them: ticks (every
    /// checkpoint), then pending, poll, check and close callbacks.
    fn node_queues(&self) -> [&CallbackQueue; 5] {
        [
            &self.ticks,
            &self.pending,
            &self.poll,
            &self.immediates,
            &self.closing,
        ]
    }

    /// Records `event` if this loop traces.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Closes the loop: chapter 5's layer (tasks, timers), then every callback
    /// left in Node's queues, without running anything.
    pub fn close(&self) {
        self.io.close();
        let mut left: Vec<Callback> = Vec::new();
        for queue in self.node_queues() {
            left.extend(queue.borrow_mut().drain(..));
        }
        let watchers: Vec<_> = self.watchers.borrow_mut().drain().collect();
        for (key, _) in &watchers {
            self.io.deregister(*key); // before their fds close with them
        }
        let jobs: Vec<_> = self.jobs.borrow_mut().drain().collect();
        // outside the borrows: their captures may touch the loop
        drop((left, watchers, jobs));
    }
}
