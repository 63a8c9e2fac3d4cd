//! The book's drawing of one iteration, generated from `anatomy::ITERATION` and
//! held against a traced `run_once`, so the picture cannot drift from the code.
//! When the steps change, run `UPDATE_EXPECT=1 cargo test -p ch03-ready-queue --test
//! anatomy` and review the diff.

use ch03_ready_queue::EventLoop;
use ch03_ready_queue::anatomy::{ITERATION, ids, mermaid, step_of, steps_taken};
use expect_test::expect_file;

#[test]
fn the_drawing_follows_a_traced_iteration() {
    let lp = EventLoop::traced();
    lp.call_soon(|| {});
    let task = lp.spawn(async {});
    lp.clear_events(); // what happened before the iteration is not part of it
    lp.run_once();
    assert_eq!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
    assert!(task.is_done());
}

#[test]
fn diagram_loop() {
    expect_file!["../../../src/generated/ch03-loop.mmd"]
        .assert_eq(&mermaid(&ITERATION, 3));
}
