//! This chapter's loop: the ready queue and a timer heap.

use std::rc::Rc;

use ch03_ready_queue::{Recorder, Trace, Tracing};

use crate::clock::Clock;
use crate::timer_core::TimerCore;
use crate::trace::{Event, render_mermaid};

/// A single-threaded event loop with a ready queue and timers.
///
/// It dereferences to its [`TimerCore`] (as an `Rc<TimerCore>`), where `call_later`,
/// `call_at`, `sleep` and `wait_for` live, and through it to chapter 3's `Core`
/// (`call_soon`, `spawn`, `stop`). `run_forever` and `run_until_complete` come from
/// chapter 3's [`Driver`](ch03_ready_queue::Driver).
#[derive(Debug)]
pub struct EventLoop {
    timers: Rc<TimerCore>,
    trace: Option<Trace<Event>>,
}

impl EventLoop {
    /// A loop on `clock`, recording a trace if `tracing` is on.
    pub fn with_clock(clock: impl Clock + 'static, tracing: Tracing) -> Self {
        let trace = Trace::when(tracing);
        Self {
            timers: TimerCore::new(clock, Recorder::into_trace(trace.as_ref())),
            trace,
        }
    }

    // ANCHOR: run_once
    /// One iteration, in CPython's order (`BaseEventLoop._run_once`).
    pub fn run_once(&self) {
        let lp = &self.timers;
        // 1. Wait: not at all if anything is ready, else until the earliest timer.
        //    CPython waits in `select`; with no I/O yet (chapter 5), only the clock
        //    moves.
        if let Some(timeout) = lp.poll_timeout() {
            lp.wait(timeout);
        }
        // 2. Every due timer goes to the back of the ready queue.
        lp.move_due_timers();
        // 3. Take the snapshot: what is ready now, timers included.
        let ntodo = lp.begin_iteration();
        // 4. Run those, and nothing more.
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
    }
    // ANCHOR_END: run_once

    // ANCHOR: run_once_notes_order
    /// One iteration in the order of the notes' pseudo-code: run ready, then timers,
    /// then poll I/O. Here only to show the difference; see `run_once`.
    pub fn run_once_notes_order(&self) {
        let lp = &self.timers;
        let ntodo = lp.begin_iteration(); // run_ready_callbacks()
        for _ in 0..ntodo {
            lp.run_next_ready();
        }
        // run_due_timers(): into the READY queue, for next time
        lp.move_due_timers();
        if let Some(timeout) = lp.poll_timeout() {
            lp.wait(timeout); // poll_io_events()
        }
    }
    // ANCHOR_END: run_once_notes_order
}

crate::layered_event_loop!(EventLoop {
    timers: TimerCore,
    event: Event,
    mermaid: render_mermaid
});

/// Writes what every loop from this chapter on has besides its `with_clock` and its
/// `run_once`, the same in chapters 4, 5 and 7: the constructors on the real and the
/// virtual clock, `handle`, chapter 3's
/// [`loop_methods!`](ch03_ready_queue::loop_methods) (so no reader needs to import
/// [`Driver`](ch03_ready_queue::Driver)), and the traits that tie the loop to its
/// outermost layer. Each layer answers for the ones below it: the loop is stalled
/// when its layer `is_idle`, and dropping the loop `close`s its layer.
#[macro_export]
macro_rules! layered_event_loop {
    (
        $loop:ident {
            $field:ident: $layer:ty,
            event: $event:ty,
            mermaid: $render:path
        }
    ) => {
        impl $loop {
            /// A loop on the real monotonic clock, without a trace.
            pub fn new() -> Self {
                Self::with_clock(
                    $crate::MonotonicClock::new(),
                    $crate::ch03::Tracing::Off,
                )
            }

            /// A loop on the real monotonic clock, recording a trace.
            pub fn traced() -> Self {
                Self::with_clock(
                    $crate::MonotonicClock::new(),
                    $crate::ch03::Tracing::On,
                )
            }

            /// A loop on a fresh `VirtualClock` at time 0: waiting for a timer takes
            /// no time.
            pub fn virtual_time() -> Self {
                Self::with_clock(
                    $crate::VirtualClock::new(),
                    $crate::ch03::Tracing::Off,
                )
            }

            /// A loop on a fresh `VirtualClock`, recording a trace.
            pub fn virtual_time_traced() -> Self {
                Self::with_clock(
                    $crate::VirtualClock::new(),
                    $crate::ch03::Tracing::On,
                )
            }

            /// A reference to the loop, for callbacks and tasks to schedule more
            /// work.
            pub fn handle(&self) -> ::std::rc::Rc<$layer> {
                self.$field.clone()
            }

            $crate::ch03::loop_methods!(event: $event, mermaid: $render);
        }

        impl Default for $loop {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $crate::ch03::Driver for $loop {
            fn core(&self) -> &::std::rc::Rc<$crate::ch03::Core> {
                self.$field.core()
            }

            fn run_once(&self) {
                $loop::run_once(self);
            }

            fn is_stalled(&self) -> bool {
                self.$field.is_idle()
            }
        }

        impl ::std::ops::Deref for $loop {
            type Target = ::std::rc::Rc<$layer>;

            fn deref(&self) -> &Self::Target {
                &self.$field
            }
        }

        impl Drop for $loop {
            /// Closes the loop's layer, which closes the ones below it first: every
            /// task is dropped (their destructors run), then every timer, without
            /// running anything.
            fn drop(&mut self) {
                self.$field.close();
            }
        }
    };
}
