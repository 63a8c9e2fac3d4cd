//! The loop drawing of this chapter, generated and held against a traced
//! `run_once` (see chapter 3's `tests/anatomy.rs`). When the steps change, run
//! `UPDATE_EXPECT=1 cargo test -p ch05-io --test anatomy` and review the diff.

use ch03_ready_queue::anatomy::{ids, mermaid, steps_taken};
use ch05_io::anatomy::{ITERATION, step_of};
use ch05_io::{EventLoop, TcpListener};
use std::time::Duration;

#[test]
fn the_drawing_follows_a_traced_iteration() {
    let lp = EventLoop::virtual_time_traced();
    let listener = TcpListener::bind(&lp, "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = lp.spawn(async move { listener.accept().await.map(|_| ()) });
    lp.run_once(); // the task tries `accept`, gets WouldBlock, waits for readiness
    // A client connects (the kernel completes it), and a timer comes due: the next
    // iteration has a socket ready *and* a due timer, so every step leaves a trace.
    let _client = std::net::TcpStream::connect(addr).unwrap();
    lp.call_later(Duration::ZERO, || {});
    lp.clear_events();
    lp.run_once();
    assert_eq!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
    lp.run_until_idle();
    assert!(accepted.is_done());
}

#[test]
fn diagram_loop() {
    expect_test::expect_file!["../../../src/generated/ch05-loop.mmd"]
        .assert_eq(&mermaid(&ITERATION, 5));
}
