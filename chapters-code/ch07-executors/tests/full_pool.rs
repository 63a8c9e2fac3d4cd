//! When the pool is full: more blocking jobs than workers. The extra jobs wait in
//! the pool's queue, first in, first out, and a `to_thread` call waits behind them.
//! No clock: the jobs block on a gate, and the tests count who started.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use ch07_executors::scenarios::wait_until;
use ch07_executors::{EventLoop, ThreadPool};

/// `threading.Event`: jobs wait until it is set, for at most 10 s.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let open = self.open.lock().unwrap();
        let _ = self
            .opened
            .wait_timeout_while(open, Duration::from_secs(10), |open| !*open)
            .unwrap();
    }

    fn set(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

#[test]
fn a_full_pool_runs_max_workers_jobs_and_queues_the_rest() {
    let pool = ThreadPool::new(2);
    let (gate, started) = (Arc::new(Gate::default()), Arc::new(AtomicUsize::new(0)));
    let order = Arc::new(Mutex::new(Vec::new())); // who started, in order
    let jobs: Vec<_> = (0..4)
        .map(|i| {
            let (gate, started) = (gate.clone(), started.clone());
            let order = order.clone();
            pool.submit(move || {
                order.lock().unwrap().push(i);
                started.fetch_add(1, Ordering::SeqCst);
                gate.wait();
                i
            })
            .unwrap()
        })
        .collect();
    assert!(wait_until(|| started.load(Ordering::SeqCst) == 2));
    // Both workers are inside a job that waits for the gate: nobody takes the rest.
    assert_eq!(
        pool.threads_started(),
        2,
        "no more threads than max_workers"
    );
    assert_eq!(pool.queued(), 2, "two jobs wait in the queue");
    assert_eq!(started.load(Ordering::SeqCst), 2, "and have not started");
    gate.set();
    let results: Vec<_> = jobs
        .iter()
        .map(|job| job.wait_timeout(Duration::from_secs(10)).unwrap().unwrap())
        .collect();
    assert_eq!(results, [0, 1, 2, 3], "then every job finishes");
    let mut order = order.lock().unwrap().clone();
    // Two workers race for each pair, so sort within it: 0 and 1 took the
    // threads; 2 and 3 were the ones that waited.
    order[..2].sort();
    order[2..].sort();
    assert_eq!(order, [0, 1, 2, 3], "the first two submitted ran first");
}

#[test]
fn a_full_pool_starts_the_queued_jobs_first_in_first_out() {
    let pool = ThreadPool::new(1); // one worker: the start order is the queue's
    let gate = Arc::new(Gate::default());
    let order = Arc::new(Mutex::new(Vec::new()));
    let jobs: Vec<_> = (0..5)
        .map(|i| {
            let (gate, order) = (gate.clone(), order.clone());
            pool.submit(move || {
                order.lock().unwrap().push(i);
                if i == 0 {
                    gate.wait(); // holds the only worker: 1 to 4 queue up
                }
            })
            .unwrap()
        })
        .collect();
    assert!(wait_until(|| pool.queued() == 4));
    gate.set();
    for job in &jobs {
        job.wait_timeout(Duration::from_secs(10)).unwrap().unwrap();
    }
    assert_eq!(
        *order.lock().unwrap(),
        [0, 1, 2, 3, 4],
        "first in, first out"
    );
}

// ANCHOR: to_thread_waits_behind
#[test]
fn to_thread_on_a_full_default_pool_waits_behind_the_blocked_jobs() {
    let lp = EventLoop::new();
    let core = lp.handle();
    // asyncio: loop.set_default_executor(ThreadPoolExecutor(max_workers=2))
    assert!(core.set_default_executor(ThreadPool::new(2)).is_ok());
    let (gate, started) = (Arc::new(Gate::default()), Arc::new(AtomicUsize::new(0)));
    let (quick, blocked) = lp
        .run_until_complete(async move {
            let blocked: Vec<_> = (0..4)
                .map(|i| {
                    let (gate, started) = (gate.clone(), started.clone());
                    core.to_thread(move || {
                        started.fetch_add(1, Ordering::SeqCst);
                        gate.wait();
                        i
                    })
                })
                .collect();
            let quick = core.to_thread(|| "quick");
            // A blocking wait on the loop's thread, to look at the pool: the
            // demonstration's only one.
            assert!(wait_until(|| started.load(Ordering::SeqCst) == 2));
            let pool = core.default_pool();
            assert_eq!(pool.queued(), 3, "two blocked jobs, then the quick one");
            assert_eq!(started.load(Ordering::SeqCst), 2);
            gate.set();
            let mut done = Vec::new();
            for job in blocked {
                done.push(job.await.unwrap());
            }
            (quick.await.unwrap(), done)
        })
        .unwrap();
    assert_eq!((quick, blocked), ("quick", vec![0, 1, 2, 3]));
}
// ANCHOR_END: to_thread_waits_behind

#[test]
fn set_default_executor_is_refused_once_the_default_pool_is_in_use() {
    let lp = EventLoop::new();
    let core = lp.handle();
    assert_eq!(
        core.default_pool().max_workers(),
        ThreadPool::default_size()
    );
    let refused = core.set_default_executor(ThreadPool::new(2));
    assert!(refused.is_err(), "the pool in use stays");
}
