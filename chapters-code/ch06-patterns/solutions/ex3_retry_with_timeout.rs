//! Exercise 3, reference solution: retry with a timeout.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{TimeoutError, TimerCore};

use crate::wait_for;

/// Up to `attempts` tries of `make()`, each limited to `timeout`.
pub async fn retry_with_timeout<F, M>(
    timers: &Rc<TimerCore>,
    attempts: usize,
    timeout: Duration,
    mut make: M,
) -> Result<F::Output, TimeoutError>
where
    F: Future,
    M: FnMut() -> F,
{
    let mut last = TimeoutError { timeout };
    for _ in 0..attempts {
        match wait_for(timers, make(), timeout).await {
            Ok(output) => return Ok(output),
            Err(error) => last = error, // the attempt was dropped inside wait_for
        }
    }
    Err(last)
}
