//! The echo server: a thousand connections on one thread, every byte back in order.

mod common;

use std::rc::Rc;
use std::thread;

use ch05_io::{
    EventLoop, TcpListener, TcpStream, echo_client, raise_fd_limit, serve_echo,
};
use common::any_port;

/// What client `i` sends: its number, repeated, so that a byte out of place shows.
fn message(i: usize) -> Vec<u8> {
    format!("client {i};").repeat(i % 64 + 1).into_bytes()
}

#[test]
fn the_echo_server_serves_1000_connections_on_one_thread() {
    const CLIENTS: usize = 1000;
    // Server and clients share this process: two fds per connection, plus a few.
    if let Err(why) = raise_fd_limit(2 * CLIENTS as u64 + 64) {
        panic!("this test opens {} sockets at once: {why}", 2 * CLIENTS);
    }
    let lp = EventLoop::new();
    let io = lp.handle();
    let listener = TcpListener::bind(&io, any_port()).unwrap();
    let addr = listener.local_addr().unwrap();
    let loop_thread = thread::current().id();
    let server = lp.spawn(serve_echo(io.clone(), listener, CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let io = io.clone();
            lp.spawn(async move {
                assert_eq!(thread::current().id(), loop_thread);
                echo_client(io, addr, message(i)).await
            })
        })
        .collect();
    let (echoed, served) = lp
        .run_until_complete(async move {
            let mut echoed = Vec::new();
            for client in clients {
                echoed.push(client.await.unwrap().unwrap());
            }
            (echoed, server.await.unwrap())
        })
        .unwrap();
    for (i, back) in echoed.iter().enumerate() {
        assert!(*back == message(i), "client {i} got other bytes back");
    }
    assert_eq!(served.len(), CLIENTS);
    let mut sizes: Vec<u64> =
        served.into_iter().map(|r| r.unwrap().unwrap()).collect();
    let mut sent: Vec<u64> = (0..CLIENTS).map(|i| message(i).len() as u64).collect();
    sizes.sort_unstable();
    sent.sort_unstable();
    assert_eq!(
        sizes, sent,
        "each connection echoed exactly what its client sent"
    );
    assert_eq!(
        io.registered(),
        0,
        "every socket was deregistered and closed"
    );
}

/// Four megabytes through one echo connection: far more than the socket buffers
/// hold, so writes are partial and both sides wait for the other. One task writes
/// while another reads the same stream.
#[test]
fn four_megabytes_go_round_with_a_reader_and_a_writer_task() {
    let lp = EventLoop::new();
    let io = lp.handle();
    let listener = TcpListener::bind(&io, any_port()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = lp.spawn(serve_echo(io.clone(), listener, 1));
    let data: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
    let expected = data.clone();
    let h = io.clone();
    let back = lp
        .run_until_complete(async move {
            let stream = Rc::new(TcpStream::connect(&h, addr).await.unwrap());
            let writer = stream.clone();
            let write = h.spawn(async move {
                writer.write_all(&data).await.unwrap();
                writer.shutdown_write().unwrap();
            });
            let mut back = Vec::new();
            stream.read_to_end(&mut back).await.unwrap();
            write.await.unwrap();
            back
        })
        .unwrap();
    assert!(back == expected, "4 MiB came back, in order");
    let served = lp.run_until_complete(server).unwrap().unwrap();
    assert_eq!(served[0].as_ref().unwrap().as_ref().unwrap(), &(4u64 << 20));
    assert_eq!(io.registered(), 0);
}
