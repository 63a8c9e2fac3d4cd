//! The process pool on the loop: jobs run in other processes, results come back
//! as I/O readiness, out of order, while the loop serves everything else.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch06_patterns::{gather, wait_for};
use ch08_processes::job::{CountPrimes, Job, Pid, WaitForPath};
use ch08_processes::pool::{JobError, ProcessPool, WorkerEvent, run_in_process};
use ch08_processes::worker::{Request, Response};
use ch08_processes::{EventLoop, encode};
use common::{
    TempPath, WORKER, assert_all_gone, run_bounded, runs_alone, threads,
    until_running, with_pool,
};
use test_support::{LIMIT, run_within};

// ANCHOR: round_trip
/// The whole path of a job: `submit` queues it; a worker's task, `serve_jobs`,
/// takes it with `next_job` (which calls `take_job`), writes its frame and reads
/// the answer.
#[test]
fn a_job_runs_in_a_worker_process_and_its_output_comes_back() {
    let (worker_pid, count, started) = with_pool(2, |_io, pool| async move {
        let worker_pid = run_in_process(&pool, Pid).await.unwrap();
        let count = run_in_process(&pool, CountPrimes { below: 100 })
            .await
            .unwrap();
        (worker_pid, count, pool.pids_started())
    });
    assert_ne!(worker_pid, std::process::id(), "not in this process");
    assert!(
        started.contains(&worker_pid),
        "in one of the pool's workers"
    );
    assert_eq!(count, 25);
}
// ANCHOR_END: round_trip

#[test]
fn each_workers_stdin_and_stdout_are_registered_with_the_loops_selector() {
    run_within(LIMIT, "start and drop a pool", || {
        let lp = EventLoop::new();
        let before = lp.io().registered();
        let pool = ProcessPool::start(lp.io(), 3, WORKER).unwrap();
        let during = lp.io().registered();
        let pids = pool.pids_started();
        drop(pool);
        assert_eq!(during, before + 3 * 2, "two pipes per worker");
        assert_eq!(lp.io().registered(), before, "deregistered when dropped");
        assert_all_gone(&pids);
    });
}

// ANCHOR: alongside
#[test]
fn the_loop_serves_a_timer_and_another_task_while_a_job_runs() {
    let file = TempPath::new("alongside");
    let path = file.path().to_path_buf();
    let log = with_pool(1, move |io, pool| async move {
        let log = Rc::new(RefCell::new(Vec::new()));
        let job = run_in_process(&pool, WaitForPath { path: path.clone() });
        // A timer, on the loop, while the job runs in the worker.
        let (timer_io, timer_log) = (io.clone(), log.clone());
        io.spawn(async move {
            timer_io.sleep(Duration::from_millis(5)).await;
            timer_log.borrow_mut().push("timer fired");
        });
        // Another task, which the job waits for: it creates the file.
        let (task_io, task_log) = (io.clone(), log.clone());
        io.spawn(async move {
            task_io.sleep(Duration::from_millis(10)).await;
            std::fs::write(&path, b"").unwrap();
            task_log.borrow_mut().push("a task created the file");
        });
        let appeared = job.await.unwrap();
        log.borrow_mut().push("the job returned");
        assert!(appeared, "the job saw the file the task created");
        log.take()
    });
    drop(file);
    assert_eq!(
        log,
        ["timer fired", "a task created the file", "the job returned"]
    );
}
// ANCHOR_END: alongside

// ANCHOR: out_of_order
#[test]
fn results_are_matched_by_id_when_workers_finish_out_of_order() {
    let file = TempPath::new("out-of-order");
    let path = file.path().to_path_buf();
    with_pool(2, move |_io, pool| async move {
        let first = run_in_process(&pool, WaitForPath { path }); // id 0
        let second = run_in_process(&pool, Pid); // id 1
        assert_eq!((first.id(), second.id()), (0, 1));
        // The second job finishes first; the first is still running.
        let pid = second.await.unwrap();
        assert!(first.is_running() && !first.is_done());
        assert_ne!(first.worker().map(|w| w.pid), Some(pid), "another worker");
        file.create();
        assert!(first.await.unwrap(), "the first job gets its own result");
    });
}
// ANCHOR_END: out_of_order

// ANCHOR: cancel
#[test]
fn a_queued_job_can_be_cancelled_before_a_worker_takes_it() {
    let file = TempPath::new("cancel");
    let path = file.path().to_path_buf();
    with_pool(1, move |io, pool| async move {
        let running = run_in_process(&pool, WaitForPath { path });
        let queued = run_in_process(&pool, Pid);
        until_running(&io, &running).await;
        assert!(queued.cancel(), "still in the pool's queue: cancelled");
        assert!(!running.cancel(), "a worker has it: too late");
        file.create();
        assert_eq!(running.await, Ok(true));
        assert_eq!(queued.await, Err(JobError::Cancelled));
        run_in_process(&pool, Pid).await.unwrap(); // the worker goes on
        assert_eq!(pool.dispatched(), 2, "the cancelled job never reached it");
    });
}
// ANCHOR_END: cancel

// ANCHOR: drop_cancels
#[test]
fn a_queued_job_whose_future_wait_for_drops_is_never_dispatched() {
    let file = TempPath::new("drop-queued");
    let path = file.path().to_path_buf();
    with_pool(1, move |io, pool| async move {
        let running = run_in_process(&pool, WaitForPath { path });
        until_running(&io, &running).await;
        // The one worker is busy: this job waits in the queue until `wait_for`
        // gives up and drops its future, which cancels it.
        let queued = run_in_process(&pool, Pid);
        let waited = wait_for(io.timers(), queued, ms(20)).await;
        assert!(waited.is_err(), "timed out while queued");
        file.create();
        assert_eq!(running.await, Ok(true));
        run_in_process(&pool, Pid).await.unwrap(); // the worker goes on
        assert_eq!(pool.dispatched(), 2, "the dropped job never reached it");
    });
}

#[test]
fn a_running_job_whose_wait_for_times_out_ends_and_its_worker_serves_the_next() {
    let file = TempPath::new("drop-running");
    let path = file.path().to_path_buf();
    with_pool(1, move |io, pool| async move {
        let running = run_in_process(&pool, WaitForPath { path });
        until_running(&io, &running).await;
        let worker = running.worker().expect("taken");
        let waited = wait_for(io.timers(), running, ms(20)).await;
        assert!(waited.is_err(), "timed out while it ran");
        assert_eq!(
            pool.busy(),
            1,
            "the worker still runs it: too late to cancel"
        );
        file.create(); // it ends; its output is read and dropped
        let next = run_in_process(&pool, Pid).await.unwrap();
        assert_eq!(next, worker.pid, "the same worker ran the next job");
        assert_eq!(pool.workers(), [worker], "none was replaced");
        assert_eq!(pool.dispatched(), 2);
    });
}
// ANCHOR_END: drop_cancels

// ANCHOR: peak
#[test]
fn gather_over_100_jobs_on_4_workers_keeps_exactly_4_busy() {
    let (outputs, peak, dispatched) = with_pool(4, |io, pool| async move {
        let jobs =
            (0..100).map(|i| run_in_process(&pool, CountPrimes { below: i * 10 }));
        let outputs = gather(io.timers().core(), jobs).await.unwrap();
        (outputs, pool.peak_busy(), pool.dispatched())
    });
    let expected = (0..100).map(|i| Ok(CountPrimes { below: i * 10 }.run()));
    assert_eq!(outputs, expected.collect::<Vec<_>>(), "in argument order");
    assert_eq!(dispatched, 100);
    assert_eq!(peak, 4, "all 4 workers were busy at once, never a 5th job");
}
// ANCHOR_END: peak

// ANCHOR: shutdown
#[test]
fn shutdown_lets_running_and_queued_jobs_finish_then_every_worker_exits() {
    let (outputs, events, refused) = with_pool(2, |_io, pool| async move {
        let jobs: Vec<_> = (1..=6)
            .map(|i| run_in_process(&pool, CountPrimes { below: i * 100 }))
            .collect();
        pool.shutdown(false).await;
        let refused = run_in_process(&pool, Pid).await;
        let mut outputs = Vec::new();
        for job in jobs {
            assert!(job.is_done(), "done before shutdown returned");
            outputs.push(job.await.unwrap());
        }
        (outputs, pool.worker_events(), refused)
    });
    assert_eq!(outputs, [25, 46, 62, 78, 95, 109]);
    let exits = events.iter().filter_map(|event| match event {
        WorkerEvent::Exited { status, .. } => Some(status.code()),
        WorkerEvent::Started(_) => None,
    });
    assert_eq!(exits.collect::<Vec<_>>(), [Some(0), Some(0)], "clean exits");
    let refused = refused.unwrap_err();
    assert_eq!(refused, JobError::Shutdown);
    assert_eq!(
        refused.to_string(),
        "cannot schedule new futures after shutdown"
    );
}

#[test]
fn shutdown_with_cancel_futures_cancels_the_queued_jobs_not_the_running_one() {
    let file = TempPath::new("cancel-futures");
    let path = file.path().to_path_buf();
    with_pool(1, move |io, pool| async move {
        let running = run_in_process(&pool, WaitForPath { path });
        let queued = [run_in_process(&pool, Pid), run_in_process(&pool, Pid)];
        until_running(&io, &running).await;
        let exited = pool.shutdown(true);
        assert!(
            queued.iter().all(|job| job.is_done()),
            "cancelled at the call"
        );
        file.create(); // the running job may now finish
        exited.await;
        assert_eq!(running.await, Ok(true));
        for job in queued {
            assert_eq!(job.await, Err(JobError::Cancelled));
        }
        assert_eq!(pool.dispatched(), 1);
    });
}
// ANCHOR_END: shutdown

#[test]
fn dropping_the_pool_kills_and_reaps_every_worker_even_mid_job() {
    let file = TempPath::new("drop"); // never created: the job never ends
    let path = file.path().to_path_buf();
    run_within(LIMIT, "drop a busy pool", move || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let pool = ProcessPool::start(&io, 2, WORKER).unwrap();
        let outcome = lp.run_until_complete(async move {
            let running = run_in_process(&pool, WaitForPath { path });
            until_running(&io, &running).await;
            let worker = running.worker().expect("taken");
            let pids = pool.pids_started();
            drop(pool); // kills and reaps, before it returns
            assert_all_gone(&pids);
            (running.await, worker)
        });
        let (outcome, worker) = outcome.unwrap();
        assert_eq!(outcome, Err(JobError::Abandoned { worker }));
    });
}

// ANCHOR: frame_bytes
#[test]
fn a_request_and_a_response_are_frames_of_postcard_bytes() {
    let request = Request::for_job(1, &CountPrimes { below: 100 }).unwrap();
    let mut expected = vec![0, 0, 0, 36]; // the length, big-endian
    expected.push(1); // id: the varint 1
    expected.push(32); // the name's length, then its bytes
    expected.extend(b"ch08_processes::job::CountPrimes");
    expected.extend([1, 100]); // the input: its length, then `below` as a varint
    assert_eq!(encode(&request).unwrap(), expected);

    let output = postcard::to_stdvec(&25u64).unwrap();
    let response = Response {
        id: 1,
        outcome: Ok(output),
    };
    // id 1; Ok is variant 0; the output: its length 1, then the varint 25.
    assert_eq!(encode(&response).unwrap(), [0, 0, 0, 4, 1, 0, 1, 25]);
}
// ANCHOR_END: frame_bytes

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: no_thread
/// The thread count of the process (the `Threads:` line of `/proc/self/status`),
/// in a copy of this test binary that runs this test alone: see [`runs_alone`].
#[test]
fn the_pool_starts_no_thread_neither_at_start_nor_while_a_job_runs() {
    let test = "the_pool_starts_no_thread_neither_at_start_nor_while_a_job_runs";
    if !runs_alone(test) {
        return; // a copy of this binary ran it alone, and passed
    }
    let file = TempPath::new("no-thread");
    let path = file.path().to_path_buf();
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let before = threads();
    let pool = ProcessPool::start(&io, 2, WORKER).expect("start the workers");
    let started = threads();
    let (during, pids) = run_bounded(&lp, async move {
        let job = run_in_process(&pool, WaitForPath { path });
        until_running(&io, &job).await;
        let during = threads(); // the job runs in a worker; the loop waits
        file.create();
        assert_eq!(job.await, Ok(true));
        (during, pool.pids_started()) // the pool is dropped here
    });
    assert_all_gone(&pids);
    assert_eq!(started, before, "starting the pool started no thread");
    assert_eq!(during, before, "nor did running a job");
}
// ANCHOR_END: no_thread
