//! Before every iteration, `run_forever` asks whether the loop is stalled, and this
//! chapter's loop answers by asking every layer. When nothing is ready, no timer is
//! set and no socket is waited for, the last question is whether any task is alive
//! (another thread may wake it). That answer must cost the same however many tasks
//! ever ran: a loop that once had a burst of tasks must not stay slower.

use std::time::{Duration, Instant};

use ch07_executors::EventLoop;

/// The fastest of five timings of `checks` stall checks: the least disturbed by
/// whatever else the machine is doing.
fn time_of_stall_checks(lp: &EventLoop, checks: u32) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..checks {
                assert!(!std::hint::black_box(lp.is_stalled()));
            }
            start.elapsed()
        })
        .min()
        .expect("five runs")
}

#[test]
fn knowing_the_loop_is_idle_costs_the_same_after_a_hundred_thousand_tasks() {
    let lp = EventLoop::new();
    // One task that waits forever, on nothing the loop can see: every check below
    // goes all the way down to "is any task alive?".
    let waiter = lp.spawn(std::future::pending::<()>());
    lp.run_once();
    let fresh = time_of_stall_checks(&lp, 2_000);

    for _ in 0..100_000 {
        drop(lp.spawn(async {})); // detached: each runs once and is gone
    }
    lp.run_once();
    assert_eq!(lp.task_count(), 1, "only the waiter is left");

    let after = time_of_stall_checks(&lp, 2_000);
    // Wide bounds, for a loaded machine: a check that walked the task table would
    // take hundreds of times longer here, not ten.
    assert!(
        after <= fresh * 10 + Duration::from_millis(5),
        "2,000 checks took {fresh:?} on a fresh loop and {after:?} after 100,000 \
         tasks"
    );
    waiter.cancel();
}
