//! The rows about threads: `to_thread`, eager and lazy; `run_in_executor` with a
//! pool of one's own; a sync call against a thread hop; a timeout on a thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use ch07_executors::{EventLoop, ThreadPool};
use ch10_where_to_await::{lazy, measure};
use test_support::{LIMIT, recv_within};

use crate::support::{run, secs};

// ANCHOR: eager_submit
#[test]
fn run_in_executor_and_to_thread_submit_at_the_call_never_awaited_they_run() {
    let lp = EventLoop::virtual_time();
    let h = lp.handle();
    let pool = ThreadPool::new(1);
    let (ran, report) = mpsc::channel();
    let also = ran.clone();
    let job = move || ran.send("run_in_executor").unwrap();
    drop(h.run_in_executor(&pool, job).unwrap()); // never awaited
    drop(h.to_thread(move || also.send("to_thread").unwrap())); // nor this
    let mut seen = [0, 1].map(|_| recv_within(&report, LIMIT, "a job").unwrap());
    seen.sort_unstable();
    // Nothing in this test runs the loop: the calls alone submitted the jobs.
    assert_eq!(seen, ["run_in_executor", "to_thread"], "both jobs ran");
}
// ANCHOR_END: eager_submit

#[test]
fn a_lazy_to_thread_never_awaited_never_runs_its_function() {
    let ran = Arc::new(AtomicBool::new(false));
    let lp = EventLoop::virtual_time();
    let r = ran.clone();
    let never =
        lazy::to_thread(&lp.handle(), move || r.store(true, Ordering::SeqCst));
    drop(never); // never polled: the async block's body never began
    lp.run_until_idle();
    let threads = lp.handle().default_pool().threads_started();
    drop(lp); // shuts the default pool down, waiting for every job it was given
    assert_eq!(threads, 0, "no job reached the pool");
    assert!(!ran.load(Ordering::SeqCst), "the function never ran");
}

/// The lines of a traced loop's trace that say a job was submitted or a task
/// polled, in order.
fn submit_and_poll(lp: &EventLoop) -> Vec<String> {
    lp.trace_lines()
        .into_iter()
        .filter(|line| line.starts_with("submit") || line.starts_with("poll"))
        .collect()
}

#[test]
fn to_thread_submits_at_the_call_the_lazy_one_at_its_first_poll() {
    let on_call = EventLoop::virtual_time_traced();
    let job = on_call.handle().to_thread(|| 6 * 7);
    assert_eq!(on_call.run_until_complete(job).unwrap(), Ok(42));
    let on_poll = EventLoop::virtual_time_traced();
    let job = lazy::to_thread(&on_poll.handle(), || 6 * 7);
    assert_eq!(on_poll.run_until_complete(job).unwrap(), Ok(42));
    assert_eq!(
        submit_and_poll(&on_call),
        ["submit job-1", "poll Task-1", "poll Task-1"],
        "submitted before the task ever ran"
    );
    assert_eq!(
        submit_and_poll(&on_poll),
        ["poll Task-1", "submit job-1", "poll Task-1"],
        "submitted inside the task's first step"
    );
}

#[test]
fn run_in_executor_runs_the_job_on_the_pool_it_is_given() {
    let pool = ThreadPool::with_prefix("db", 2);
    let (lp, name) = run(|h| async move {
        let job = || thread::current().name().map(String::from);
        h.run_in_executor(&pool, job).unwrap().await.unwrap()
    });
    assert_eq!(name.as_deref(), Some("db_0"), "a thread of that pool");
    let default = lp.handle().default_pool().threads_started();
    assert_eq!(default, 0, "the default pool started no thread");
}

#[test]
fn a_pool_of_one_thread_runs_its_jobs_one_after_the_other() {
    let pool = ThreadPool::new(1);
    let steps = Arc::new(Mutex::new(Vec::new()));
    let job = |name: &'static str| {
        let steps = steps.clone();
        move || {
            steps.lock().unwrap().push(format!("{name} starts"));
            // Room for b to start meanwhile, if the pool let it. Under load it
            // may be too short: then a pool that overlaps could pass, but a pool
            // of one thread never fails.
            thread::sleep(Duration::from_millis(20));
            steps.lock().unwrap().push(format!("{name} ends"));
        }
    };
    let (a, b) = (job("a"), job("b"));
    let (_, both) = run(|h| async move {
        let a = h.run_in_executor(&pool, a).unwrap();
        let b = h.run_in_executor(&pool, b).unwrap();
        futures::future::join(a, b).await
    });
    assert_eq!(both, (Ok(()), Ok(())));
    let steps = steps.lock().unwrap().clone();
    assert_eq!(steps, ["a starts", "a ends", "b starts", "b ends"]);
}

/// A sync function that does not block: it computes and returns.
fn count_fields(line: &str) -> usize {
    line.split(',').count()
}

#[test]
fn a_sync_call_costs_no_iteration_to_thread_costs_a_thread_hop_and_at_least_one() {
    let loop_thread = thread::current().id();
    let (_, (called, hopped)) = run(|h| async move {
        let core = h.core().clone();
        let called = measure(&core, async {
            (count_fields("a,b,c"), thread::current().id())
        })
        .await;
        let job = || (count_fields("a,b,c"), thread::current().id());
        let hopped = measure(&core, h.to_thread(job)).await;
        (called, hopped)
    });
    assert_eq!(called.output, (3, loop_thread), "on the loop's thread");
    assert_eq!((called.iterations, called.others_ran), (0, false));
    let (fields, job_thread) = hopped.output.unwrap();
    assert_eq!(fields, 3);
    assert_ne!(job_thread, loop_thread, "on a pool thread");
    assert!(hopped.iterations >= 1, "{} iterations", hopped.iterations);
    assert!(hopped.others_ran, "the loop ran another task meanwhile");
}

#[test]
fn a_timeout_on_to_thread_ends_the_wait_not_the_thread() {
    let (open, gate) = mpsc::channel::<()>();
    let (ended, end) = mpsc::channel();
    let (lp, result) = run(|h| async move {
        let job = h.to_thread(move || {
            let opened = gate.recv_timeout(LIMIT).is_ok(); // blocks until opened
            ended.send(opened).unwrap();
        });
        h.wait_for(job, secs(1.0)).await
    });
    assert_eq!(result.unwrap_err().to_string(), "timed out after 1s");
    assert_eq!(lp.time(), secs(1.0));
    assert!(end.try_recv().is_err(), "the job is still running");
    open.send(()).unwrap();
    let opened = recv_within(&end, LIMIT, "the job to end").unwrap();
    assert!(opened, "it ran to its end, after the timeout");
}
