//! The hook a later loop (chapter 7) installs so that a task's waker works from any
//! thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::Duration;

use ch03_ready_queue::{EventLoop, TaskState};
use test_support::{LIMIT, join_within};

/// Pending until its waker, sent to another thread, has been woken there.
struct WokenElsewhere(bool);

impl Future for WokenElsewhere {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        let waker = cx.waker().clone();
        let waking = std::thread::spawn(move || waker.wake());
        join_within(waking, LIMIT, "the wake on another thread to return").unwrap();
        Poll::Pending
    }
}

#[test]
fn with_a_hook_a_wake_from_another_thread_reaches_the_loop_through_it() {
    let lp = EventLoop::new();
    let (tx, rx) = mpsc::channel();
    assert!(lp.set_remote_wake(Box::new(move |key| tx.send(key).unwrap())));
    assert!(!lp.set_remote_wake(Box::new(|_| {})), "set once");
    let task = lp.spawn(WokenElsewhere(false));
    lp.run_once(); // polled: wakes itself from another thread, through the hook
    assert_eq!(
        task.state(),
        TaskState::Pending,
        "nothing queued it on this thread"
    );
    let key = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the hook ran");
    lp.wake_from_remote(key); // what chapter 7's loop does on its own thread
    assert_eq!(task.state(), TaskState::Scheduled);
    lp.run_once();
    assert_eq!(task.state(), TaskState::Done);
}
