//! Exercise 3, reference solution: a repeating timer, JavaScript's `setInterval`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use crate::{TimerCore, TimerHandle};

#[derive(Debug, Default)]
struct Ticker {
    cancelled: Cell<bool>,
    pending: RefCell<Option<TimerHandle>>,
}

/// A running repeating timer.
#[derive(Debug)]
pub struct Repeating {
    ticker: Rc<Ticker>,
}

impl Repeating {
    /// Stops the ticks: the pending timer is cancelled and no more are scheduled.
    pub fn cancel(&self) {
        self.ticker.cancelled.set(true);
        if let Some(timer) = self.ticker.pending.borrow_mut().take() {
            timer.cancel();
        }
    }
}

/// Runs `callback` every `period`, starting one period from now.
pub fn call_every(
    timers: &Rc<TimerCore>,
    period: Duration,
    callback: impl FnMut() + 'static,
) -> Repeating {
    let ticker = Rc::new(Ticker::default());
    let callback: Rc<RefCell<dyn FnMut()>> = Rc::new(RefCell::new(callback));
    schedule(timers, ticker.clone(), callback, timers.time(), period, 1);
    Repeating { ticker }
}

/// Schedules tick number `k` at `start + k * period`: deadlines computed from the
/// start, so a slow callback does not make the ticks drift.
fn schedule(
    timers: &Rc<TimerCore>,
    ticker: Rc<Ticker>,
    callback: Rc<RefCell<dyn FnMut()>>,
    start: Duration,
    period: Duration,
    k: u32,
) {
    let (t, again) = (timers.clone(), ticker.clone());
    let handle = timers.call_at_named("tick", start + period * k, move || {
        (callback.borrow_mut())();
        if !again.cancelled.get() {
            schedule(&t, again, callback, start, period, k + 1);
        }
    });
    *ticker.pending.borrow_mut() = Some(handle);
}
