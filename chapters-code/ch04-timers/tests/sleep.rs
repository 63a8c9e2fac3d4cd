//! sleep and wait_for, on the virtual clock: exact times, no waiting.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{Event, EventLoop, Sleep, TimeoutError};
use common::{DropGuard, run_logged, run_virtual, secs, two_sleepers_scenario};

#[test]
fn three_sleeps_one_after_another_end_at_6s() {
    let (_, end) = run_virtual(|handle| async move {
        for delay in [1.0, 2.0, 3.0] {
            handle.sleep(secs(delay)).await;
        }
        handle.time()
    });
    assert_eq!(end, secs(6.0));
}

#[test]
fn three_sleeps_run_together_end_at_3s() {
    let (_, end) = run_virtual(|handle| async move {
        let tasks: Vec<_> = [1.0, 2.0, 3.0]
            .into_iter()
            .map(|delay| {
                let h = handle.clone();
                handle.spawn(async move { h.sleep(secs(delay)).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        handle.time()
    });
    assert_eq!(end, secs(3.0));
}

#[test]
fn sleepers_wake_at_their_deadlines() {
    let (_, woke) = two_sleepers_scenario();
    assert_eq!(
        woke,
        [("A".to_string(), secs(1.0)), ("B".to_string(), secs(2.0))]
    );
}

#[test]
fn a_sleeping_task_resumes_the_iteration_after_its_timer_fires() {
    let lp = EventLoop::virtual_time_traced();
    let handle = lp.handle();
    lp.spawn_named("A", async move { handle.sleep(secs(1.0)).await });
    lp.run_once();
    lp.run_once();
    lp.run_once();
    assert_eq!(
        lp.trace_lines(),
        [
            "spawn A",
            "iteration 1: 1 ready",
            "poll A",
            "call_at sleep t=1s",
            "A -> Pending",
            "clock 0s -> 1s",
            "timer sleep due (t=1s)",
            "call_soon sleep",
            "iteration 2: 1 ready",
            "callback sleep",
            "wake A",
            "iteration 3: 1 ready",
            "poll A",
            "A -> Ready",
        ]
    );
}

#[test]
fn sleep_zero_yields_exactly_one_iteration() {
    let lp = EventLoop::virtual_time_traced();
    let log: Rc<RefCell<Vec<(String, u64)>>> = Rc::default();
    for name in ["A", "B"] {
        let (handle, log) = (lp.handle(), log.clone());
        lp.spawn_named(name, async move {
            for i in 0..3 {
                log.borrow_mut()
                    .push((format!("{name}{i}"), handle.iteration()));
                handle.sleep(Duration::ZERO).await;
            }
        });
    }
    lp.run_until_idle();
    assert_eq!(
        *log.borrow(),
        [
            ("A0".to_string(), 1),
            ("B0".to_string(), 1),
            ("A1".to_string(), 2),
            ("B1".to_string(), 2),
            ("A2".to_string(), 3),
            ("B2".to_string(), 3),
        ]
    );
    assert!(
        !lp.events()
            .iter()
            .any(|e| matches!(e, Event::TimerScheduled { .. })),
        "sleep(0) schedules no timer"
    );
    assert_eq!(lp.time(), Duration::ZERO);
}

// ANCHOR: wait_for_timeout
#[test]
fn wait_for_times_out_at_its_deadline_and_drops_the_inner_future() {
    let (lp, result, log) = run_logged(|handle, l| async move {
        let (h, inner_log) = (handle.clone(), l.clone());
        let inner = async move {
            let _guard = DropGuard(inner_log, "inner");
            h.sleep(secs(10.0)).await;
            "never"
        };
        let result = handle.wait_for(inner, secs(2.0)).await;
        l.borrow_mut()
            .push(format!("caller resumed at {:?}", handle.time()));
        result
    });
    assert_eq!(result, Err(TimeoutError { timeout: secs(2.0) }));
    assert_eq!(result.unwrap_err().to_string(), "timed out after 2s");
    assert_eq!(*log.borrow(), ["inner dropped", "caller resumed at 2s"]);
    assert_eq!(lp.time(), secs(2.0));
    assert_eq!(
        lp.live_timers(),
        0,
        "the inner sleep's timer was cancelled too"
    );
}
// ANCHOR_END: wait_for_timeout

#[test]
fn wait_for_returns_the_value_and_cancels_its_timer_when_the_inner_future_wins() {
    let (lp, (value, live_after)) = run_virtual(|handle| async move {
        let h = handle.clone();
        let inner = async move {
            h.sleep(secs(1.0)).await;
            7
        };
        let value = handle.wait_for(inner, secs(5.0)).await;
        (value, handle.live_timers())
    });
    assert_eq!(value, Ok(7));
    assert_eq!(live_after, 0, "the 5 s timer was cancelled");
    assert_eq!(lp.time(), secs(1.0), "nobody waited for the 5 s deadline");
    lp.run_once();
    assert_eq!(lp.heap_len(), 0, "and its dead entry left the heap");
}

#[test]
fn cancelling_a_sleeping_task_cancels_its_timer() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let sleep: Sleep = handle.sleep(secs(100.0));
    let task = lp.spawn(sleep);
    lp.run_once();
    assert_eq!(lp.live_timers(), 1);
    assert!(task.cancel());
    assert_eq!(lp.live_timers(), 0);
}

#[test]
fn sleep_until_ends_at_an_absolute_time() {
    let (_, end) = run_virtual(|handle| async move {
        handle.sleep(secs(0.5)).await;
        handle.sleep_until(secs(2.0)).await;
        // already past: ready after one timer pass
        handle.sleep_until(secs(1.0)).await;
        handle.time()
    });
    assert_eq!(end, secs(2.0));
}

#[test]
fn sleep_zero_resumes_before_a_zero_delay_timer_scheduled_earlier() {
    // The chapter's quiz: a timer due at once, a call_soon, then sleep(0). The
    // timer joins the ready queue in the next iteration, behind the two others.
    let (_, (), log) = run_logged(|handle, log| async move {
        let l = log.clone();
        handle.call_later(Duration::ZERO, move || {
            l.borrow_mut().push("call_later(0)".to_string());
        });
        let l = log.clone();
        handle.call_soon(move || l.borrow_mut().push("call_soon".to_string()));
        handle.sleep(Duration::ZERO).await;
        log.borrow_mut().push("after sleep(0)".to_string());
    });
    assert_eq!(
        *log.borrow(),
        ["call_soon", "after sleep(0)", "call_later(0)"]
    );
}
