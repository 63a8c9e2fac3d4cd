//! Which parts of futures and tokio run on any executor (ours included), and which
//! need tokio's runtime.

mod common;

use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::JoinErrorKind;
use ch04_timers::EventLoop;
use common::secs;
use futures::StreamExt;
use futures::future::{Either, join_all, select};
use futures::stream::FuturesUnordered;

#[test]
fn futures_combinators_run_on_our_loop() {
    let lp = EventLoop::virtual_time();
    let handle = lp.handle();
    let (all, first, unordered) = lp
        .run_until_complete(async move {
            let sleep_then = |s: u64| {
                let h = handle.clone();
                async move {
                    h.sleep(Duration::from_secs(s)).await;
                    s
                }
            };
            let all = join_all([sleep_then(2), sleep_then(1)]).await;
            let first =
                match select(Box::pin(sleep_then(5)), Box::pin(sleep_then(1))).await
                {
                    Either::Left((v, _)) | Either::Right((v, _)) => v,
                };
            let unordered: Vec<u64> = [2, 1]
                .map(sleep_then)
                .into_iter()
                .collect::<FuturesUnordered<_>>()
                .collect()
                .await;
            (all, first, unordered)
        })
        .unwrap();
    assert_eq!(all, [2, 1], "join_all: argument order");
    assert_eq!(first, 1, "select: the first to finish");
    assert_eq!(unordered, [1, 2], "FuturesUnordered: completion order");
    assert_eq!(lp.time(), secs(2.0 + 1.0 + 2.0));
}

#[test]
fn tokio_sync_channels_run_on_our_loop() {
    let lp = EventLoop::virtual_time();
    let (tx, rx) = tokio::sync::oneshot::channel();
    lp.call_later(secs(1.0), move || tx.send("from a timer callback").unwrap());
    let (mtx, mut mrx) = tokio::sync::mpsc::channel(1);
    let h = lp.handle();
    lp.spawn(async move {
        for i in 0..3 {
            mtx.send(i).await.unwrap(); // capacity 1: waits for the receiver
            h.sleep(secs(1.0)).await;
        }
    });
    let handle = lp.handle();
    let (message, received) = lp
        .run_until_complete(async move {
            let message = rx.await.unwrap();
            let mut received = Vec::new();
            while let Some(i) = mrx.recv().await {
                received.push((i, handle.time()));
            }
            (message, received)
        })
        .unwrap();
    assert_eq!(message, "from a timer callback");
    assert_eq!(received, [(0, secs(1.0)), (1, secs(1.0)), (2, secs(2.0))]);
}

const NO_RUNTIME: &str = "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

#[test]
fn tokio_time_sleep_on_our_loop_panics_it_needs_tokios_runtime() {
    let lp = EventLoop::virtual_time();
    let task = lp.spawn(async {
        tokio::time::sleep(Duration::from_secs(1)).await;
    });
    lp.run_until_idle();
    let error = task.try_take().expect("done").expect_err("it panicked");
    match error.kind {
        JoinErrorKind::Panicked(message) => assert_eq!(message, NO_RUNTIME),
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn tokio_net_on_our_loop_panics_too() {
    let lp = EventLoop::virtual_time();
    let task = lp.spawn(async {
        let _socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await;
    });
    lp.run_until_idle();
    let error = task.try_take().expect("done").expect_err("it panicked");
    assert_eq!(error.panic_message(), Some(NO_RUNTIME));
}

#[test]
fn inside_a_tokio_runtime_the_same_sleep_works() {
    // The driver is found through a thread-local context that `block_on` sets up.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let slept = Rc::new(std::cell::Cell::new(false));
    let s = slept.clone();
    rt.block_on(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        s.set(true);
    });
    assert!(slept.get());
}
