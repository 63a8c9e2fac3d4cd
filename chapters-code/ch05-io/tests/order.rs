//! The iteration: CPython's `_run_once` with I/O. Timeouts, and the order of what an
//! iteration runs.

mod common;

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

use ch05_io::{Event, EventLoop, TcpStream};
use common::Log;

#[test]
fn the_timeout_is_zero_when_something_is_ready() {
    let lp = EventLoop::virtual_time_traced();
    lp.call_soon_named("x", || {});
    lp.call_later_named("later", Duration::from_secs(5), || {});
    lp.run_once();
    let lines = lp.trace_lines();
    assert_eq!(lines[2], "select(timeout=0s)", "{lines:#?}");
}

#[test]
fn a_loop_with_nothing_to_do_sleeps_in_the_selector_until_the_next_timer() {
    let lp = EventLoop::virtual_time_traced();
    lp.call_later_named("T", Duration::from_millis(1500), || {});
    lp.call_later_named("U", Duration::from_secs(4), || {});
    lp.run_once();
    assert_eq!(
        lp.trace_lines(),
        [
            "call_at T t=1.5s",
            "call_at U t=4s",
            "select(timeout=1.5s)", // the earliest timer's delay
            "clock 0s -> 1.5s",     // nothing was ready: the timeout passed
            "timer T due (t=1.5s)",
            "call_soon T",
            "iteration 1: 1 ready",
            "callback T",
        ]
    );
}

#[test]
fn with_no_timer_a_waiting_socket_means_no_timeout_at_all() {
    let (lp, _, _) = common::echo_round_trip_scenario();
    let lines = lp.trace_lines();
    // Iteration 2: the server waits in accept, nothing is ready, no timer: block.
    let second = lines
        .iter()
        .position(|l| l == "iteration 1: 1 ready")
        .unwrap();
    let after: Vec<_> = lines[second..]
        .iter()
        .filter(|l| l.starts_with("select"))
        .collect();
    assert_eq!(after[0], "select(timeout=none)", "{lines:#?}");
}

#[test]
fn on_the_real_clock_the_selector_does_not_return_before_the_timer() {
    let lp = EventLoop::traced();
    let handle = lp.handle();
    let fired = Rc::new(Cell::new(None));
    let (f, h) = (fired.clone(), handle.clone());
    let timer = lp.call_later_named("T", Duration::from_millis(50), move || {
        f.set(Some((h.time(), h.iteration())))
    });
    lp.run_until_idle();
    let (at, iteration) = fired.get().expect("the timer fired");
    assert!(at >= timer.when());
    let events = lp.events();
    let timeouts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::SelectCalled { timeout } => Some(*timeout),
            _ => None,
        })
        .collect();
    // One select, one iteration: the select waited out what was left of the 50 ms
    // (epoll_wait never returns early; mio rounds the timeout *up* to whole
    // milliseconds), so the timer was due when it returned. Had it returned early,
    // iteration 1 would have run nothing and a second select would have waited out
    // the rest.
    assert_eq!(timeouts.len(), 1, "{:#?}", lp.trace_lines());
    assert_eq!(iteration, 1);
    // What was left of the delay, taken from the heap (0 only if this thread was
    // stalled for more than 50 ms before the select: then the timer was already due,
    // and still one select).
    let first = timeouts[0].expect("a timer is pending: the select has a timeout");
    assert!(first <= Duration::from_millis(50), "{first:?}");
    assert!(
        !events.iter().any(|e| matches!(e, Event::FdReady { .. })),
        "nothing was registered, so nothing was ready"
    );
}

/// Ready fds are handled before due timers, and both before the snapshot is taken:
/// the I/O callback and the timer run in the same iteration, I/O first; the task it
/// wakes runs in the next.
#[test]
fn io_callbacks_and_due_timers_join_the_same_snapshot_io_first() {
    let lp = EventLoop::virtual_time_traced();
    let (mut client, server) = common::std_pair();
    // to see, from outside, when data has arrived
    let watch = server.try_clone().unwrap();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    let log: Log = Rc::default();
    let l = log.clone();
    lp.spawn_named("reader", async move {
        let mut buf = [0; 8];
        let n = stream.read(&mut buf).await.unwrap();
        l.borrow_mut().push(format!("read {n}"));
    });
    lp.run_once(); // the task waits to read
    client.write_all(b"hi").unwrap();
    ch05_io::wait_readable(&watch).expect("the client's bytes arrive");
    let (l, h) = (log.clone(), lp.handle());
    lp.call_later_named("T", Duration::ZERO, move || {
        l.borrow_mut()
            .push(format!("timer in iteration {}", h.iteration()))
    });
    lp.clear_events();
    lp.run_until_idle();
    assert_eq!(
        lp.trace_lines(),
        [
            "select(timeout=0s)",
            "ready conn: readable",
            "call_soon reader conn",
            "timer T due (t=0s)",
            "call_soon T",
            "iteration 2: 2 ready",
            "callback reader conn",
            "wake reader",
            "callback T",
            "select(timeout=0s)",
            "iteration 3: 1 ready",
            "poll reader",
            "deregister conn",
            "reader -> Ready",
        ]
    );
    assert_eq!(*log.borrow(), ["timer in iteration 2", "read 2"]);
}

#[test]
fn the_loop_is_not_stalled_while_a_task_waits_for_a_socket() {
    let lp = EventLoop::new();
    let (_client, server) = common::std_pair();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    let done = Rc::new(RefCell::new(false));
    let d = done.clone();
    lp.spawn(async move {
        let mut buf = [0; 1];
        let _ = stream.read(&mut buf).await;
        *d.borrow_mut() = true;
    });
    lp.run_once();
    assert!(!lp.is_stalled(), "a reader waits: select may block");
    assert_eq!(lp.selector().waiting(), 1);
}

#[test]
fn poll_io_with_a_zero_timeout_only_looks() {
    let lp = EventLoop::traced();
    let (_client, server) = common::std_pair();
    let _conn = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    lp.poll_io(Some(Duration::ZERO)); // nothing sent, nobody waits: returns at once
    assert_eq!(lp.trace_lines(), ["register conn", "select(timeout=0s)"]);
    assert_eq!(lp.timers().ready_len(), 0, "no callback was queued");
}
