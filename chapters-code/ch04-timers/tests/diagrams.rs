//! The book's sequence diagrams, rendered from real traces. When a scenario changes,
//! run `UPDATE_EXPECT=1 cargo test -p ch04-timers --test diagrams` and review the
//! diff.

mod common;

use expect_test::expect_file;

#[test]
fn diagram_two_sleepers() {
    let (lp, _) = common::two_sleepers_scenario();
    expect_file!["../../../src/generated/ch04-sleepers.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

#[test]
fn diagram_due_timer_vs_call_soon() {
    let (lp, _) = common::due_timer_vs_call_soon_scenario(false);
    expect_file!["../../../src/generated/ch04-order.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

#[test]
fn the_rendered_trace_names_timers_and_the_clock() {
    let (lp, _) = common::two_sleepers_scenario();
    let text = ch04_timers::render_lines(&lp.events()).join("\n");
    assert!(text.contains("clock 0s -> 1s"));
    assert!(text.contains("timer sleep due (t=2s)"));
    assert_eq!(ch04_timers::fmt_time(common::secs(1.5)), "1.5s");
}
