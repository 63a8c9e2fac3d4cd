//! "Each thread can have its own event loop, but only one loop can run per thread."

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ch03_ready_queue::{RunError, current_loop};
use ch07_executors::EventLoop;
use test_support::{LIMIT, join_within};

#[test]
fn two_loops_on_two_threads_post_to_each_other() {
    let (send_handle, handle_b) = mpsc::channel();
    let b = thread::spawn(move || {
        let lp = EventLoop::new();
        send_handle.send(lp.threadsafe()).unwrap();
        lp.run_forever().unwrap(); // until loop A stops it
        thread::current().id()
    });
    let to_b = handle_b.recv_timeout(Duration::from_secs(10)).unwrap();
    let lp = EventLoop::new();
    let (tx, rx) = futures::channel::oneshot::channel();
    let b_handle = to_b.clone();
    let (ran_on, second_loop) = lp
        .run_until_complete(async move {
            b_handle
                .call_soon_threadsafe(move || {
                    // On loop B's thread, inside loop B.
                    assert!(current_loop().is_some(), "loop B is running here");
                    let second = EventLoop::new().run_until_complete(async {});
                    let _ = tx.send((thread::current().id(), second));
                })
                .unwrap();
            rx.await.unwrap() // woken from thread B: a cross-thread wake
        })
        .unwrap();
    to_b.stop().unwrap();
    let b_thread =
        join_within(b, LIMIT, "loop B's thread to return once stopped").unwrap();
    assert_eq!(ran_on, b_thread, "the callback ran on loop B's thread");
    assert_ne!(ran_on, thread::current().id());
    assert_eq!(
        second_loop.unwrap_err(),
        RunError::AnotherLoopRunning,
        "one running loop per thread"
    );
}
