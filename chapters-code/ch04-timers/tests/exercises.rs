//! Tests for the chapter 4 exercises. Run one with `cargo xtask exercise ch04 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. All of
//! them run on the virtual clock, so the times they check are exact.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::exercises::ex1_race::{Either, race};
use ch04_timers::exercises::ex2_debounce::Debouncer;
use ch04_timers::exercises::ex3_call_every::{Repeating, call_every};
use ch04_timers::{EventLoop, VirtualClock};
use common::{DropGuard, run_virtual, secs, virtual_loop_with_log};

type Times = Rc<RefCell<Vec<Duration>>>;

/// Stops the loop at `when`.
fn stop_at(lp: &EventLoop, when: Duration) {
    let handle = lp.handle();
    lp.call_at(when, move || handle.stop());
}

// ---- Exercise 3: call_every
// ---------------------------------------------------------------

/// A 1 s ticker on `lp` whose callback records the loop's time, then does `work`.
fn ticking(lp: &EventLoop, work: impl Fn() + 'static) -> (Repeating, Times) {
    let ticks: Times = Rc::default();
    let (t, handle) = (ticks.clone(), lp.handle());
    let ticker = call_every(&lp.handle(), secs(1.0), move || {
        t.borrow_mut().push(handle.time());
        work();
    });
    (ticker, ticks)
}

/// Runs `lp` until 3.5 s with a 1 s ticker doing `work`; returns the times it ticked
/// at.
fn ticks_before_3_5s(lp: &EventLoop, work: impl Fn() + 'static) -> Vec<Duration> {
    let (_ticker, ticks) = ticking(lp, work);
    stop_at(lp, secs(3.5));
    lp.run_forever()
        .expect("the loop runs until the stop at 3.5 s");
    ticks.take()
}

#[test]
fn ex3_ticks_every_period() {
    assert_eq!(
        ticks_before_3_5s(&EventLoop::virtual_time(), || {}),
        [secs(1.0), secs(2.0), secs(3.0)],
        "a 1 s ticker started at 0 s ticks at 1, 2 and 3 s before 3.5 s"
    );
}

#[test]
fn ex3_a_slow_callback_does_not_make_the_ticks_drift() {
    let clock = VirtualClock::new();
    let lp = EventLoop::with_clock(clock.clone(), ch03_ready_queue::Tracing::Off);
    let ticks = ticks_before_3_5s(&lp, move || {
        clock.advance(Duration::from_millis(300)); // the callback takes 300 ms
    });
    assert_eq!(
        ticks,
        [secs(1.0), secs(2.0), secs(3.0)],
        "ticks drifted: schedule tick k at start + k * period, not period after the \
         last one"
    );
}

#[test]
fn ex3_cancel_stops_the_ticks_and_leaves_no_timer() {
    let lp = EventLoop::virtual_time();
    let (ticker, ticks) = ticking(&lp, || {});
    let ticker = Rc::new(ticker);
    let tk = ticker.clone();
    lp.call_at(secs(2.5), move || tk.cancel());
    lp.run_until_idle();
    assert_eq!(
        *ticks.borrow(),
        [secs(1.0), secs(2.0)],
        "no tick after cancel"
    );
    assert_eq!(
        lp.live_timers(),
        0,
        "cancel must cancel the pending tick's timer"
    );
}

#[test]
fn ex3_a_callback_may_cancel_its_own_ticker() {
    let lp = EventLoop::virtual_time();
    let count = Rc::new(RefCell::new(0));
    let slot: Rc<RefCell<Option<Repeating>>> = Rc::default();
    let (c, s) = (count.clone(), slot.clone());
    let ticker = call_every(&lp.handle(), secs(1.0), move || {
        *c.borrow_mut() += 1;
        if *c.borrow() == 2 {
            if let Some(ticker) = s.borrow().as_ref() {
                ticker.cancel();
            }
        }
    });
    *slot.borrow_mut() = Some(ticker);
    lp.run_until_idle();
    assert_eq!(
        *count.borrow(),
        2,
        "cancel from inside the callback stops the ticker"
    );
}

// ---- Exercise 1: race
// ---------------------------------------------------------------------

#[test]
fn ex1_the_first_to_finish_wins_and_the_loser_is_dropped() {
    let (lp, log) = virtual_loop_with_log();
    let (handle, l) = (lp.handle(), log.clone());
    let winner = lp
        .run_until_complete(async move {
            let (h1, h2, l1, l2) =
                (handle.clone(), handle.clone(), l.clone(), l.clone());
            let slow = async move {
                let _g = DropGuard(l1, "slow");
                h1.sleep(secs(2.0)).await;
                "slow"
            };
            let fast = async move {
                let _g = DropGuard(l2, "fast");
                h2.sleep(secs(1.0)).await;
                1
            };
            let winner = race(slow, fast).await;
            l.borrow_mut()
                .push(format!("race returned at {:?}", handle.time()));
            winner
        })
        .expect("race must finish");
    assert_eq!(winner, Either::Right(1));
    assert_eq!(
        *log.borrow(),
        ["fast dropped", "slow dropped", "race returned at 1s"],
        "the loser must be dropped before race returns"
    );
    assert_eq!(lp.live_timers(), 0, "the loser's sleep cancelled its timer");
    assert_eq!(lp.time(), secs(1.0));
}

#[test]
fn ex1_left_wins_a_tie() {
    let lp = EventLoop::virtual_time();
    let winner = lp
        .run_until_complete(race(async { "a" }, async { "b" }))
        .unwrap();
    assert_eq!(winner, Either::Left("a"), "if both are ready, `a` wins");
}

#[test]
fn ex1_race_with_a_sleep_is_a_timeout() {
    let (lp, outcome) = run_virtual(|handle| async move {
        let h = handle.clone();
        race(
            async move { h.sleep(secs(10.0)).await },
            handle.sleep(secs(3.0)),
        )
        .await
    });
    assert_eq!(outcome, Either::Right(()));
    assert_eq!(lp.time(), secs(3.0), "the 3 s sleep decides");
}

// ---- Exercise 2: Debouncer
// ----------------------------------------------------------------

fn debounced(lp: &EventLoop) -> (Rc<Debouncer>, Times) {
    let fired: Times = Rc::default();
    let (f, handle) = (fired.clone(), lp.handle());
    let debouncer = Debouncer::new(&lp.handle(), secs(1.0), move || {
        f.borrow_mut().push(handle.time())
    });
    (Rc::new(debouncer), fired)
}

fn trigger_at(lp: &EventLoop, debouncer: &Rc<Debouncer>, when: f64) {
    let d = debouncer.clone();
    lp.call_at(secs(when), move || d.trigger());
}

#[test]
fn ex2_a_burst_gives_one_call_after_the_last_trigger() {
    let lp = EventLoop::virtual_time();
    let (debouncer, fired) = debounced(&lp);
    for when in [0.0, 0.5, 1.0] {
        trigger_at(&lp, &debouncer, when);
    }
    lp.run_until_idle();
    assert_eq!(
        *fired.borrow(),
        [secs(2.0)],
        "triggers at 0, 0.5 and 1 s with a 1 s delay: one call, at 2 s"
    );
}

#[test]
fn ex2_two_bursts_give_two_calls() {
    let lp = EventLoop::virtual_time();
    let (debouncer, fired) = debounced(&lp);
    for when in [0.0, 0.5, 5.0, 5.2] {
        trigger_at(&lp, &debouncer, when);
    }
    lp.run_until_idle();
    assert_eq!(*fired.borrow(), [secs(1.5), secs(6.2)]);
}

#[test]
fn ex2_only_one_timer_waits_at_a_time() {
    let lp = EventLoop::virtual_time();
    let (debouncer, _) = debounced(&lp);
    for _ in 0..10 {
        debouncer.trigger();
    }
    assert_eq!(
        lp.live_timers(),
        1,
        "each trigger must cancel the previous timer"
    );
}
