//! `sleep` and `wait_for`: futures made of timers.
//!
//! asyncio's `sleep(delay)` (`Lib/asyncio/tasks.py`) creates a future, schedules
//! `loop.call_later(delay, futures._set_result_unless_cancelled, future, result)`,
//! awaits the future, and cancels the timer in a `finally`. For `delay <= 0` it does
//! not touch the heap at all: it awaits `__sleep0()`, a bare `yield` that lets the
//! loop run one iteration.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::timer_core::{TimerCore, TimerHandle};

/// Why `wait_for` gave no value: the timeout came first. asyncio raises
/// `TimeoutError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutError {
    /// The timeout that elapsed.
    pub timeout: Duration,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timed out after {}",
            crate::trace::fmt_time(self.timeout)
        )
    }
}

impl std::error::Error for TimeoutError {}

/// When a [`Sleep`] ends.
#[derive(Debug, Clone, Copy)]
enum Deadline {
    After(Duration),
    At(Duration),
}

/// What the timer's callback shares with the sleeping future.
#[derive(Default)]
struct Alarm {
    fired: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

enum State {
    New,
    Yielded,
    Waiting {
        timer: TimerHandle,
        alarm: Rc<Alarm>,
    },
    Done,
}

// ANCHOR: sleep
/// A future that is ready once the loop's time reaches its deadline. The deadline is
/// taken when it is first polled (when the sleeping code starts to await it), as in
/// asyncio.
pub struct Sleep {
    timers: Rc<TimerCore>,
    deadline: Deadline,
    state: State,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.state {
            State::New => {
                let when = match self.deadline {
                    Deadline::After(delay) if delay.is_zero() => {
                        // asyncio's __sleep0: a bare yield, one iteration, no timer.
                        self.state = State::Yielded;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    Deadline::After(delay) => self.timers.time() + delay,
                    Deadline::At(when) => when,
                };
                let alarm = Rc::new(Alarm::default());
                *alarm.waker.borrow_mut() = Some(cx.waker().clone());
                let ring = alarm.clone();
                let timer = self.timers.call_at_named("sleep", when, move || {
                    ring.fired.set(true);
                    if let Some(waker) = ring.waker.take() {
                        // the task's next step runs in the next iteration
                        waker.wake();
                    }
                });
                self.state = State::Waiting { timer, alarm };
                Poll::Pending
            }
            State::Waiting { alarm, .. } if !alarm.fired.get() => {
                // The waker may have changed since the last poll (the future moved
                // to another task, or a combinator polls it with its own): the
                // timer must wake the latest one. Clone only when it changed.
                let mut stored = alarm.waker.borrow_mut();
                if !stored.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *stored = Some(cx.waker().clone());
                }
                Poll::Pending
            }
            State::Yielded | State::Waiting { .. } | State::Done => {
                self.state = State::Done;
                Poll::Ready(())
            }
        }
    }
}

impl Drop for Sleep {
    /// A sleep dropped before its deadline cancels its timer: asyncio's
    /// `finally: h.cancel()`.
    fn drop(&mut self) {
        if let State::Waiting { timer, .. } = &self.state {
            timer.cancel();
        }
    }
}
// ANCHOR_END: sleep

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl TimerCore {
    /// A future ready `delay` after it is first polled: `asyncio.sleep(delay)`.
    /// `sleep(Duration::ZERO)` schedules no timer: it yields for exactly one
    /// iteration.
    pub fn sleep(self: &Rc<Self>, delay: Duration) -> Sleep {
        Sleep {
            timers: self.clone(),
            deadline: Deadline::After(delay),
            state: State::New,
        }
    }

    /// A future ready once the loop's time reaches `when` (tokio's `sleep_until`;
    /// asyncio has `call_at` for callbacks but no coroutine for this).
    pub fn sleep_until(self: &Rc<Self>, when: Duration) -> Sleep {
        Sleep {
            timers: self.clone(),
            deadline: Deadline::At(when),
            state: State::New,
        }
    }

    // ANCHOR: wait_for
    /// Runs `fut` for at most `timeout`: `asyncio.wait_for(fut, timeout)`. If `fut`
    /// finishes first, its output is returned and the timer is cancelled; if the
    /// timeout comes first, `fut` is dropped (its destructors run) before
    /// `TimeoutError` is returned.
    pub fn wait_for<F: Future>(
        self: &Rc<Self>,
        fut: F,
        timeout: Duration,
    ) -> impl Future<Output = Result<F::Output, TimeoutError>> + use<F> {
        let mut timer = self.sleep(timeout);
        async move {
            let mut fut = pin!(fut);
            poll_fn(|cx| {
                if let Poll::Ready(output) = fut.as_mut().poll(cx) {
                    return Poll::Ready(Ok(output)); // `timer` is dropped: cancelled
                }
                match Pin::new(&mut timer).poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(TimeoutError { timeout })),
                    Poll::Pending => Poll::Pending,
                }
            })
            // on return, `fut` is dropped here, before the caller sees the error
            .await
        }
    }
    // ANCHOR_END: wait_for
}
