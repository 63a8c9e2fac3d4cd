//! The book's sequence diagrams, rendered from real traces. When a scenario changes,
//! run `UPDATE_EXPECT=1 cargo test -p ch05-io --test diagrams` and review the diff.

mod common;

use std::time::Duration;

use ch05_io::EventLoop;
use expect_test::expect_file;

#[test]
fn diagram_echo_round_trip() {
    let (lp, echoed, result) = common::echo_round_trip_scenario();
    assert_eq!(echoed, b"ping");
    assert_eq!(result, Ok(4));
    expect_file!["../../../src/generated/ch05-echo.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

#[test]
fn diagram_sleeping_in_the_selector() {
    let lp = EventLoop::virtual_time_traced();
    let handle = lp.handle();
    lp.spawn_named("sleeper", async move {
        handle.sleep(Duration::from_millis(1500)).await;
    });
    lp.run_until_idle();
    expect_file!["../../../src/generated/ch05-sleep.mmd"]
        .assert_eq(&lp.trace_mermaid());
}
