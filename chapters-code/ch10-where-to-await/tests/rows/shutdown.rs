//! Fire-and-forget at shutdown: what dropping our loop does to a task nobody
//! awaited, and to a job still running on a thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use ch07_executors::{EventLoop, ThreadPool};
use test_support::{LIMIT, join_within, recv_within};

use crate::support::{DropGuard, Log, push, secs};

// ANCHOR: forgotten_task
#[test]
fn a_forgotten_task_still_sleeping_when_main_returns_is_dropped_with_the_loop() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let l = log.clone();
    // Spawned and not awaited; the handle is kept only to ask it afterwards.
    let forgotten = lp.spawn(async move {
        let _guard = DropGuard(l.clone(), "its destructor ran");
        push(&l, "it started");
        h.sleep(secs(10.0)).await;
        push(&l, "it finished"); // never reached
    });
    let main = lp.handle().sleep(secs(1.0)); // main's own work: 1 s
    lp.run_until_complete(main).unwrap();
    assert_eq!(*log.borrow(), ["it started"]);
    assert_eq!((lp.task_count(), lp.live_timers()), (1, 1), "still asleep");
    drop(lp);
    assert_eq!(*log.borrow(), ["it started", "its destructor ran"]);
    let error = forgotten.try_take().unwrap().unwrap_err();
    assert!(error.is_cancelled(), "its handle says: {error}");
}
// ANCHOR_END: forgotten_task

/// A job for a pool: tells `started`, waits at `gate`, then sets `finished`.
fn gated_job(
    started: mpsc::Sender<()>,
    gate: mpsc::Receiver<()>,
    finished: Arc<AtomicBool>,
) -> impl FnOnce() + Send + 'static {
    move || {
        started.send(()).unwrap();
        let _ = gate.recv_timeout(LIMIT);
        finished.store(true, Ordering::SeqCst);
    }
}

/// Sends on its channel when dropped: tells another thread that the task holding
/// it was dropped.
struct SignalsDrop(mpsc::Sender<()>);

impl Drop for SignalsDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn dropping_the_loop_waits_for_a_job_running_on_its_default_pool() {
    let lp = EventLoop::virtual_time();
    let h = lp.handle();
    // Keeps the core, and so its pool, alive past `drop(lp)`: only the loop's
    // `close` can shut the pool down, not the pool's own `Drop`.
    let kept = lp.handle();
    let ((started, is_started), (open, gate)) = (mpsc::channel(), mpsc::channel());
    let (task_dropped, was_dropped) = mpsc::channel();
    let finished = Arc::new(AtomicBool::new(false));
    let job = gated_job(started, gate, finished.clone());
    let task = lp.spawn(async move {
        let _guard = SignalsDrop(task_dropped);
        h.to_thread(job).await
    });
    lp.run_once(); // the task submits the job
    recv_within(&is_started, LIMIT, "the job to start").unwrap();
    let opener = thread::spawn(move || {
        let dropped_first = was_dropped.recv_timeout(LIMIT).is_ok();
        // Time for drop(lp) to reach the pool's wait. Under load it may be too
        // short: then a loop that does not wait could pass, but one that does
        // never fails.
        thread::sleep(Duration::from_millis(50));
        let _ = open.send(());
        dropped_first
    });
    drop(lp); // as asyncio.run: cancel the tasks, then shutdown_default_executor
    assert!(
        finished.load(Ordering::SeqCst),
        "the job ran to its end before drop(lp) returned"
    );
    let dropped_first = join_within(opener, LIMIT, "the gate to open").unwrap();
    assert!(
        dropped_first,
        "the task was dropped before the pool was waited for"
    );
    assert!(task.try_take().unwrap().unwrap_err().is_cancelled());
    drop(kept);
}

#[test]
fn dropping_the_loop_leaves_a_job_on_a_pool_of_ones_own_running() {
    let pool = ThreadPool::new(1);
    let lp = EventLoop::virtual_time();
    let h = lp.handle();
    let ((started, is_started), (open, gate)) = (mpsc::channel(), mpsc::channel());
    let finished = Arc::new(AtomicBool::new(false));
    let job = gated_job(started, gate, finished.clone());
    let future = h.run_in_executor(&pool, job).unwrap();
    lp.spawn(future);
    recv_within(&is_started, LIMIT, "the job to start").unwrap();
    drop(lp); // returns at once: the loop does not own this pool
    assert!(
        !finished.load(Ordering::SeqCst),
        "still waiting at its gate"
    );
    open.send(()).unwrap();
    pool.shutdown(); // the pool's owner waits for it
    assert!(finished.load(Ordering::SeqCst));
}
