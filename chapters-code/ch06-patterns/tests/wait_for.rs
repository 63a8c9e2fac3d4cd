//! `wait_for` cancels the inner future on timeout; with a zero timeout it never
//! starts it.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{EventLoop, TimeoutError};
use ch06_patterns::wait_for;
use common::{DropGuard, run_logged, run_virtual, secs};

#[test]
fn wait_for_drops_the_inner_future_at_the_timeout() {
    let (lp, result, log) = run_logged(|handle, l| async move {
        let (h, inner) = (handle.clone(), l.clone());
        let slow = async move {
            let _guard = DropGuard(inner, "inner");
            h.sleep(secs(10.0)).await;
        };
        let result = wait_for(&handle, slow, secs(2.0)).await;
        l.borrow_mut()
            .push(format!("caller resumed at {:?}", handle.time()));
        result
    });
    assert_eq!(result, Err(TimeoutError { timeout: secs(2.0) }));
    assert_eq!(*log.borrow(), ["inner dropped", "caller resumed at 2s"]);
    assert_eq!(lp.live_timers(), 0);
}

#[test]
fn wait_for_returns_the_value_when_it_is_in_time() {
    let (lp, value) = run_virtual(|handle| async move {
        let h = handle.clone();
        wait_for(
            &handle,
            async move {
                h.sleep(secs(1.0)).await;
                7
            },
            secs(5.0),
        )
        .await
    });
    assert_eq!(value, Ok(7));
    assert_eq!(lp.time(), secs(1.0));
}

/// Runs `wait_for(body, 0)` where the body would finish without ever suspending;
/// returns whether the body started, and the outcome.
fn zero_timeout(use_chapter_4: bool) -> (bool, Result<u32, TimeoutError>) {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let started = Rc::new(Cell::new(false));
    let s = started.clone();
    let body = async move {
        s.set(true);
        5
    };
    let result = lp
        .run_until_complete(async move {
            if use_chapter_4 {
                handle.wait_for(body, Duration::ZERO).await
            } else {
                wait_for(&handle, body, Duration::ZERO).await
            }
        })
        .unwrap();
    (started.get(), result)
}

#[test]
fn a_zero_timeout_never_starts_the_body_as_in_cpython() {
    assert_eq!(
        zero_timeout(false),
        (
            false,
            Err(TimeoutError {
                timeout: Duration::ZERO
            })
        ),
        "CPython 3.11: timeout <= 0 cancels the new task before its first step"
    );
}

#[test]
fn chapter_4s_race_with_a_zero_timer_polls_the_body_once_first() {
    // The difference this chapter's wait_for exists for: a race polls the future
    // first, so a body that needs no waiting wins even against a zero timeout
    // (tokio's `timeout` does the same, see tests/tokio.rs).
    assert_eq!(zero_timeout(true), (true, Ok(5)));
}
