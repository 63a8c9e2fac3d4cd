//! `run_in_executor` and `to_thread`: results come back through the loop, and
//! nothing spins.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use ch07_executors::scenarios::wait_until;
use ch07_executors::{EventLoop, JobError, ThreadPool};
use test_support::{LIMIT, join_within};

const GUARD: Duration = Duration::from_secs(10);

/// Counts how many times the wrapped future is polled.
struct CountPolls<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

fn counted<F: Future>(inner: F, polls: &Arc<AtomicUsize>) -> CountPolls<F> {
    CountPolls {
        inner: Box::pin(inner),
        polls: polls.clone(),
    }
}

#[test]
fn run_in_executor_returns_the_jobs_result_on_the_loop() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let pool = ThreadPool::new(2);
    let job_thread = lp
        .run_until_complete(async move {
            let fut = core
                .run_in_executor(&pool, || thread::current().id())
                .unwrap();
            fut.await.unwrap()
        })
        .unwrap();
    assert_ne!(job_thread, thread::current().id());
}

#[test]
fn a_panic_in_the_job_reaches_the_awaiting_task_as_an_error_with_its_message() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let (bad, good) = lp
        .run_until_complete(async move {
            let bad = core.to_thread(|| -> u32 { panic!("disk on fire") }).await;
            let good = core.to_thread(|| 5).await; // the pool survived
            (bad, good)
        })
        .unwrap();
    assert_eq!(bad, Err(JobError::Panicked("disk on fire".into())));
    assert_eq!(good, Ok(5));
}

#[test]
fn to_thread_uses_the_default_pool_named_like_asyncios() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let name = lp
        .run_until_complete(async move {
            core.to_thread(|| thread::current().name().map(String::from))
                .await
                .unwrap()
        })
        .unwrap();
    assert_eq!(name.as_deref(), Some("asyncio_0"));
    // ThreadPoolExecutor's default size: min(32, cpus + 4).
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(lp.handle().default_pool().max_workers(), (cpus + 4).min(32));
}

#[test]
fn run_in_executor_on_a_shut_down_pool_is_refused_at_once() {
    let lp = EventLoop::new();
    let pool = ThreadPool::new(1);
    pool.shutdown();
    let error = lp.handle().run_in_executor(&pool, || 1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot schedule new futures after shutdown"
    );
}

/// Chapter 6's `to_thread` polls once per iteration while its thread runs: the loop
/// spins. The job is released only after 1000 polls, which only a spinning loop
/// makes.
#[test]
fn chapter_6s_to_thread_spins_a_poll_per_iteration_while_the_job_runs() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let released = lp
        .run_until_complete(counted(
            ch06_patterns::to_thread(move || {
                wait_until(|| p.load(Ordering::SeqCst) >= 1000)
            }),
            &polls,
        ))
        .unwrap();
    assert!(released, "the job saw 1000 polls while it blocked");
    assert!(polls.load(Ordering::SeqCst) >= 1000);
}

/// Ours: while the job blocks on a channel, the loop sleeps in `select`. The job is
/// released only once the loop is parked, and some time later; the task is polled
/// exactly twice.
#[test]
fn our_to_thread_sleeps_in_select_while_the_job_runs_two_polls_in_all() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let to_loop = lp.threadsafe();
    let (release, gate) = mpsc::channel::<()>();
    let helper = thread::spawn(move || {
        let parked = wait_until(|| to_loop.is_parked());
        thread::sleep(Duration::from_millis(50)); // time enough to spin, if it would
        let _ = release.send(());
        parked
    });
    let polls = Arc::new(AtomicUsize::new(0));
    let out = lp
        .run_until_complete(counted(
            async move {
                core.to_thread(move || gate.recv_timeout(GUARD).is_ok())
                    .await
            },
            &polls,
        ))
        .unwrap();
    assert!(
        join_within(helper, LIMIT, "the releasing thread to end").unwrap(),
        "the loop was asleep in select"
    );
    assert_eq!(out, Ok(true));
    assert_eq!(
        polls.load(Ordering::SeqCst),
        2,
        "submit, then the result: no spin"
    );
    assert!(lp.iteration() <= 4, "{} iterations", lp.iteration());
}

#[test]
fn gathered_to_thread_calls_run_at_the_same_time() {
    const N: usize = 4;
    let lp = EventLoop::new();
    let core = lp.handle();
    let pool = Arc::new(ThreadPool::new(N));
    let arrived = Arc::new(AtomicUsize::new(0));
    let met = lp
        .run_until_complete(async move {
            let futs: Vec<_> = (0..N)
                .map(|_| {
                    let arrived = arrived.clone();
                    core.run_in_executor(&pool, move || {
                        arrived.fetch_add(1, Ordering::SeqCst);
                        // a barrier
                        wait_until(|| arrived.load(Ordering::SeqCst) == N)
                    })
                    .unwrap()
                })
                .collect();
            futures::future::join_all(futs).await
        })
        .unwrap();
    assert_eq!(met, vec![Ok(true); N]);
}

#[test]
fn a_futures_oneshot_sent_from_a_std_thread_wakes_a_task_on_our_loop() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let (tx, rx) = futures::channel::oneshot::channel();
    let sender = thread::spawn(move || {
        let parked = wait_until(|| to_loop.is_parked());
        tx.send(7).unwrap(); // wakes the task's waker here, on this thread
        parked
    });
    let value = lp.run_until_complete(rx).unwrap().unwrap();
    assert!(join_within(sender, LIMIT, "the sending thread to end").unwrap());
    assert_eq!(value, 7);
    assert!(
        lp.iteration() <= 3,
        "{} iterations: no spin",
        lp.iteration()
    );
    let lines = traced_oneshot();
    assert!(
        lines.contains(&"from another thread: task waker".to_string()),
        "{lines:#?}"
    );
}

fn traced_oneshot() -> Vec<String> {
    let lp = EventLoop::traced();
    let (tx, rx) = futures::channel::oneshot::channel();
    let to_loop = lp.threadsafe();
    let sender = thread::spawn(move || {
        wait_until(|| to_loop.is_parked());
        tx.send(1).unwrap();
    });
    lp.run_until_complete(rx).unwrap().unwrap();
    join_within(sender, LIMIT, "the sending thread to end").unwrap();
    lp.trace_lines()
}

#[test]
fn a_tokio_oneshot_sent_from_a_std_thread_wakes_a_task_on_our_loop() {
    let lp = EventLoop::new();
    let to_loop = lp.threadsafe();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let sender = thread::spawn(move || {
        // Send only once the task has polled `rx` and the loop sleeps: a
        // cross-thread wake.
        let parked = wait_until(|| to_loop.is_parked());
        tx.send("hello").unwrap();
        parked
    });
    let value = lp.run_until_complete(rx).unwrap().unwrap();
    assert!(
        join_within(sender, LIMIT, "the sending thread to end").unwrap(),
        "the loop was asleep in select"
    );
    assert_eq!(value, "hello");
    assert!(
        lp.iteration() <= 3,
        "{} iterations: no spin",
        lp.iteration()
    );
}
