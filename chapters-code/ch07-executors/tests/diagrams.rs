//! The chapter's diagram, rendered from a real trace. When the scenario changes, run
//! `UPDATE_EXPECT=1 cargo test -p ch07-executors --test diagrams` and review the
//! diff.

use ch07_executors::scenarios::to_thread_round_trip;
use expect_test::expect_file;

#[test]
fn diagram_to_thread_round_trip() {
    let trip = to_thread_round_trip();
    assert!(trip.saw_loop_parked);
    expect_file!["../../../src/generated/ch07-round-trip.mmd"]
        .assert_eq(&trip.lp.trace_mermaid());
}

#[test]
fn the_round_trip_sleeps_in_select_then_the_result_arrives_as_a_callback() {
    let trip = to_thread_round_trip();
    assert_eq!(trip.output, Ok(42));
    assert!(
        trip.saw_loop_parked,
        "the loop slept in select while the job ran"
    );
    let lines = trip.lp.trace_lines();
    let text = lines.join("\n");
    let expected = [
        "poll Task-1",
        "Task-1 -> Pending",
        "select(timeout=none)",
        "from another thread: call_soon_threadsafe set_result job-1",
        "callback set_result job-1",
        "wake Task-1",
        "poll Task-1",
        "Task-1 -> Ready",
    ];
    let mut at = 0;
    for line in expected {
        let found = lines[at..].iter().position(|l| l == line);
        at += found.unwrap_or_else(|| panic!("{line:?} in order in\n{text}")) + 1;
    }
    let selects = lines.iter().filter(|l| l.starts_with("select")).count();
    assert!(selects <= 4, "a handful of iterations, not a spin:\n{text}");
}
