//! Tests for the chapter 6 exercises. Run one with `cargo xtask exercise ch06 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. All of
//! them run on the virtual clock, so the times they check are exact.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use ch04_timers::{EventLoop, TimeoutError};
use ch06_patterns::exercises::ex1_gather_limited::gather_limited;
use ch06_patterns::exercises::ex2_first_completed::first_completed;
use ch06_patterns::exercises::ex3_retry_with_timeout::retry_with_timeout;
use common::{DropGuard, Gauge, run_virtual, secs, virtual_loop_with_log};

// ---- Exercise 1: gather_limited
// -----------------------------------------------------------

/// Ten jobs of 1 s (job i returns i; odd ones take 0.5 s) under `gather_limited(n)`;
/// returns the outputs, the peak and the end time.
fn ten_jobs(n: usize) -> (Vec<usize>, usize, std::time::Duration) {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let gauge = Rc::new(Gauge::default());
    let g = gauge.clone();
    let outputs = lp
        .run_until_complete(async move {
            let jobs: Vec<_> = (0..10)
                .map(|i| {
                    let (h, g) = (handle.clone(), g.clone());
                    async move {
                        let _inside = g.enter();
                        h.sleep(secs(if i % 2 == 1 { 0.5 } else { 1.0 })).await;
                        i
                    }
                })
                .collect();
            gather_limited(&handle, n, jobs).await
        })
        .expect("gather_limited must finish");
    (outputs, gauge.peak(), lp.time())
}

#[test]
fn ex1_never_more_than_n_at_once() {
    for n in [1, 3, 10] {
        let (_, peak, _) = ten_jobs(n);
        assert!(peak <= n, "with n = {n}, {peak} jobs ran at once");
        assert_eq!(peak, n, "with n = {n}, up to {n} jobs should run at once");
    }
}

#[test]
fn ex1_results_in_argument_order() {
    let (outputs, _, _) = ten_jobs(3);
    assert_eq!(
        outputs,
        (0..10).collect::<Vec<_>>(),
        "outputs must be in argument order"
    );
}

#[test]
fn ex1_concurrent_within_the_limit() {
    let (_, _, end) = ten_jobs(10);
    assert_eq!(
        end,
        secs(1.0),
        "with room for all ten, they all run at once: 1 s"
    );
    let (_, _, end) = ten_jobs(1);
    assert_eq!(end, secs(7.5), "one at a time: 5 x 1 s + 5 x 0.5 s");
}

// ---- Exercise 2: first_completed
// ----------------------------------------------------------

#[test]
fn ex2_the_first_to_finish_wins_and_the_others_keep_running() {
    let (lp, log) = virtual_loop_with_log();
    let (handle, l) = (lp.handle(), log.clone());
    let (index, value, pending) = lp
        .run_until_complete(async move {
            let jobs: Vec<_> = [3.0, 1.0, 2.0]
                .into_iter()
                .map(|s| {
                    let (h, l) = (handle.clone(), l.clone());
                    async move {
                        h.sleep(secs(s)).await;
                        l.borrow_mut().push(format!("{s} s job finished"));
                        s
                    }
                })
                .collect();
            let first = first_completed(&handle, jobs).await;
            assert_eq!(
                handle.time(),
                secs(1.0),
                "first_completed returns when the first is done"
            );
            (first.index, first.result.unwrap(), first.pending.len())
        })
        .expect("first_completed must finish");
    assert_eq!(
        (index, value),
        (1, 1.0),
        "the 1 s job, at index 1, finished first"
    );
    assert_eq!(pending, 2, "the two others are returned as pending");
    lp.run_until_idle();
    assert_eq!(
        *log.borrow(),
        ["1 s job finished", "2 s job finished", "3 s job finished"],
        "first_completed must not cancel the others"
    );
}

#[test]
fn ex2_pending_handles_are_in_argument_order_and_usable() {
    let (_, rest) = run_virtual(|handle| async move {
        let jobs: Vec<_> = [2u64, 1, 3]
            .into_iter()
            .map(|s| {
                let h = handle.clone();
                async move {
                    h.sleep(secs(s as f64)).await;
                    s
                }
            })
            .collect();
        let first = first_completed(&handle, jobs).await;
        let mut rest = Vec::new();
        for task in first.pending {
            rest.push(task.await.unwrap());
        }
        rest
    });
    assert_eq!(rest, [2, 3], "pending, in argument order, can be awaited");
}

// ---- Exercise 3: retry_with_timeout
// -------------------------------------------------------

#[test]
fn ex3_retries_until_an_attempt_is_fast_enough() {
    let (lp, log) = virtual_loop_with_log();
    let (handle, l) = (lp.handle(), log.clone());
    let attempt = Rc::new(Cell::new(0));
    let result = lp
        .run_until_complete(async move {
            let h = handle.clone();
            retry_with_timeout(&handle, 5, secs(2.0), move || {
                attempt.set(attempt.get() + 1);
                let (n, h, l) = (attempt.get(), h.clone(), l.clone());
                async move {
                    let _guard = DropGuard(l.clone(), "attempt");
                    l.borrow_mut()
                        .push(format!("attempt {n} at {:?}", h.time()));
                    // the third is quick
                    h.sleep(secs(if n < 3 { 10.0 } else { 1.0 })).await;
                    n
                }
            })
            .await
        })
        .expect("retry_with_timeout must finish");
    assert_eq!(result, Ok(3), "the third attempt succeeds");
    assert_eq!(
        *log.borrow(),
        [
            "attempt 1 at 0ns",
            "attempt dropped",
            "attempt 2 at 2s",
            "attempt dropped",
            "attempt 3 at 4s",
            "attempt dropped",
        ],
        "each timed-out attempt is dropped before the next starts"
    );
    assert_eq!(lp.time(), secs(5.0));
}

#[test]
fn ex3_gives_up_after_the_last_attempt() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let tries = Rc::new(Cell::new(0));
    let t = tries.clone();
    let result = lp
        .run_until_complete(async move {
            let h = handle.clone();
            retry_with_timeout(&handle, 3, secs(1.0), move || {
                t.set(t.get() + 1);
                h.sleep(secs(10.0))
            })
            .await
        })
        .expect("retry_with_timeout must finish");
    assert_eq!(result, Err(TimeoutError { timeout: secs(1.0) }));
    assert_eq!(tries.get(), 3, "exactly `attempts` attempts");
    assert_eq!(lp.time(), secs(3.0));
    assert_eq!(lp.live_timers(), 0, "no attempt left behind");
}
