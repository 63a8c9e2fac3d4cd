//! Tests for the chapter 5 exercises. Run one with `cargo xtask exercise ch05 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. They
//! use real sockets on 127.0.0.1.

mod common;

use std::io::{ErrorKind, Write};
use std::rc::Rc;
use std::time::Duration;

use ch05_io::exercises::ex1_read_line::LineReader;
use ch05_io::exercises::ex2_read_timeout::read_timeout;
use ch05_io::exercises::ex3_write_all::write_all;
use ch05_io::{EventLoop, TcpStream};
use test_support::{LIMIT, join_within, recv_within};

/// A loop, a `TcpStream` on it, and the blocking std socket at the other end.
fn connected() -> (EventLoop, TcpStream, std::net::TcpStream) {
    let lp = EventLoop::new();
    let (client, server) = common::std_pair();
    let stream = TcpStream::from_std(&lp.handle(), "conn", server).unwrap();
    (lp, stream, client)
}

// ---- Exercise 1: LineReader
// ---------------------------------------------------------------

fn lines_of(chunks: &[&[u8]]) -> (Vec<String>, std::io::Result<Option<String>>) {
    let (lp, stream, mut client) = connected();
    for chunk in chunks {
        client.write_all(chunk).unwrap();
    }
    drop(client);
    lp.run_until_complete(async move {
        let mut reader = LineReader::new(stream);
        let mut lines = Vec::new();
        loop {
            match reader.next_line().await {
                Ok(Some(line)) => lines.push(line),
                end => return (lines, end),
            }
        }
    })
    .unwrap()
}

#[test]
fn ex1_lines_come_back_one_by_one_then_none() {
    let (lines, end) = lines_of(&[b"hello\nwor", b"ld\n\nlast\n"]);
    assert_eq!(
        lines,
        ["hello", "world", "", "last"],
        "each line, without its \\n"
    );
    assert!(
        matches!(end, Ok(None)),
        "after the last line: Ok(None), got {end:?}"
    );
}

#[test]
fn ex1_a_peer_that_closes_mid_line_is_an_unexpected_eof() {
    let (lines, end) = lines_of(&[b"whole\nhal"]);
    assert_eq!(lines, ["whole"]);
    let err =
        end.expect_err("a half line at EOF must be an error, not a line or None");
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

// ---- Exercise 2: read_timeout
// -------------------------------------------------------------

#[test]
fn ex2_nothing_to_read_times_out_and_leaves_no_waiter() {
    let (lp, stream, _client) = connected();
    let io = lp.handle();
    let result = lp
        .run_until_complete(async move {
            let mut buf = [0; 8];
            read_timeout(&io, &stream, &mut buf, Duration::from_millis(30)).await
        })
        .unwrap();
    let err = result.expect_err("nothing was sent: the read must time out");
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert_eq!(
        lp.selector().waiting(),
        0,
        "the timed-out read left its waker behind"
    );
}

#[test]
fn ex2_data_that_is_there_is_read_at_once() {
    let (lp, stream, mut client) = connected();
    client.write_all(b"hey").unwrap();
    let io = lp.handle();
    let (n, buf) = lp
        .run_until_complete(async move {
            let mut buf = [0; 8];
            let n =
                read_timeout(&io, &stream, &mut buf, Duration::from_secs(60)).await;
            (n.expect("data was there: no timeout"), buf)
        })
        .unwrap();
    assert_eq!(&buf[..n], b"hey");
    assert_eq!(
        lp.live_timers(),
        0,
        "the timeout's timer is cancelled when the read wins"
    );
}

// ---- Exercise 3: write_all
// ----------------------------------------------------------------

#[test]
fn ex3_four_megabytes_take_many_partial_writes_and_arrive_in_order() {
    let (lp, stream, client) = connected();
    let data: Vec<u8> = (0..4u32 << 20).map(|i| (i % 253) as u8).collect();
    let expected = data.clone();
    // The reader starts only after the writer's first poll. Until then nobody drains
    // the socket, so the kernel's buffers (far smaller than 4 MiB) fill up and the
    // first write can only be partial, however fast the machine: the test never
    // depends on timing.
    let (go, wait_for_go) = std::sync::mpsc::channel::<()>();
    let reader = std::thread::spawn(move || {
        recv_within(&wait_for_go, LIMIT, "the writer's first poll").unwrap();
        let mut client = client;
        let mut got = Vec::new();
        std::io::Read::read_to_end(&mut client, &mut got).unwrap();
        got
    });
    let calls = lp
        .run_until_complete(async move {
            let stream = Rc::new(stream);
            let mut writing = std::pin::pin!(write_all(&stream, &data));
            let mut go = Some(go);
            let calls = std::future::poll_fn(|cx| {
                let poll = writing.as_mut().poll(cx);
                if let Some(go) = go.take() {
                    // after the first poll: let the reader drain
                    go.send(()).unwrap();
                }
                poll
            })
            .await
            .unwrap();
            stream.shutdown_write().unwrap();
            calls
        })
        .unwrap();
    let got = join_within(reader, LIMIT, "the reader to read to the end").unwrap();
    assert!(got == expected, "the bytes arrived, all of them, in order");
    assert!(
        calls > 1,
        "4 MiB does not fit the send buffer: expected partial writes"
    );
}

#[test]
fn ex3_an_empty_buffer_needs_no_write() {
    let (lp, stream, _client) = connected();
    let calls = lp
        .run_until_complete(async move { write_all(&stream, b"").await.unwrap() })
        .unwrap();
    assert_eq!(calls, 0);
}
