//! An echo server and client on the loop: many connections, one thread.

use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

use ch03_ready_queue::JoinError;

use crate::io_core::IoCore;
use crate::net::{TcpListener, TcpStream};

// ANCHOR: echo
/// Echoes everything `stream` reads back to it, until the peer closes its side;
/// returns how many bytes went round. asyncio's `handle_echo` from the streams
/// documentation.
pub async fn handle_echo(stream: TcpStream) -> io::Result<u64> {
    let mut buf = vec![0; 4096];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total); // EOF: the peer is done
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// Accepts `connections` connections and echoes each in its own task, all on this
/// loop's one thread. Returns each connection's outcome, in the order they were
/// accepted: one failing connection is an `Err` in its place and does not stop the
/// others.
pub async fn serve_echo(
    io: Rc<IoCore>,
    listener: TcpListener,
    connections: usize,
) -> Vec<Result<io::Result<u64>, JoinError>> {
    let mut handlers = Vec::with_capacity(connections);
    for _ in 0..connections {
        match listener.accept().await {
            Ok((stream, _peer)) => handlers.push(io.spawn(handle_echo(stream))),
            Err(e) => panic!("accept failed: {e}"),
        }
    }
    drop(listener); // no more connections: deregister and close it
    let mut outcomes = Vec::with_capacity(connections);
    for handler in handlers {
        outcomes.push(handler.await);
    }
    outcomes
}
// ANCHOR_END: echo

/// Connects to `addr`, sends `message`, closes its writing side, and reads until the
/// server closes: returns what came back.
pub async fn echo_client(
    io: Rc<IoCore>,
    addr: SocketAddr,
    message: Vec<u8>,
) -> io::Result<Vec<u8>> {
    let stream = TcpStream::connect(&io, addr).await?;
    stream.write_all(&message).await?;
    stream.shutdown_write()?;
    let mut echoed = Vec::with_capacity(message.len());
    stream.read_to_end(&mut echoed).await?;
    Ok(echoed)
}
