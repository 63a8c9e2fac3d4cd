//! Bad input: each is a clear error for its own connection, the loop keeps serving
//! the others, and nothing stays registered.

mod common;

use std::io::{ErrorKind, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use ch05_io::{EventLoop, TcpListener, TcpStream, echo_client, serve_echo};
use common::any_port;
use test_support::{LIMIT, join_within};

#[test]
fn a_peer_that_closes_mid_message_is_a_clean_eof_and_read_exact_says_how_far_it_got()
{
    let lp = EventLoop::new();
    let io = lp.handle();
    let listener = TcpListener::bind(&io, any_port()).unwrap();
    let addr = listener.local_addr().unwrap();
    let (err, first_read, echoed) = lp
        .run_until_complete(async move {
            let client = io.spawn({
                let io = io.clone();
                async move {
                    let stream = TcpStream::connect(&io, addr).await.unwrap();
                    // 10 of the 100 announced
                    stream.write_all(&[7; 10]).await.unwrap();
                } // dropped: closed, with a FIN
            });
            let (conn, _) = listener.accept().await.unwrap();
            let mut buf = [0; 100];
            let err = conn.read_exact(&mut buf).await.unwrap_err();
            client.await.unwrap();
            // and from now on: EOF
            let first_read = conn.read(&mut buf).await.unwrap();
            // Meanwhile the listener serves another client as usual.
            let other =
                io.spawn(echo_client(io.clone(), addr, b"still here".to_vec()));
            let (next, _) = listener.accept().await.unwrap();
            ch05_io::handle_echo(next).await.unwrap();
            (err, first_read, other.await.unwrap().unwrap())
        })
        .unwrap();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    assert_eq!(
        err.to_string(),
        "conn1: the peer closed the connection after 10 of 100 bytes"
    );
    assert_eq!(
        first_read, 0,
        "after EOF, read returns 0: a clean end, not an error"
    );
    assert_eq!(echoed, b"still here");
    assert_eq!(lp.registered(), 0);
}

#[test]
fn a_reset_connection_fails_its_handler_only() {
    let lp = EventLoop::new();
    let io = lp.handle();
    let listener = TcpListener::bind(&io, any_port()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = lp.spawn(serve_echo(io.clone(), listener, 3));
    let h = io.clone();
    let (good, later) = lp
        .run_until_complete(async move {
            let good = echo_client(h.clone(), addr, b"first".to_vec())
                .await
                .unwrap();
            let rude = TcpStream::connect(&h, addr).await.unwrap();
            rude.write_all(b"hello").await.unwrap();
            let mut buf = [0; 5];
            // the server echoed: it is reading again
            rude.read_exact(&mut buf).await.unwrap();
            rude.abort().unwrap(); // SO_LINGER 0 and close: RST, not FIN
            let later = echo_client(h.clone(), addr, b"third".to_vec())
                .await
                .unwrap();
            (good, later)
        })
        .unwrap();
    assert_eq!(
        (good.as_slice(), later.as_slice()),
        (&b"first"[..], &b"third"[..])
    );
    let outcomes = lp.run_until_complete(server).unwrap().unwrap();
    let outcomes: Vec<_> = outcomes.into_iter().map(|o| o.unwrap()).collect();
    assert_eq!(*outcomes[0].as_ref().unwrap(), 5);
    let reset = outcomes[1].as_ref().unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset, "{reset}");
    assert_eq!(*outcomes[2].as_ref().unwrap(), 5);
    assert_eq!(lp.registered(), 0);
}

#[test]
fn registering_an_fd_twice_is_refused_with_a_clear_error() {
    let lp = EventLoop::new();
    let (_client, server) = common::std_pair();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    let err = lp.register(stream.as_fd(), "again").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let message = err.to_string();
    assert!(
        message.contains("is already registered with this selector (as \"conn\")"),
        "{message}"
    );
    assert_eq!(lp.registered(), 1, "the first registration is untouched");
}

#[test]
fn dropping_a_stream_deregisters_it() {
    let lp = EventLoop::traced();
    let (_client, server) = common::std_pair();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    assert_eq!(lp.registered(), 1);
    drop(stream);
    assert_eq!(lp.registered(), 0);
    assert_eq!(lp.trace_lines(), ["register conn", "deregister conn"]);
}

#[test]
fn a_cancelled_read_leaves_no_waiter_behind() {
    let lp = EventLoop::traced();
    let (_client, server) = common::std_pair();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    let h = lp.handle();
    let result = lp
        .run_until_complete(async move {
            let mut buf = [0; 1];
            h.wait_for(stream.read(&mut buf), Duration::from_millis(20))
                .await
        })
        .unwrap();
    assert!(result.is_err(), "nothing was sent: the read timed out");
    assert_eq!(lp.selector().waiting(), 0);
    let lines = lp.trace_lines();
    assert!(lines.contains(&"add_reader conn".to_string()), "{lines:#?}");
    assert!(
        lines.contains(&"remove_reader conn".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    // A socket bound to a port but not listening: a SYN to it is answered with RST.
    // Holding the port (rather than binding, closing and hoping nobody takes it
    // meanwhile) keeps any other process from listening there during the test.
    let unlistened = rustix::net::socket(
        rustix::net::AddressFamily::INET,
        rustix::net::SocketType::STREAM,
        None,
    )
    .unwrap();
    rustix::net::bind(&unlistened, &any_port()).unwrap();
    let port = std::net::SocketAddr::try_from(
        rustix::net::getsockname(&unlistened).unwrap(),
    )
    .unwrap();
    let lp = EventLoop::new();
    let io = lp.handle();
    let err = lp
        .run_until_complete(async move {
            TcpStream::connect_named(&io, "nobody", port)
                .await
                .map(drop)
        })
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    assert_eq!(lp.registered(), 0);
}

/// A regular file is always "ready": epoll refuses to watch it (`EPERM`). asyncio
/// reads files on a thread instead (chapter 7). kqueue on macOS would accept it, so
/// Linux only.
#[cfg(target_os = "linux")]
#[test]
fn registering_a_regular_file_is_refused_by_epoll() {
    let lp = EventLoop::new();
    let file = std::fs::File::open("Cargo.toml").unwrap();
    let err = lp.register(file.as_fd(), "Cargo.toml").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(1), "EPERM: {err}");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(lp.registered(), 0);
}

#[test]
fn the_notifier_wakes_a_blocked_select_from_another_thread() {
    let lp = EventLoop::new();
    let (_client, server) = common::std_pair();
    let _stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    let notifier = lp.notifier().unwrap();
    let poke = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        notifier.notify().unwrap();
    });
    // Nothing will ever be sent on `conn`: only the notifier can end this before the
    // timeout, which is only a guard against a notifier that does not work.
    let started = Instant::now();
    let ready = lp.selector().select(Some(LIMIT)).unwrap();
    assert!(
        started.elapsed() < LIMIT,
        "timed out after {LIMIT:?} waiting for the notifier to end select"
    );
    assert!(ready.is_empty(), "a notification reports no fd");
    join_within(poke, LIMIT, "the notifying thread to end").unwrap();
}

/// `io_op` works for any registered fd: here a Unix socket pair, read through the
/// selector.
#[test]
fn io_op_waits_only_after_would_block_and_works_for_any_fd() {
    use std::io::Read;
    use std::os::unix::net::UnixStream;

    use ch05_io::{Interest, io_op};

    let lp = EventLoop::traced();
    let (mut writer, reader) = UnixStream::pair().unwrap();
    reader.set_nonblocking(true).unwrap();
    let key = lp.register(reader.as_fd(), "pipe").unwrap();
    let io = lp.handle();
    let task = lp.spawn_named("reader", async move {
        let mut buf = [0; 4];
        let n = io_op(&io, key, Interest::Read, || (&reader).read(&mut buf)).await;
        io.deregister(key);
        (n.unwrap(), buf)
    });
    lp.run_once(); // tries, would block, waits
    assert_eq!(lp.selector().waiting(), 1);
    writer.write_all(b"data").unwrap();
    while !task.is_done() {
        lp.run_once();
    }
    assert_eq!(task.try_take().unwrap().unwrap(), (4, *b"data"));
    let lines = lp.trace_lines();
    assert!(lines.contains(&"add_reader pipe".to_string()), "{lines:#?}");
    assert!(
        lines.contains(&"ready pipe: readable".to_string()),
        "{lines:#?}"
    );
    assert_eq!(lp.registered(), 0);
}

/// The notes list "pipe, file-descriptor, network events": a real pipe (not a
/// socket) goes through the same selector and the same `io_op` as a TCP stream.
#[cfg(target_os = "linux")]
#[test]
fn io_op_works_on_a_real_pipe() {
    use rustix::pipe::{PipeFlags, pipe_with};

    use ch05_io::{Interest, io_op};

    let lp = EventLoop::traced();
    let (read_end, write_end) = pipe_with(PipeFlags::NONBLOCK).unwrap();
    let key = lp.register(read_end.as_fd(), "pipe").unwrap();
    let io = lp.handle();
    let task = lp.spawn_named("reader", async move {
        let mut buf = [0; 4];
        let read =
            || rustix::io::read(&read_end, &mut buf).map_err(std::io::Error::from);
        let n = io_op(&io, key, Interest::Read, read).await;
        io.deregister(key);
        (n.unwrap(), buf)
    });
    lp.run_once(); // the pipe is empty: the read would block, so the task waits
    assert_eq!(lp.selector().waiting(), 1);
    rustix::io::write(&write_end, b"data").unwrap();
    while !task.is_done() {
        lp.run_once();
    }
    assert_eq!(task.try_take().unwrap().unwrap(), (4, *b"data"));
    assert!(
        lp.trace_lines()
            .contains(&"ready pipe: readable".to_string())
    );
    assert_eq!(lp.registered(), 0);
}
