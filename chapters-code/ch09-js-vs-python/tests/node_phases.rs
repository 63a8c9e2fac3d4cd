//! Node's loop on our parts: the order of its phases and queues, `nextTick`
//! against the microtask queue, the poll phase's timeout, and the rule that ends
//! the loop. Our loop is deterministic on the virtual clock, so each test asserts
//! the whole order it produces; which parts Node itself guarantees is said in
//! the comments.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::Tracing;
use ch04_timers::VirtualClock;
use ch09_js_vs_python::promise::Promise;
use ch09_js_vs_python::{MIN_TIMEOUT, NodeCore, NodeLoop, Phase};
use test_support::{LIMIT, run_within};

type Log = Rc<RefCell<Vec<String>>>;

/// A callback that logs `what`, prefixed by the phase it runs in (`script` for
/// the main script, where no phase runs).
fn at(node: &Rc<NodeCore>, log: &Log, what: &str) -> impl FnOnce() + 'static {
    let (node, log, what) = (node.clone(), log.clone(), what.to_string());
    move || {
        let phase = node.phase().map_or("script", Phase::name);
        log.borrow_mut().push(format!("{phase}: {what}"));
    }
}

/// A connected pair of Unix sockets, the first one with `byte` waiting to be
/// read.
fn readable_pair(byte: u8) -> (UnixStream, UnixStream) {
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    writer.write_all(&[byte]).expect("write one byte");
    (reader, writer)
}

// ANCHOR: script
#[test]
fn a_script_runs_sync_code_then_ticks_then_microtasks_then_timer_and_immediate() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    lp.run_script(|| {
        at(&node, &log, "sync start")();
        node.set_timeout(Duration::ZERO, at(&node, &log, "setTimeout 0"));
        node.set_immediate(at(&node, &log, "setImmediate"));
        let then = at(&node, &log, "promise.then");
        drop(Promise::resolved(node.core(), ()).then(|()| then()));
        node.next_tick(at(&node, &log, "nextTick"));
        node.queue_microtask(at(&node, &log, "queueMicrotask"));
        at(&node, &log, "sync end")();
    });
    lp.run_until_idle();
    let log = log.borrow();
    let guaranteed = [
        "script: sync start",
        "script: sync end",
        "script: nextTick",
        "script: promise.then",
        "script: queueMicrotask",
    ];
    assert_eq!(log[..5], guaranteed);
    // Node does not guarantee these two's order in the main module: both ran.
    let mut rest = log[5..].to_vec();
    rest.sort();
    assert_eq!(rest, ["check: setImmediate", "timers: setTimeout 0"]);
}
// ANCHOR_END: script

#[test]
fn on_the_virtual_clock_the_clamped_timeout_is_not_due_in_the_first_turn() {
    // Why our loop puts the immediate first: setTimeout(0) is due at 1 ms, and
    // no time passes before the first timers phase. Node's clock moves while it
    // starts up: 1 ms may or may not have passed, hence no guarantee there.
    let lp = NodeLoop::virtual_time();
    let timer = lp.set_timeout(Duration::ZERO, || {});
    lp.set_immediate(|| {});
    assert_eq!(timer.when(), MIN_TIMEOUT);
    lp.run_once();
    assert!(timer.is_pending(), "not due at t=0");
    assert_eq!(
        lp.time(),
        Duration::ZERO,
        "the immediate kept poll from waiting"
    );
}

// ANCHOR: io_callback
#[test]
fn inside_an_io_callback_set_immediate_runs_before_set_timeout_zero() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    let (reader, _writer) = readable_pair(b'x');
    let inner = (node.clone(), log.clone());
    lp.on_readable(reader, "socket", move |_socket| {
        let (node, log) = inner;
        at(&node, &log, "read")();
        node.set_timeout(Duration::ZERO, at(&node, &log, "setTimeout 0"));
        node.set_immediate(at(&node, &log, "setImmediate"));
    })
    .expect("watch the socket");
    lp.run_until_idle();
    // Guaranteed by Node: the check phase comes right after the poll phase.
    let expected = ["poll: read", "check: setImmediate", "timers: setTimeout 0"];
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: io_callback

#[test]
fn immediates_run_one_at_a_time_and_one_queued_meanwhile_waits_a_turn() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    for n in [1, 2] {
        let inner = (node.clone(), log.clone());
        lp.set_immediate(move || {
            let (node, log) = inner;
            at(&node, &log, &format!("immediate {n}"))();
            node.queue_microtask(at(&node, &log, &format!("microtask {n}")));
            node.set_immediate(at(&node, &log, &format!("immediate {n}b")));
        });
    }
    lp.run_once();
    let first_turn = [
        "check: immediate 1",
        "check: microtask 1",
        "check: immediate 2",
        "check: microtask 2",
    ];
    assert_eq!(*log.borrow(), first_turn);
    lp.run_once();
    assert_eq!(
        log.borrow()[4..],
        ["check: immediate 1b", "check: immediate 2b"]
    );
}

// ANCHOR: ticks
#[test]
fn a_tick_queued_by_a_microtask_runs_after_the_whole_microtask_queue() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    lp.run_script(|| {
        let inner = (node.clone(), log.clone());
        node.queue_microtask(move || {
            let (node, log) = inner;
            at(&node, &log, "m1")();
            node.next_tick(at(&node, &log, "tick"));
            node.queue_microtask(at(&node, &log, "m3"));
        });
        node.queue_microtask(at(&node, &log, "m2"));
    });
    let expected = ["script: m1", "script: m2", "script: m3", "script: tick"];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn a_microtask_queued_by_a_tick_waits_for_the_whole_tick_queue() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    lp.run_script(|| {
        let inner = (node.clone(), log.clone());
        node.next_tick(move || {
            let (node, log) = inner;
            at(&node, &log, "t1")();
            node.queue_microtask(at(&node, &log, "microtask"));
            node.next_tick(at(&node, &log, "t3"));
        });
        node.next_tick(at(&node, &log, "t2"));
    });
    let expected = [
        "script: t1",
        "script: t2",
        "script: t3",
        "script: microtask",
    ];
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: ticks

/// Queues tick `i` of a chain of `n`: each logs itself and queues the next.
fn tick_chain(node: &Rc<NodeCore>, log: &Log, i: usize, n: usize) {
    let (next, log) = (node.clone(), log.clone());
    node.next_tick(move || {
        log.borrow_mut().push(format!("tick {i}"));
        if i < n {
            tick_chain(&next, &log, i + 1, n);
        }
    });
}

#[test]
fn a_next_tick_chain_starves_the_microtasks_and_the_timers_until_it_ends() {
    let log = run_within(LIMIT, "the checkpoint to end", || {
        let clock = VirtualClock::new();
        let lp = NodeLoop::with_clock(clock.clone(), Tracing::Off);
        let (node, log) = (lp.handle(), Log::default());
        let inner = (node.clone(), log.clone());
        lp.set_timeout(Duration::ZERO, move || {
            let (node, log) = inner;
            node.queue_microtask(at(&node, &log, "microtask"));
            tick_chain(&node, &log, 1, 1_000);
        });
        lp.set_timeout(Duration::ZERO, at(&node, &log, "timer 2"));
        clock.advance(MIN_TIMEOUT); // both timers are due when the turn begins
        lp.run_until_idle();
        log.take()
    });
    let mut expected: Vec<String> =
        (1..=1_000).map(|i| format!("tick {i}")).collect();
    expected.extend(["timers: microtask".into(), "timers: timer 2".into()]);
    assert_eq!(log, expected);
}

// ANCHOR: timeout
#[test]
fn the_poll_phase_blocks_only_when_nothing_waits_in_a_later_phase() {
    let lp = NodeLoop::virtual_time();
    let node = lp.handle();
    assert_eq!(
        node.poll_timeout(),
        Some(Duration::ZERO),
        "no handle: no block"
    );
    let timer = node.set_timeout(Duration::from_millis(5), || {});
    assert_eq!(node.poll_timeout(), Some(Duration::from_millis(5)));
    node.set_immediate(|| {});
    assert_eq!(
        node.poll_timeout(),
        Some(Duration::ZERO),
        "an immediate waits"
    );
    lp.run_once(); // runs the immediate
    timer.cancel();
    let (reader, _writer) = UnixStream::pair().expect("a socketpair");
    node.on_readable(reader, "socket", |_| {})
        .expect("watch it");
    assert_eq!(
        node.poll_timeout(),
        None,
        "block until the socket is readable"
    );
}
// ANCHOR_END: timeout

// ANCHOR: alive
#[test]
fn a_watched_socket_or_a_job_on_another_thread_keeps_the_loop_alive() {
    run_within(LIMIT, "the loop to end after the job", || {
        let lp = NodeLoop::virtual_time();
        let (node, log) = (lp.handle(), Log::default());
        assert!(lp.is_stalled(), "nothing to do: the loop would end at once");
        let (reader, _writer) = UnixStream::pair().expect("a socketpair");
        let key = node
            .on_readable(reader, "socket", |_| {})
            .expect("watch it");
        assert!(!lp.is_stalled(), "a watched socket keeps it alive");
        node.close_watch(key, "close socket", at(&node, &log, "closed"));
        assert!(!lp.is_stalled(), "so does a pending close callback");
        lp.run_until_idle();
        assert_eq!(*log.borrow(), ["close callbacks: closed"]);
        let done = {
            let (node, log) = (node.clone(), log.clone());
            move |answer| at(&node, &log, &format!("{answer:?}"))()
        };
        node.run_in_thread("job", || 6 * 7, done)
            .expect("start the job's thread");
        assert!(!lp.is_stalled(), "a job in flight keeps it alive");
        lp.run_until_idle(); // blocks in select until the job's result arrives
        assert_eq!(log.borrow()[1], "poll: Ok(42)");
        assert!(lp.is_stalled());
    });
}
// ANCHOR_END: alive

#[test]
fn a_job_that_panics_on_its_thread_hands_its_message_to_its_callback() {
    let result = run_within(LIMIT, "the job's callback", || {
        let lp = NodeLoop::virtual_time();
        let result = Rc::new(RefCell::new(None));
        let slot = result.clone();
        lp.run_in_thread(
            "job",
            || -> u32 { panic!("no answer") },
            move |r| *slot.borrow_mut() = Some(r),
        )
        .expect("start the job's thread");
        lp.run_until_idle();
        result.take()
    });
    assert_eq!(result, Some(Err("no answer".to_string())));
}

#[test]
fn unwatching_a_socket_drops_its_callback_and_closes_the_socket() {
    let lp = NodeLoop::virtual_time();
    let (reader, mut peer) = UnixStream::pair().expect("a socketpair");
    let callback_alive = Rc::new(());
    let held = callback_alive.clone();
    let key = lp
        .on_readable(reader, "socket", move |_| drop(held))
        .expect("watch it");
    assert!(lp.unwatch(key), "it was watched");
    assert_eq!(Rc::strong_count(&callback_alive), 1, "the callback is gone");
    let mut byte = [0];
    assert_eq!(
        peer.read(&mut byte).expect("read"),
        0,
        "the socket is closed"
    );
    assert!(!lp.unwatch(key), "unwatching twice finds nothing");
    assert!(lp.is_stalled(), "nothing keeps the loop alive");
}

#[test]
fn one_turn_visits_timers_pending_poll_check_and_close_in_that_order() {
    let lp = NodeLoop::virtual_time_traced();
    lp.run_once();
    let phases: Vec<String> = lp
        .trace_lines()
        .into_iter()
        .filter(|line| line.starts_with("phase "))
        .collect();
    let expected = [
        "phase timers",
        "phase pending callbacks",
        "phase poll",
        "phase check",
        "phase close callbacks",
    ];
    assert_eq!(phases, expected);
}

#[test]
fn a_deferred_callback_runs_in_the_pending_phase_before_the_poll_phase() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    let (reader, _writer) = readable_pair(b'y');
    let inner = (node.clone(), log.clone());
    lp.on_readable(reader, "socket", move |mut reader| {
        let mut byte = [0];
        reader.read_exact(&mut byte).expect("the byte is there");
        at(&inner.0, &inner.1, &format!("read {}", byte[0] as char))();
    })
    .expect("watch it");
    lp.queue_pending("deferred write", at(&node, &log, "write done"));
    lp.run_once();
    let expected = ["pending callbacks: write done", "poll: read y"];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn node_checkpoint_counts_the_ticks_and_the_microtasks_it_ran() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    node.queue_microtask(at(&node, &log, "microtask"));
    let inner = (node.clone(), log.clone());
    node.next_tick(move || {
        let (node, log) = inner;
        node.next_tick(at(&node, &log, "tick 2"));
        at(&node, &log, "tick 1")();
    });
    assert_eq!(node.checkpoint(), (2, 1));
    let expected = ["script: tick 1", "script: tick 2", "script: microtask"];
    assert_eq!(*log.borrow(), expected);
    assert!(node.is_idle(), "nothing left anywhere");
}

#[test]
fn the_phases_run_one_by_one_do_what_a_turn_does() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    lp.set_immediate(at(&node, &log, "immediate"));
    lp.queue_close("closed", at(&node, &log, "closed"));
    let timer = lp.set_timeout(Duration::ZERO, at(&node, &log, "timer"));
    node.run_timers(); // t=0: the 1 ms timer is not due
    node.run_pending();
    node.run_poll(node.poll_timeout()); // 0: an immediate waits
    node.run_check();
    node.run_close();
    assert_eq!(
        *log.borrow(),
        ["check: immediate", "close callbacks: closed"]
    );
    assert!(timer.is_pending());
    node.run_poll(node.poll_timeout()); // waits 1 ms on the virtual clock
    node.run_timers();
    assert_eq!(log.borrow()[2], "timers: timer");
    assert_eq!(node.time(), MIN_TIMEOUT);
}
