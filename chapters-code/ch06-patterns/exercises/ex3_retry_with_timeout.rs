//! Exercise 3: retry with a timeout.
//!
//! `retry_with_timeout(timers, attempts, timeout, make)` calls `make()` for a fresh
//! future and runs it under `wait_for(..., timeout)`. If it finishes in time, return
//! its output. If it times out, try again with a new future from `make()`, up to
//! `attempts` attempts in all (assume `attempts >= 1`); after the last one, return
//! its `TimeoutError`. Each timed-out attempt must be dropped (cancelled) before the
//! next one starts, as `wait_for` does.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{TimeoutError, TimerCore};

/// Up to `attempts` tries of `make()`, each limited to `timeout`.
pub async fn retry_with_timeout<F, M>(
    timers: &Rc<TimerCore>,
    attempts: usize,
    timeout: Duration,
    make: M,
) -> Result<F::Output, TimeoutError>
where
    F: Future,
    M: FnMut() -> F,
{
    let _ = (timers, attempts, timeout, make);
    todo!("exercise 3: wait_for each attempt, retry on TimeoutError")
}
