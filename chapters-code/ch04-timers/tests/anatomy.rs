//! The loop drawing of this chapter, generated and held against a traced
//! `run_once` (see chapter 3's `tests/anatomy.rs`). When the steps change, run
//! `UPDATE_EXPECT=1 cargo test -p ch04-timers --test anatomy` and review the diff.

use ch04_timers::EventLoop;
use ch04_timers::anatomy::{ITERATION, step_of};
use ch04_timers::ch03::anatomy::{ids, mermaid, steps_taken};
use expect_test::expect_file;
use std::time::Duration;

#[test]
fn the_drawing_follows_a_traced_iteration() {
    let lp = EventLoop::virtual_time_traced();
    lp.call_later(Duration::from_secs(1), || {});
    lp.clear_events();
    lp.run_once(); // nothing ready: wait 1 s, the timer is due, run it
    assert_eq!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
}

#[test]
fn the_check_catches_an_iteration_in_the_notes_order() {
    // The notes' pseudo-code runs the ready queue first and waits last: the same
    // check, on the same scenario, sees the steps in another order.
    let lp = EventLoop::virtual_time_traced();
    lp.call_soon(|| {});
    lp.call_later(Duration::from_secs(1), || {});
    lp.clear_events();
    lp.run_once_notes_order();
    assert_eq!(
        steps_taken(&lp.events(), step_of),
        ["snapshot", "run", "wait"]
    );
    assert_ne!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
}

#[test]
fn diagram_loop() {
    expect_file!["../../../src/generated/ch04-loop.mmd"]
        .assert_eq(&mermaid(&ITERATION, 4));
}
