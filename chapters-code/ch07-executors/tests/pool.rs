//! The thread pool: results, panics, shutdown, lazy threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use ch07_executors::{JobError, SubmitError, ThreadPool};

const GUARD: Duration = Duration::from_secs(10);

#[test]
fn submit_runs_the_job_on_a_pool_thread_and_returns_its_result() {
    let pool = ThreadPool::new(2);
    let job = pool
        .submit(|| (6 * 7, std::thread::current().name().map(String::from)))
        .unwrap();
    let (value, name) = job.wait_timeout(GUARD).expect("done").unwrap();
    assert_eq!(value, 42);
    assert_eq!(name.as_deref(), Some("pool_0"));
}

#[test]
fn a_panicking_job_becomes_an_error_with_its_message_and_the_pool_survives() {
    let pool = ThreadPool::new(1);
    let bad = pool.submit(|| -> u32 { panic!("job failed") }).unwrap();
    let good = pool.submit(|| 7).unwrap();
    assert_eq!(
        bad.wait_timeout(GUARD).expect("done"),
        Err(JobError::Panicked("job failed".into()))
    );
    assert_eq!(good.wait_timeout(GUARD).expect("done"), Ok(7));
    assert_eq!(pool.threads_started(), 1, "the same thread ran both");
}

#[test]
fn shutdown_waits_for_every_queued_job_nothing_is_lost() {
    let pool = ThreadPool::new(2);
    let finished = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<_> = (0..20)
        .map(|i| {
            let finished = finished.clone();
            pool.submit(move || {
                std::thread::yield_now();
                finished.fetch_add(1, Ordering::SeqCst);
                i
            })
            .unwrap()
        })
        .collect();
    pool.shutdown();
    assert_eq!(
        finished.load(Ordering::SeqCst),
        20,
        "all ran before shutdown returned"
    );
    let results: Vec<_> = jobs
        .iter()
        .map(|j| j.try_take().unwrap().unwrap())
        .collect();
    assert_eq!(results, (0..20).collect::<Vec<_>>());
}

#[test]
fn submit_after_shutdown_is_refused_with_cpythons_message() {
    let pool = ThreadPool::new(1);
    pool.shutdown();
    let error = pool.submit(|| 1).unwrap_err();
    assert_eq!(error, SubmitError::Shutdown);
    assert_eq!(
        error.to_string(),
        "cannot schedule new futures after shutdown"
    );
    pool.shutdown(); // twice is fine
}

#[test]
fn threads_start_lazily_and_never_exceed_max_workers() {
    let pool = ThreadPool::new(3);
    assert_eq!(pool.threads_started(), 0, "no thread before the first job");
    pool.submit(|| ())
        .unwrap()
        .wait_timeout(GUARD)
        .unwrap()
        .unwrap();
    assert_eq!(pool.threads_started(), 1);
    // Ten jobs that all block at once: the pool stops at three threads.
    let (release, gate) = mpsc::channel::<()>();
    let gate = Arc::new(std::sync::Mutex::new(gate));
    let jobs: Vec<_> = (0..10)
        .map(|_| {
            let gate = gate.clone();
            pool.submit(move || {
                let _ = gate.lock().unwrap().recv_timeout(GUARD);
            })
            .unwrap()
        })
        .collect();
    assert_eq!(pool.threads_started(), 3);
    for _ in 0..10 {
        release.send(()).unwrap();
    }
    for job in jobs {
        job.wait_timeout(GUARD).expect("done").unwrap();
    }
}

#[test]
fn done_callbacks_run_on_the_worker_thread_or_at_once_if_already_done() {
    let pool = ThreadPool::new(1);
    let (tx, rx) = mpsc::channel();
    let (release, gate) = mpsc::channel::<()>();
    let job = pool
        .submit(move || gate.recv_timeout(GUARD).is_ok())
        .unwrap();
    let t = tx.clone();
    job.add_done_callback(move || {
        t.send(std::thread::current().name().map(String::from))
            .unwrap();
    });
    release.send(()).unwrap();
    assert_eq!(rx.recv_timeout(GUARD).unwrap().as_deref(), Some("pool_0"));
    job.add_done_callback(move || {
        tx.send(std::thread::current().name().map(String::from))
            .unwrap();
    });
    let here = std::thread::current().name().map(String::from);
    assert_eq!(
        rx.recv_timeout(GUARD).unwrap(),
        here,
        "already done: runs here"
    );
}
