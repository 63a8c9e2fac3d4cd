//! The chapter's diagrams, rendered from real traces. When a scenario changes, run
//! `UPDATE_EXPECT=1 cargo test -p ch06-patterns --test diagrams` and review the
//! diff.

use ch06_patterns::scenarios::{
    concurrent_sleeps, sequential_sleeps, timeline_mermaid,
};
use expect_test::expect_file;

#[test]
fn diagram_sequential_sleeps() {
    let (lp, _) = sequential_sleeps();
    expect_file!["../../../src/generated/ch06-sequential.mmd"]
        .assert_eq(&timeline_mermaid(&lp.events()));
}

#[test]
fn diagram_concurrent_sleeps() {
    let (lp, _) = concurrent_sleeps();
    expect_file!["../../../src/generated/ch06-concurrent.mmd"]
        .assert_eq(&timeline_mermaid(&lp.events()));
}

#[test]
fn the_timelines_show_the_clock_jumps() {
    let text =
        |events: &[ch04_timers::Event]| ch04_timers::render_lines(events).join("\n");
    let (lp, _) = sequential_sleeps();
    let sequential = text(&lp.events());
    for jump in ["clock 0s -> 1s", "clock 1s -> 3s", "clock 3s -> 6s"] {
        assert!(sequential.contains(jump), "{jump} in\n{sequential}");
    }
    let (lp, _) = concurrent_sleeps();
    let concurrent = text(&lp.events());
    for jump in ["clock 0s -> 1s", "clock 1s -> 2s", "clock 2s -> 3s"] {
        assert!(concurrent.contains(jump), "{jump} in\n{concurrent}");
    }
}
