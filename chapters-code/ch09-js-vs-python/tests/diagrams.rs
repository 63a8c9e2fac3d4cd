//! The book's turn diagrams, rendered from real traces. One scenario, two loops:
//! a due timer whose callback queues a microtask, a deferred I/O callback, a
//! readable socket whose callback queues a tick, an immediate and a close
//! callback. When a scenario changes, run
//! `UPDATE_EXPECT=1 cargo test -p ch09-js-vs-python --test diagrams` and review
//! the diff.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use ch03_ready_queue::Tracing;
use ch03_ready_queue::anatomy::{ids, steps_taken};
use ch04_timers::VirtualClock;
use ch05_io::{Interest, io_op};
use ch09_js_vs_python::anatomy::{
    MICRO_TURN, NODE_TURN, micro_steps_taken, node_step_of, turn_mermaid,
};
use ch09_js_vs_python::{MIN_TIMEOUT, MicrotaskLoop, NodeLoop, render_mermaid};
use expect_test::expect_file;

// ANCHOR: node_turn
/// One Node turn with work in every phase. The clock is moved past the timer's
/// 1 ms before the turn, and the setup's events are cleared: the trace holds the
/// turn alone.
fn node_turn() -> NodeLoop {
    let clock = VirtualClock::new();
    let lp = NodeLoop::with_clock(clock.clone(), Tracing::On);
    let node = lp.handle();
    let inner = node.clone();
    lp.set_timeout_named("T", Duration::ZERO, move || {
        inner.queue_microtask_named("then", || {});
    });
    lp.queue_pending("write done", || {});
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    writer.write_all(b"x").expect("write");
    let inner = node.clone();
    node.on_readable(reader, "socket", move |mut reader| {
        reader.read_exact(&mut [0]).expect("the byte is there");
        inner.next_tick_named("log", || {});
        inner.set_immediate_named("reply", || {});
        // the watch is over (one shot): closing the socket is left to close
        inner.queue_close("socket closed", move || drop(reader));
    })
    .expect("watch the socket");
    clock.advance(MIN_TIMEOUT);
    lp.clear_events();
    lp.run_once();
    lp
}
// ANCHOR_END: node_turn

#[test]
fn diagram_one_node_turn() {
    let lp = node_turn();
    assert!(
        lp.is_stalled(),
        "the turn did everything the scenario queued"
    );
    expect_file!["../../../src/generated/ch09-node-turn.mmd"]
        .assert_eq(&render_mermaid(&lp.events()));
}

// ANCHOR: asyncio_turn
/// The same work on chapter 5's asyncio-policy loop: the timer's microtask, the
/// deferred callback, the tick, the immediate and the close callback are all
/// `call_soon`; the socket's reader is a task, woken through the ready queue.
fn asyncio_turns() -> ch05_io::EventLoop {
    let clock = VirtualClock::new();
    let lp = ch05_io::EventLoop::with_clock(clock.clone(), Tracing::On);
    let io = lp.handle();
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    reader.set_nonblocking(true).expect("non-blocking");
    let key = io.register(reader.as_fd(), "socket").expect("register");
    let inner = io.clone();
    lp.spawn_named("reader", async move {
        let mut byte = [0];
        io_op(&inner, key, Interest::Read, || (&reader).read(&mut byte))
            .await
            .expect("read");
        inner.call_soon_named("log", || {});
        inner.call_soon_named("reply", || {});
        inner.call_soon_named("socket closed", || {});
    });
    lp.run_once(); // the reader waits for the socket
    let inner = io.clone();
    lp.call_later_named("T", MIN_TIMEOUT, move || {
        inner.call_soon_named("then", || {});
    });
    lp.call_soon_named("write done", || {});
    writer.write_all(b"x").expect("write");
    clock.advance(MIN_TIMEOUT);
    lp.clear_events();
    lp.run_until_idle();
    lp
}
// ANCHOR_END: asyncio_turn

#[test]
fn diagram_the_same_work_on_asyncio() {
    let lp = asyncio_turns();
    expect_file!["../../../src/generated/ch09-asyncio-turn.mmd"]
        .assert_eq(&lp.trace_mermaid());
}

// The loop drawing, grown by this chapter: held against traced turns.

#[test]
fn the_micro_drawing_follows_a_traced_turn() {
    let lp = MicrotaskLoop::virtual_time_traced();
    let js = lp.handle();
    // A microtask the test queues (step 0), and a timer due in 1 s whose
    // callback queues a microtask: the turn waits, lets the timer in as a
    // macrotask, runs it, then the checkpoint.
    lp.queue_microtask(|| {});
    lp.set_timeout(Duration::from_secs(1), move || js.queue_microtask(|| {}));
    lp.clear_events();
    lp.run_once();
    assert_eq!(micro_steps_taken(&lp.events()), ids(&MICRO_TURN));
    assert!(lp.is_stalled());
}

#[test]
fn diagram_micro_loop() {
    expect_file!["../../../src/generated/ch09-loop.mmd"]
        .assert_eq(&turn_mermaid(&MICRO_TURN));
}

#[test]
fn the_node_drawing_follows_a_traced_turn() {
    // Work in every phase: each callback is followed by the checkpoint.
    let lp = node_turn();
    let (checkpoint, phases) = (NODE_TURN[0].id, &NODE_TURN[1..]);
    let each_then_checkpoint: Vec<&str> = phases
        .iter()
        .flat_map(|phase| [phase.id, checkpoint])
        .collect();
    assert_eq!(
        steps_taken(&lp.events(), node_step_of),
        each_then_checkpoint
    );
    // Only a tick the script left: the checkpoint, then five empty phases.
    let lp = NodeLoop::virtual_time_traced();
    lp.next_tick(|| {});
    lp.run_once();
    assert_eq!(steps_taken(&lp.events(), node_step_of), ids(&NODE_TURN));
}

#[test]
fn diagram_node_loop() {
    expect_file!["../../../src/generated/ch09-node-loop.mmd"]
        .assert_eq(&turn_mermaid(&NODE_TURN));
}
