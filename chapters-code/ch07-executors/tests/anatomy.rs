//! The loop drawing of this chapter, generated and held against a traced `run_once`
//! (see chapter 3's `tests/anatomy.rs`). When the steps change, run `UPDATE_EXPECT=1
//! cargo test -p ch07-executors --test anatomy` and review the diff.

use ch03_ready_queue::anatomy::{ids, mermaid, steps_taken};
use ch07_executors::EventLoop;
use ch07_executors::anatomy::{ITERATION, step_of};
use std::time::Duration;

#[test]
fn the_drawing_follows_a_traced_iteration() {
    let lp = EventLoop::virtual_time_traced();
    let handle = lp.threadsafe();
    // Another thread posts a callback, and a timer comes due: the next iteration
    // has something in the inbox *and* a due timer, so every step leaves a trace.
    std::thread::spawn(move || handle.call_soon_threadsafe(|| {}).unwrap())
        .join()
        .unwrap();
    lp.call_later(Duration::ZERO, || {});
    lp.clear_events();
    lp.run_once();
    assert_eq!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
}

#[test]
fn diagram_loop() {
    expect_test::expect_file!["../../../src/generated/ch07-loop.mmd"]
        .assert_eq(&mermaid(&ITERATION, 7));
}
