//! Chapter 5's twin scenario on our loop: one echo request over a socket pair. The
//! server task waits to read; a timer starts the client at 1 s; the client sends
//! "ping" and waits for the echo. The log is what the Python twin and asyncio print:
//! every `select` with its timeout, every fd it reports, and each task's steps.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::fmt_time;
use ch05_io::{Event, EventLoop, Interest, io_op};
use test_support::{LIMIT, run_within};

/// Bytes as Python's `repr` shows them (ASCII only here).
fn py_bytes(bytes: &[u8]) -> String {
    format!("b'{}'", String::from_utf8_lossy(bytes))
}

/// The scenario, run one `run_once` at a time, as the oracle runs the twin.
fn echo_once() -> Vec<String> {
    let lp = EventLoop::virtual_time_traced();
    let io = lp.handle();
    let (a, b) = UnixStream::pair().expect("a socket pair");
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    let (a, b) = (Rc::new(a), Rc::new(b)); // both stay open until the end
    let server_key = io.register(a.as_fd(), "server").unwrap();
    let client_key = io.register(b.as_fd(), "client").unwrap();
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let done = Rc::new(Cell::new(false));

    let (h, l, sock) = (io.clone(), log.clone(), a.clone());
    lp.spawn_named("server", async move {
        l.borrow_mut().push("  server: reads".into());
        let mut buf = [0; 100];
        let read = || (&*sock).read(&mut buf);
        let n = io_op(&h, server_key, Interest::Read, read).await.unwrap();
        l.borrow_mut()
            .push(format!("  server: echoes {}", py_bytes(&buf[..n])));
        (&*sock).write_all(&buf[..n]).unwrap();
    });

    let (h, l, sock, d) = (io.clone(), log.clone(), b.clone(), done.clone());
    let client = async move {
        let now = fmt_time(h.time());
        l.borrow_mut()
            .push(format!("  client: sends b'ping' at t={now}"));
        (&*sock).write_all(b"ping").unwrap();
        let mut buf = [0; 100];
        let read = || (&*sock).read(&mut buf);
        let n = io_op(&h, client_key, Interest::Read, read).await.unwrap();
        l.borrow_mut()
            .push(format!("  client: got {}", py_bytes(&buf[..n])));
        d.set(true);
    };
    let h = io.clone();
    let mut client = Some(client);
    lp.call_later_named("start client", Duration::from_secs(1), move || {
        let client = client.take().expect("the timer fires once");
        h.spawn_named("client", client);
    });

    // The selects and what they reported, from the trace; the tasks' lines after
    // them, since an iteration selects first and runs its snapshot after.
    let (mut lines, mut seen) = (Vec::new(), 0);
    while !done.get() {
        assert!(lp.iteration() < 20, "the scenario ends in 7 iterations");
        lp.run_once();
        let events = lp.events();
        for event in &events[seen..] {
            if matches!(event, Event::SelectCalled { .. } | Event::FdReady { .. }) {
                lines.push(event.to_string());
            }
        }
        seen = events.len();
        lines.append(&mut log.borrow_mut());
    }
    io.deregister(server_key);
    io.deregister(client_key);
    lines
}

#[test]
fn our_loop_logs_the_echo_of_one_request_as_the_twin_and_asyncio_do() {
    let ours = run_within(LIMIT, "the echo scenario on our loop", echo_once);
    let printed = book_tests::twins::oracle_output("ch05-io.md", "twin_ch05.py");
    assert_eq!(ours, printed);
}
