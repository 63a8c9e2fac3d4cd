//! Scenarios shared by the tests and the diagrams.
#![allow(dead_code)]

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use ch05_io::{EventLoop, TcpListener};

pub type Log = Rc<RefCell<Vec<String>>>;

/// 127.0.0.1, any free port.
pub fn any_port() -> SocketAddr {
    (Ipv4Addr::LOCALHOST, 0).into()
}

/// A connected pair of std streams on loopback: (client, server side).
pub fn std_pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind(any_port()).unwrap();
    let client =
        std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

/// One echo round trip, step by step: a server task accepts one connection and
/// echoes it; the client is a plain blocking std socket that the test drives
/// *between* iterations, so every `select` has exactly one thing to report and the
/// trace is the same on every run.
pub fn echo_round_trip_scenario() -> (EventLoop, Vec<u8>, Result<u64, String>) {
    let lp = EventLoop::traced();
    let handle = lp.handle();
    let listener = TcpListener::bind(&handle, any_port()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = lp.spawn_named("server", async move {
        let (conn, _) = listener.accept().await?;
        drop(listener);
        ch05_io::handle_echo(conn).await
    });
    lp.run_once(); // 1: the server waits in accept
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    lp.run_once(); // 2: select reports the listener; its callback wakes the server
    lp.run_once(); // 3: the server accepts, waits to read conn1
    client.write_all(b"ping").unwrap();
    lp.run_once(); // 4: conn1 readable: callback, wake
    lp.run_once(); // 5: read "ping", write it back, wait to read again
    let mut echoed = [0; 4];
    // A guard: the echo is already there.
    client.set_read_timeout(Some(test_support::LIMIT)).unwrap();
    client
        .read_exact(&mut echoed)
        .expect("the echo, within test-support's LIMIT");
    drop(client); // FIN
    lp.run_once(); // 6: conn1 readable (EOF): callback, wake
    lp.run_once(); // 7: read 0: the handler returns, conn1 is closed
    let result = server
        .try_take()
        .expect("the server task is done after 7 iterations")
        .expect("it did not panic")
        .map_err(|e| e.to_string());
    (lp, echoed.to_vec(), result)
}
