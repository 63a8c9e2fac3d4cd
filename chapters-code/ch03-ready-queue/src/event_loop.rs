//! This chapter's loop: the ready queue and nothing else.

use std::future::Future;
use std::ops::Deref;
use std::rc::Rc;

use crate::core::Core;
use crate::guard::{RunError, RunGuard};
use crate::trace::{Event, Recorder, Trace, Tracing, render_mermaid};

/// What every loop of the book has in common, given its own `run_once`:
/// `run_forever` and `run_until_complete`, written once here, as in CPython's
/// `BaseEventLoop`.
///
/// Chapter 4's loop implements this trait with a `run_once` that also fires timers,
/// and inherits the rest.
pub trait Driver {
    /// The loop's state.
    fn core(&self) -> &Rc<Core>;

    /// One iteration. asyncio's `_run_once`.
    fn run_once(&self);

    /// Whether running would wait forever: nothing ready, no stop requested, and
    /// nothing that could make anything ready. Each loop answers with its outermost
    /// layer's `is_idle`, which asks the layers below it.
    fn is_stalled(&self) -> bool {
        self.core().is_idle()
    }

    /// Runs iterations until the loop is stalled: every task, timer and socket wait
    /// is over. What a test does to let a scenario play out; it returns how many
    /// iterations ran.
    fn run_until_idle(&self) -> u64 {
        let mut iterations = 0;
        while !self.is_stalled() {
            self.run_once();
            iterations += 1;
        }
        iterations
    }

    // ANCHOR: run_forever
    /// Runs iterations until `stop()` is called (asyncio's `run_forever`): the
    /// iteration in which `stop` is called finishes, then the loop returns.
    fn run_forever(&self) -> Result<(), RunError> {
        let core = self.core();
        let _running = RunGuard::enter(core)?;
        loop {
            if self.is_stalled() {
                return Err(RunError::Stalled);
            }
            self.run_once();
            if core.take_stopping() {
                return Ok(());
            }
        }
    }
    // ANCHOR_END: run_forever

    // ANCHOR: run_until_complete
    /// Runs `future` as a task until it is done and returns its output (asyncio's
    /// `run_until_complete`): a done-callback on the task stops the loop.
    fn run_until_complete<F>(&self, future: F) -> Result<F::Output, RunError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let core = self.core();
        RunGuard::check(core)?;
        let task = core.spawn(future);
        let stopper = core.clone();
        task.add_done_callback(move || stopper.stop());
        self.run_forever()?;
        match task.try_take() {
            Some(Ok(output)) => Ok(output),
            Some(Err(error)) => Err(RunError::Task(error)),
            None => Err(RunError::StoppedBeforeComplete),
        }
    }
    // ANCHOR_END: run_until_complete
}

/// A single-threaded event loop with a ready queue: `call_soon`, `spawn`,
/// `run_once`, `run_forever`, `stop`, `run_until_complete`.
///
/// It dereferences to its [`Core`] (as an `Rc<Core>`), where `call_soon`, `spawn`
/// and `stop` live; [`EventLoop::handle`] gives callbacks and tasks their own
/// reference.
#[derive(Debug)]
pub struct EventLoop {
    core: Rc<Core>,
    trace: Option<Trace<Event>>,
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

impl EventLoop {
    /// A loop that records no trace.
    pub fn new() -> Self {
        Self::with_tracing(Tracing::Off)
    }

    /// A loop that records a trace of everything it does.
    pub fn traced() -> Self {
        Self::with_tracing(Tracing::On)
    }

    /// A loop that records a trace if `tracing` is on.
    pub fn with_tracing(tracing: Tracing) -> Self {
        let trace = Trace::when(tracing);
        Self {
            core: Core::new(Recorder::into_trace(trace.as_ref())),
            trace,
        }
    }

    /// A reference to the loop, for callbacks and tasks to schedule more work.
    pub fn handle(&self) -> Rc<Core> {
        self.core.clone()
    }

    // ANCHOR: run_once
    /// One iteration: run the callbacks and task steps that were ready when it
    /// began, and no more. Whatever they schedule runs in the next iteration.
    /// asyncio's `_run_once`, without timers (chapter 4) and I/O (chapter 5).
    pub fn run_once(&self) {
        let core = &self.core;
        // 1. Take the snapshot: what is ready *now*.
        let ntodo = core.begin_iteration();
        // 2. Run those: each a callback, or one step of a task.
        for _ in 0..ntodo {
            core.run_next_ready();
        }
    }
    // ANCHOR_END: run_once

    /// The trace, if this loop records one.
    pub fn trace(&self) -> Option<&Trace<Event>> {
        self.trace.as_ref()
    }
}

/// Generates, for a chapter's `EventLoop`, the methods every loop of the book
/// offers, so that no reader has to import [`Driver`] to call them: the driver's own
/// (`run_forever`, `run_until_complete`, `is_stalled`, `run_until_idle`) and the
/// trace's (`events`, `clear_events`, `trace_lines`, `trace_mermaid`). Each forwards
/// in one line; the loop must implement [`Driver`] and have a
/// `trace: Option<Trace<E>>` field.
///
/// A macro, not a generic `EventLoop<C>`: each chapter's loop is its own type with
/// its own constructors and `run_once`, and Rust's orphan rule would not let a later
/// chapter add those to a type of this crate.
#[macro_export]
macro_rules! loop_methods {
    (event: $event:ty, mermaid: $render:path) => {
        /// See `Driver::run_forever`.
        pub fn run_forever(&self) -> Result<(), $crate::RunError> {
            $crate::Driver::run_forever(self)
        }

        /// See `Driver::run_until_complete`.
        pub fn run_until_complete<F>(
            &self,
            future: F,
        ) -> Result<F::Output, $crate::RunError>
        where
            F: ::std::future::Future + 'static,
            F::Output: 'static,
        {
            $crate::Driver::run_until_complete(self, future)
        }

        /// See `Driver::is_stalled`.
        pub fn is_stalled(&self) -> bool {
            $crate::Driver::is_stalled(self)
        }

        /// See `Driver::run_until_idle`.
        pub fn run_until_idle(&self) -> u64 {
            $crate::Driver::run_until_idle(self)
        }

        /// The events recorded so far (empty if the loop does not trace).
        pub fn events(&self) -> Vec<$event> {
            self.trace.as_ref().map(|t| t.events()).unwrap_or_default()
        }

        /// Forgets the events so far, to trace only the part of a scenario that
        /// matters.
        pub fn clear_events(&self) {
            if let Some(trace) = &self.trace {
                trace.clear();
            }
        }

        /// The trace as lines of text, as the tests compare them.
        pub fn trace_lines(&self) -> Vec<String> {
            $crate::render_lines(&self.events())
        }

        /// The trace as a mermaid sequence diagram.
        pub fn trace_mermaid(&self) -> String {
            $render(&self.events())
        }
    };
}

impl EventLoop {
    loop_methods!(event: Event, mermaid: render_mermaid);
}

impl Driver for EventLoop {
    fn core(&self) -> &Rc<Core> {
        &self.core
    }

    fn run_once(&self) {
        EventLoop::run_once(self);
    }
}

impl Deref for EventLoop {
    type Target = Rc<Core>;

    fn deref(&self) -> &Rc<Core> {
        &self.core
    }
}

impl Drop for EventLoop {
    /// Drops every task (their destructors run) and every queued callback.
    fn drop(&mut self) {
        self.core.close();
    }
}
