//! Chapter 4's twin against our loop: the scenario of the oracle that includes
//! `programs/twin_ch04.py` (a due timer T against X and the Y it queues, and three
//! `check_status` tasks sleeping 1, 2 and 3 s), run on the `ch04-timers` crate on its
//! virtual clock, logs exactly the lines the oracle printed.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{EventLoop, TimerCore};

type Log = Rc<RefCell<Vec<String>>>;

/// The twin's `note`: the iteration, the time in seconds as Python prints a float,
/// and what happened.
fn note(lp: &TimerCore, log: &Log, what: &str) {
    let t = lp.time().as_secs_f64();
    let line = format!("iteration {}, t = {t:.1}: {what}", lp.iteration());
    log.borrow_mut().push(line);
}

async fn check_status(lp: Rc<TimerCore>, log: Log, period: &str, seconds: u64) {
    lp.sleep(Duration::from_secs(seconds)).await;
    note(&lp, &log, &format!("{period} ready"));
}

#[test]
fn our_loop_logs_what_the_python_twin_and_asyncio_log() {
    let lp = EventLoop::virtual_time();
    let log: Log = Rc::default();

    let (h, l) = (lp.handle(), log.clone());
    lp.call_later(Duration::ZERO, move || note(&h, &l, "T")); // due at once
    let (h, l) = (lp.handle(), log.clone());
    lp.call_soon(move || {
        note(&h, &l, "X");
        let (h2, l2) = (h.clone(), l.clone());
        h.call_soon(move || note(&h2, &l2, "Y"));
    });
    for (period, seconds) in [("2026-09", 1), ("2026-10", 2), ("2026-11", 3)] {
        lp.spawn(check_status(lp.handle(), log.clone(), period, seconds));
    }
    lp.run_until_idle();

    let printed = book_tests::twins::oracle_output("ch04-timers.md", "twin_ch04.py");
    assert_eq!(*log.borrow(), printed);
}
