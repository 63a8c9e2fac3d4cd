//! The notes' summary table, row by row, on both policies: our Node loop
//! (`NodeLoop`) and chapter 5's asyncio-policy loop (`ch05_io::EventLoop`). Each
//! row says where a kind of work waits and when it runs.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use ch05_io::{Interest, io_op};
use ch07_executors::scenarios::wait_until;
use ch09_js_vs_python::{NodeCore, NodeLoop, Phase};
use test_support::{LIMIT, recv_within, run_within};

type Log = Rc<RefCell<Vec<String>>>;

/// A callback that logs `what` with the phase it runs in.
fn at(node: &Rc<NodeCore>, log: &Log, what: &str) -> impl FnOnce() + 'static {
    let (node, log, what) = (node.clone(), log.clone(), what.to_string());
    move || {
        let phase = node.phase().map_or("script", Phase::name);
        log.borrow_mut().push(format!("{phase}: {what}"));
    }
}

// Row "microtask queue / ready queue": the same queue, drained at different
// times.

// ANCHOR: ready_row
#[test]
fn work_queued_by_a_callback_runs_in_the_same_node_turn() {
    let lp = NodeLoop::virtual_time();
    let ran_in = Rc::new(Cell::new(0));
    let (node, seen) = (lp.handle(), ran_in.clone());
    lp.set_immediate(move || {
        let core = node.clone();
        node.core().call_soon(move || seen.set(core.turn()));
    });
    lp.run_until_idle();
    assert_eq!(ran_in.get(), 1, "the checkpoint after the immediate ran it");
}

#[test]
fn work_queued_by_a_callback_runs_in_the_next_asyncio_iteration() {
    let lp = ch05_io::EventLoop::virtual_time();
    let ran_in = Rc::new(Cell::new(0));
    let (core, seen) = (lp.core().clone(), ran_in.clone());
    lp.call_soon(move || {
        let inner = core.clone();
        core.call_soon(move || seen.set(inner.iteration()));
    });
    lp.run_until_idle();
    assert_eq!(ran_in.get(), 2, "not in this iteration's snapshot");
}
// ANCHOR_END: ready_row

// Row "timers": a heap of deadlines on both sides.

#[test]
fn a_timer_fires_at_its_deadline_in_the_timers_phase_on_node() {
    let lp = NodeLoop::virtual_time();
    let (node, fired_at) = (lp.handle(), Rc::new(Cell::new(None)));
    let seen = fired_at.clone();
    lp.set_timeout(Duration::from_millis(1500), move || {
        seen.set(Some((node.time(), node.phase())));
    });
    lp.run_until_idle();
    let expected = (Duration::from_millis(1500), Some(Phase::Timers));
    assert_eq!(fired_at.get(), Some(expected));
}

#[test]
fn a_timer_fires_at_its_deadline_from_the_ready_queue_on_asyncio() {
    let lp = ch05_io::EventLoop::virtual_time_traced();
    let (timers, fired_at) = (lp.handle(), Rc::new(Cell::new(None)));
    let seen = fired_at.clone();
    lp.call_later_named("T", Duration::from_millis(1500), move || {
        seen.set(Some(timers.time()));
    });
    lp.run_until_idle();
    assert_eq!(fired_at.get(), Some(Duration::from_millis(1500)));
    let lines = lp.trace_lines();
    let due = lines.iter().position(|l| l == "timer T due (t=1.5s)");
    let ran = lines.iter().position(|l| l == "callback T");
    assert!(
        due < ran,
        "moved to the ready queue, then run from it: {lines:?}"
    );
}

// Row "I/O": a readable socket.

// ANCHOR: io_row
#[test]
fn a_readable_socket_runs_its_callback_in_the_poll_phase_on_node() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    writer.write_all(b"x").expect("write");
    let (inner_node, inner_log) = (node.clone(), log.clone());
    lp.on_readable(reader, "socket", move |mut reader| {
        let mut byte = [0];
        reader.read_exact(&mut byte).expect("the byte is there");
        at(
            &inner_node,
            &inner_log,
            &format!("read {}", byte[0] as char),
        )();
    })
    .expect("watch the socket");
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["poll: read x"]);
}

#[test]
fn a_readable_socket_wakes_a_task_whose_step_runs_one_iteration_later_on_asyncio() {
    let lp = ch05_io::EventLoop::virtual_time();
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    reader.set_nonblocking(true).expect("non-blocking");
    let io = lp.handle();
    let key = io.register(reader.as_fd(), "socket").expect("register");
    let task = lp.spawn(async move {
        let mut byte = [0];
        io_op(&io, key, Interest::Read, || (&reader).read(&mut byte))
            .await
            .expect("read");
        (byte[0], io.iteration())
    });
    lp.run_once(); // iteration 1: the task tries to read and waits
    writer.write_all(b"x").expect("write");
    lp.run_until_idle();
    // iteration 2: select reports the socket, its callback wakes the task;
    // iteration 3: the task's step reads.
    let (byte, resumed_in) = task.try_take().expect("done").expect("no panic");
    assert_eq!((byte, resumed_in), (b'x', 3));
}
// ANCHOR_END: io_row

// Row "results from other threads".

// ANCHOR: threads
#[test]
fn a_result_from_another_thread_runs_its_callback_in_the_poll_phase_on_node() {
    let log = run_within(LIMIT, "the job's result", || {
        let lp = NodeLoop::virtual_time();
        let (node, log) = (lp.handle(), Log::default());
        let (inner_node, inner_log) = (node.clone(), log.clone());
        let done = move |answer: Result<i32, String>| {
            let answer = answer.expect("the job did not panic");
            at(&inner_node, &inner_log, &format!("got {answer}"))();
        };
        lp.run_in_thread("answer", || 6 * 7, done)
            .expect("start the job's thread");
        lp.run_until_idle(); // the poll phase blocks until the result arrives
        log.take()
    });
    assert_eq!(log, ["poll: got 42"]);
}

#[test]
fn a_threads_result_joins_the_ready_queue_through_call_soon_threadsafe_on_asyncio() {
    // Chapter 7's loop: the worker hands the job's result to the loop with
    // `call_soon_threadsafe`, as CPython's `_chain_future` does.
    let lp = ch07_executors::EventLoop::virtual_time_traced();
    let (open, gate) = mpsc::channel::<()>();
    let core = lp.handle();
    let task = lp.spawn(async move {
        let job = core.to_thread(move || {
            // Held until the loop has queued a callback. (A job done before
            // `to_thread` chains its future is handed over from the loop's thread.)
            recv_within(&gate, LIMIT, "the gate to open").expect("sender kept");
            6 * 7
        });
        let answer = job.await.expect("the job did not panic");
        (answer, core.iteration())
    });
    lp.run_once(); // iteration 1: the task submits the job and waits
    lp.call_soon_named("queued first", || {});
    open.send(()).expect("the job waits at the gate");
    assert!(
        wait_until(|| !lp.inbox_is_empty()),
        "the worker posts its result"
    );
    lp.run_once(); // iteration 2: `queued first`, then the hand-over
    lp.run_once(); // iteration 3: the task's step
    let (answer, resumed_in) = task.try_take().expect("done").expect("no panic");
    assert_eq!((answer, resumed_in), (42, 3));
    let lines = lp.trace_lines();
    let handed_over = lines.iter().position(|l| l.starts_with("from another"));
    let expected = [
        "from another thread: call_soon_threadsafe set_result job-1",
        "call_soon set_result job-1", // the ready queue, behind `queued first`
        "iteration 2: 2 ready",
        "callback queued first",
        "callback set_result job-1", // the future is done: wake the task
        "wake Task-1",
        "select(timeout=0s)",
        "iteration 3: 1 ready",
        "poll Task-1",
        "Task-1 -> Ready",
    ];
    assert_eq!(lines[handed_over.expect("a hand-over")..], expected);
}
// ANCHOR_END: threads

// A close callback: its own phase on Node, a plain `call_soon` on asyncio.

// ANCHOR: close_row
#[test]
fn a_close_callback_runs_in_the_close_phase_after_the_immediates_on_node() {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    let (reader, _writer) = UnixStream::pair().expect("a socketpair");
    let key = node.on_readable(reader, "socket", |_| {}).expect("watch");
    let inner = (node.clone(), log.clone());
    lp.set_timeout(Duration::ZERO, move || {
        let (node, log) = inner;
        node.close_watch(key, "socket closed", at(&node, &log, "closed"));
        node.set_immediate(at(&node, &log, "immediate"));
        at(&node, &log, "close requested")();
    });
    lp.run_until_idle();
    let expected = [
        "timers: close requested",
        "check: immediate",
        "close callbacks: closed",
    ];
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn a_close_callback_is_a_call_soon_on_asyncio() {
    // asyncio's transports: close() does `call_soon(self._call_connection_lost)`.
    let lp = ch05_io::EventLoop::virtual_time();
    let log = Log::default();
    let (core, inner) = (lp.core().clone(), log.clone());
    lp.call_later(Duration::ZERO, move || {
        let note = |what: &'static str| {
            let log = inner.clone();
            move || log.borrow_mut().push(what.to_string())
        };
        core.call_soon(note("connection_lost"));
        core.call_soon(note("soon"));
        inner.borrow_mut().push("close requested".into());
    });
    lp.run_until_idle();
    let expected = ["close requested", "connection_lost", "soon"];
    assert_eq!(*log.borrow(), expected);
}
// ANCHOR_END: close_row
