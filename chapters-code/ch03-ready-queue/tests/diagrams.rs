//! The book's sequence diagrams, rendered from real traces. When a scenario changes,
//! run `UPDATE_EXPECT=1 cargo test -p ch03-ready-queue --test diagrams` and review
//! the diff.

use expect_test::expect_file;

#[path = "futures.rs"]
#[allow(dead_code)]
mod futures_scenarios;
#[path = "ready_queue.rs"]
#[allow(dead_code)]
mod ready_queue_scenarios;
#[path = "tasks.rs"]
#[allow(dead_code)]
mod tasks_scenarios;

#[test]
fn diagram_snapshot_rule() {
    let lp = ready_queue_scenarios::snapshot_scenario();
    expect_file!["../../../src/generated/ch03-snapshot.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

#[test]
fn diagram_two_tasks() {
    let (lp, _) = tasks_scenarios::two_tasks_scenario();
    expect_file!["../../../src/generated/ch03-two-tasks.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

#[test]
fn diagram_future_wakes_task() {
    let (lp, _) = futures_scenarios::future_scenario();
    expect_file!["../../../src/generated/ch03-future.mmd"]
        .assert_eq(&lp.trace_mermaid());
}
