//! The running example: chapter 2's `check_status`, ten calls under `gather`, a
//! `Semaphore` and `wait_for`, and what each of the three changes about when the ten
//! are done.

mod common;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{TimeoutError, TimerCore};
use ch06_patterns::{Semaphore, gather, wait_for};
use common::{run_virtual, secs};

/// Chapter 2's `check_status`; a sleep plays the server: 1 s, but 5 s for July.
async fn check_status(h: Rc<TimerCore>, month: u32) -> String {
    let answer = if month == 7 { secs(5.0) } else { secs(1.0) };
    h.sleep(answer).await;
    format!("2026-{month:02}: ready")
}

/// What ten checks did: the most running at once, when the last ended, how many
/// timed out.
#[derive(Debug, PartialEq)]
struct Outcome {
    peak: u32,
    end: Duration,
    timed_out: usize,
}

/// One check: behind `sem` if there is one, under `wait_for(.., timeout)` if there
/// is one.
async fn check(
    h: Rc<TimerCore>,
    sem: Option<Semaphore>,
    inside: Rc<(Cell<u32>, Cell<u32>)>,
    month: u32,
    timeout: Option<Duration>,
) -> Result<String, TimeoutError> {
    let _permit = match &sem {
        Some(sem) => Some(sem.acquire().await),
        None => None,
    };
    let (now, peak) = (&inside.0, &inside.1);
    now.set(now.get() + 1);
    peak.set(peak.get().max(now.get()));
    let status = check_status(h.clone(), month);
    let result = match timeout {
        Some(timeout) => wait_for(&h, status, timeout).await,
        None => Ok(status.await),
    };
    now.set(now.get() - 1);
    result
}

/// Ten checks (months 1 to 10), gathered, or awaited one by one if `sequential`.
fn ten_checks(
    permits: Option<usize>,
    timeout: Option<Duration>,
    sequential: bool,
) -> Outcome {
    let inside = Rc::new((Cell::new(0), Cell::new(0)));
    let i = inside.clone();
    let (lp, results) = run_virtual(move |handle| async move {
        let sem = permits.map(Semaphore::new);
        let checks: Vec<_> = (1..=10)
            .map(|month| {
                check(handle.clone(), sem.clone(), i.clone(), month, timeout)
            })
            .collect();
        if sequential {
            let mut results = Vec::new();
            for c in checks {
                results.push(c.await);
            }
            results
        } else {
            gather(&handle, checks).await.expect("no check panicked")
        }
    });
    assert_eq!(
        results[0].as_deref(),
        Ok("2026-01: ready"),
        "argument order"
    );
    Outcome {
        peak: inside.1.get(),
        end: lp.time(),
        timed_out: results.iter().filter(|r| r.is_err()).count(),
    }
}

#[test]
fn ten_checks_three_at_a_time_each_given_2_s_end_at_4_s() {
    let outcome = ten_checks(Some(3), Some(secs(2.0)), false);
    let expected = Outcome {
        peak: 3,
        end: secs(4.0),
        timed_out: 1,
    };
    assert_eq!(
        outcome, expected,
        "rounds at 0, 1, 2 and 3 s; July cut off at 4 s"
    );
}

#[test]
fn without_the_semaphore_all_ten_run_at_once_and_end_at_2_s() {
    let outcome = ten_checks(None, Some(secs(2.0)), false);
    let expected = Outcome {
        peak: 10,
        end: secs(2.0),
        timed_out: 1,
    };
    assert_eq!(outcome, expected);
}

#[test]
fn without_wait_for_the_slow_check_holds_its_permit_until_7_s() {
    let outcome = ten_checks(Some(3), None, false);
    let expected = Outcome {
        peak: 3,
        end: secs(7.0),
        timed_out: 0,
    };
    assert_eq!(outcome, expected, "July runs from 2 s to 7 s");
}

#[test]
fn awaited_one_by_one_the_ten_checks_take_11_s() {
    let outcome = ten_checks(Some(3), Some(secs(2.0)), true);
    let expected = Outcome {
        peak: 1,
        end: secs(11.0),
        timed_out: 1,
    };
    assert_eq!(
        outcome, expected,
        "nine 1 s answers and one 2 s timeout, in turn"
    );
}
