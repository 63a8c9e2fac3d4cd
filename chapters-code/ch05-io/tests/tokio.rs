//! The same echo server on tokio: `tokio::net` on a current-thread runtime, which
//! sits on mio as our selector does.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

#[tokio::test(flavor = "current_thread")]
async fn tokio_echoes_200_clients_on_one_thread() {
    // `TcpListener::bind` listens with a backlog of 128 (mio 1.2, like std): 200
    // clients that connect before the first accept would overflow it, and the kernel
    // would drop the surplus SYNs for the clients to send again a second later.
    // Listen as our `BACKLOG` does instead.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(ch05_io::BACKLOG as u32).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        for _ in 0..200 {
            let (mut conn, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let (mut r, mut w) = conn.split();
                tokio::io::copy(&mut r, &mut w).await.unwrap();
            });
        }
    });
    let clients: Vec<_> = (0..200)
        .map(|i| {
            tokio::spawn(async move {
                let message = format!("client {i};").repeat(i % 64 + 1).into_bytes();
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(&message).await.unwrap();
                stream.shutdown().await.unwrap();
                let mut back = Vec::new();
                stream.read_to_end(&mut back).await.unwrap();
                back == message
            })
        })
        .collect();
    for client in clients {
        assert!(client.await.unwrap());
    }
    server.await.unwrap();
}
