//! Tests for the chapter 8 exercises. Run one with `cargo xtask exercise ch08 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. Each
//! test's loop runs on a helper thread bounded by `LIMIT`, and every wait inside
//! it has a shorter bound with its own message, so a wrong answer fails, it never
//! hangs. Every worker process a test starts is gone when it ends.

mod common;

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::{Duration, Instant};

use ch03_ready_queue::{RunError, panic_message};
use ch05_io::IoCore;
use ch08_processes::exercises::ex1_chunked_map::map;
use ch08_processes::exercises::ex2_bounded_queue::BoundedPool;
use ch08_processes::exercises::ex3_max_tasks_per_child::RecyclingWorker;
use ch08_processes::job::{CountPrimes, Job, Panic, Pid, ValueAfter, WaitForPath};
use ch08_processes::pool::{JobError, ProcessPool};
use ch08_processes::{EventLoop, is_gone};
use common::{TempPath, WORKER, assert_all_gone, with_pool};
use test_support::{LIMIT, run_within};

/// How long a test waits on the loop for something a correct answer does at once:
/// shorter than `LIMIT`, so that the test's own message reports a wrong answer.
const PATIENCE: Duration = Duration::from_secs(5);

/// Waits on the loop until `done()`, for at most [`PATIENCE`]; says whether it
/// happened.
async fn until(io: &Rc<IoCore>, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        io.sleep(Duration::from_millis(1)).await;
    }
    true
}

// ---- Exercise 1: map with a chunk size
// -------------------------------------------------------

fn count_primes(n: u64) -> Vec<CountPrimes> {
    (0..n).map(|i| CountPrimes { below: i * 10 }).collect()
}

#[test]
fn ex1_chunking_dispatches_one_job_per_chunk_instead_of_one_per_item() {
    let runs = with_pool(2, |_io, pool| async move {
        let mut runs = Vec::new();
        for (n, chunksize) in [(23, 1), (23, 5), (23, 23), (23, 100), (0, 5)] {
            let before = pool.dispatched();
            let outputs = map(&pool, count_primes(n), chunksize).await;
            runs.push((n, chunksize, pool.dispatched() - before, outputs));
        }
        runs
    });
    for (n, chunksize, jobs, outputs) in runs {
        let expected = count_primes(n).into_iter().map(Job::run).collect();
        assert_eq!(
            outputs,
            Ok(expected),
            "{n} items in chunks of {chunksize}: every output, in the items' order"
        );
        assert_eq!(
            jobs,
            n.div_ceil(chunksize as u64),
            "{n} items in chunks of {chunksize} should take ceil({n} / {chunksize}) \
             jobs, one per chunk"
        );
    }
}

#[test]
fn ex1_each_chunk_runs_whole_in_one_worker() {
    let (pids, started) = with_pool(2, |_io, pool| async move {
        let pids = map(&pool, vec![Pid; 8], 3).await;
        (pids, pool.pids_started())
    });
    let pids = pids.expect("Pid jobs succeed");
    assert_eq!(pids.len(), 8, "one output per item");
    for chunk in pids.chunks(3) {
        assert!(
            chunk.iter().all(|&pid| pid == chunk[0]),
            "the items of one chunk are one job, run by one worker: {pids:?}"
        );
        assert!(started.contains(&chunk[0]), "a worker of the pool ran it");
    }
}

#[test]
fn ex1_outputs_come_in_the_items_order_when_a_later_chunk_finishes_first() {
    let file = TempPath::new("ex1-order");
    let (path, release) = (file.path().to_path_buf(), file.path().to_path_buf());
    let (outputs, later_chunks_ran_first) =
        with_pool(2, move |io, pool| async move {
            // Item 0 waits for the file, so the first chunk holds its worker.
            let items = (0..6).map(|value| ValueAfter {
                value,
                path: (value == 0).then(|| path.clone()),
            });
            // The file appears once the other chunks are done: they finish first.
            let releaser = io.spawn({
                let (io, pool) = (io.clone(), pool.clone());
                async move {
                    let others_done =
                        until(&io, || pool.dispatched() == 3 && pool.busy() == 1)
                            .await;
                    std::fs::write(&release, b"").expect("create the file");
                    others_done
                }
            });
            let outputs = map(&pool, items.collect(), 2).await;
            (outputs, releaser.await.expect("the releasing task ends"))
        });
    drop(file);
    assert!(
        later_chunks_ran_first,
        "the later chunks never ran while the first one waited: submit every chunk \
         before you await any"
    );
    assert_eq!(
        outputs,
        Ok((0..6).map(Some).collect()),
        "the outputs in the items' order, not in the order the chunks finished"
    );
}

#[test]
fn ex1_a_panicking_item_fails_the_map_with_its_message_and_the_pool_goes_on() {
    let (failed, after) = with_pool(1, |_io, pool| async move {
        let bad = Panic {
            message: "item 2 is bad".into(),
        };
        let failed = map(&pool, vec![bad], 1).await;
        let after = map(&pool, count_primes(3), 2).await;
        (failed, after)
    });
    match failed {
        Err(JobError::Panicked { message, .. }) => {
            assert_eq!(message, "item 2 is bad")
        }
        other => {
            panic!("expected the item's panic as JobError::Panicked: {other:?}")
        }
    }
    assert_eq!(after, Ok(vec![0, 4, 8]), "the pool serves the next map");
}

#[test]
fn ex1_a_chunksize_of_0_is_refused() {
    let message = run_within(LIMIT, "a map with chunksize 0", || {
        let lp = EventLoop::new();
        let pool = ProcessPool::start(lp.io(), 1, WORKER).expect("start a worker");
        let pids = pool.pids_started();
        let outcome = lp.run_until_complete(async move {
            map(&pool, count_primes(3), 0).await // the pool is dropped with the task
        });
        drop(lp);
        assert_all_gone(&pids);
        match outcome {
            Err(RunError::Task(error)) => error.panic_message().map(str::to_string),
            Ok(outputs) => panic!("map with chunksize 0 returned {outputs:?}"),
            Err(other) => panic!("the loop failed: {other}"),
        }
    });
    let message = message.unwrap_or_default();
    assert!(
        message.contains("chunksize must be 1+"),
        "map with chunksize 0 should panic with \"chunksize must be 1+\" (CPython's \
         Pool.map returns [None, None, None] for it); it panicked with: {message}"
    );
}

// ---- Exercise 2: a bounded job queue
// ---------------------------------------------------------

/// What the back-pressure test saw, at each step.
#[derive(Debug)]
struct Pressure {
    first_two_went_at_once: bool,
    /// (submits that returned, jobs in the pool) while 2 jobs hold the pool.
    while_full: (usize, usize),
    third_went_on: bool,
    /// (jobs in the pool, jobs dispatched) once the third submit returned.
    after: (usize, u64),
    outcomes: (
        Result<bool, JobError>,
        Result<bool, JobError>,
        Result<u32, JobError>,
    ),
}

#[test]
fn ex2_a_submit_waits_while_limit_jobs_are_in_the_pool_and_goes_on_when_one_ends() {
    let (first, second) = (TempPath::new("ex2-first"), TempPath::new("ex2-second"));
    let paths = [first.path().to_path_buf(), second.path().to_path_buf()];
    let seen = with_pool(1, move |io, pool| async move {
        let bounded = Rc::new(BoundedPool::new(&io, pool.clone(), 2));
        let submitted = Rc::new(Cell::new(0));
        let [first_path, second_path] = paths;
        let submitter = io.spawn({
            let (bounded, submitted) = (bounded.clone(), submitted.clone());
            async move {
                let a = bounded.submit(WaitForPath { path: first_path }).await;
                submitted.set(1);
                let b = bounded.submit(WaitForPath { path: second_path }).await;
                submitted.set(2);
                let c = bounded.submit(Pid).await;
                submitted.set(3);
                (a, b, c)
            }
        });
        let first_two_went_at_once = until(&io, || submitted.get() >= 2).await;
        for _ in 0..3 {
            // Turns of the loop: a submit that does not wait has returned by now.
            io.sleep(Duration::from_millis(1)).await;
        }
        let while_full = (submitted.get(), pool.queued() + pool.busy());
        first.create(); // the running job ends; nobody awaits its handle yet
        let third_went_on = until(&io, || submitted.get() == 3).await;
        let after = (pool.queued() + pool.busy(), pool.dispatched());
        second.create();
        let (a, b, c) = submitter.await.expect("the submitter ends");
        let outcomes = (a.await.unwrap(), b.await.unwrap(), c.await.unwrap());
        Pressure {
            first_two_went_at_once,
            while_full,
            third_went_on,
            after,
            outcomes,
        }
    });
    assert!(
        seen.first_two_went_at_once,
        "with room, a submit goes at once"
    );
    assert_eq!(
        seen.while_full,
        (2, 2),
        "(submits returned, jobs in the pool): with 2 jobs in the pool and a limit \
         of 2, the third submit must wait"
    );
    assert!(
        seen.third_went_on,
        "the third submit never went on after a job ended: a job that ends must \
         give its place back, even if nobody awaits its handle yet"
    );
    assert_eq!(
        seen.after,
        (2, 2),
        "(jobs in the pool, jobs dispatched) once the third submit returned: the \
         first job done, the second running, the third queued"
    );
    let (a, b, c) = seen.outcomes;
    assert_eq!((a, b), (Ok(true), Ok(true)), "both files appeared");
    assert_ne!(c.expect("the Pid job succeeds"), std::process::id());
}

#[test]
fn ex2_the_pool_never_holds_more_than_limit_jobs_and_no_job_is_lost() {
    let (outputs, most, dispatched) = with_pool(2, |io, pool| async move {
        let bounded = Rc::new(BoundedPool::new(&io, pool.clone(), 3));
        // Only a submit adds a job to the pool: the most it holds is seen after one.
        let most = Rc::new(Cell::new(0));
        let producers: Vec<_> = (0..3)
            .map(|p| {
                let (bounded, pool, most) =
                    (bounded.clone(), pool.clone(), most.clone());
                io.spawn(async move {
                    let mut handles = Vec::new();
                    for i in 0..10 {
                        let job = CountPrimes {
                            below: 100 * p + 10 * i,
                        };
                        handles.push(bounded.submit(job).await);
                        most.set(most.get().max(pool.queued() + pool.busy()));
                    }
                    let mut outputs = Vec::new();
                    for handle in handles {
                        outputs.push(handle.await.expect("the job's task ends"));
                    }
                    outputs
                })
            })
            .collect();
        let mut outputs = Vec::new();
        for producer in producers {
            outputs.push(producer.await.expect("the producer ends"));
        }
        (outputs, most.get(), pool.dispatched())
    });
    for (p, outputs) in (0..3).zip(outputs) {
        let expected: Vec<_> = (0..10)
            .map(|i| {
                Ok(CountPrimes {
                    below: 100 * p + 10 * i,
                }
                .run())
            })
            .collect();
        assert_eq!(outputs, expected, "producer {p}'s outputs, each its own");
    }
    assert_eq!(dispatched, 30, "every job reached a worker");
    assert_eq!(
        most, 3,
        "the most jobs the pool held at once; the limit is 3, and 3 producers \
         reach it"
    );
}

// ---- Exercise 3: maxtasksperchild
// ------------------------------------------------------------

/// Runs `body` on a fresh loop with a `RecyclingWorker` of `max_tasks`, on a helper
/// thread bounded by `LIMIT`; then drops it and asserts that every worker process
/// it started is gone.
fn with_recycling_worker<T, F, Fut>(max_tasks: usize, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce(RecyclingWorker) -> Fut + Send + 'static,
    Fut: Future<Output = (T, RecyclingWorker)> + 'static,
{
    run_within(LIMIT, "the test's loop and recycling worker", move || {
        let lp = EventLoop::new();
        let worker = RecyclingWorker::start(lp.io(), WORKER, max_tasks)
            .expect("start the first worker");
        let (output, worker) = lp
            .run_until_complete(body(worker))
            .expect("the test's task ends");
        assert_all_gone(&dropped(worker));
        output
    })
}

/// Drops `worker`, which kills and reaps its process, and returns the pid of every
/// worker process it started.
fn dropped(worker: RecyclingWorker) -> Vec<u32> {
    worker.pids_started()
}

/// The pattern of `pids`: the first pid seen is "a", the next new one "b", ...
fn pattern(pids: &[u32]) -> Vec<char> {
    let mut seen: Vec<u32> = Vec::new();
    let mut letters = Vec::new();
    for &pid in pids {
        let index = seen.iter().position(|&p| p == pid).unwrap_or_else(|| {
            seen.push(pid);
            seen.len() - 1
        });
        letters.push(char::from(b'a' + index as u8));
    }
    letters
}

/// What a recycling worker's history looked like, before it was dropped.
#[derive(Debug)]
struct History<T> {
    outputs: Vec<Result<T, JobError>>,
    started: Vec<u32>,
    gone: Vec<bool>,
    exit_codes: Vec<Option<i32>>,
}

impl<T> History<T> {
    fn of(outputs: Vec<Result<T, JobError>>, worker: &RecyclingWorker) -> Self {
        let started = worker.pids_started();
        let gone = started.iter().map(|&pid| is_gone(pid)).collect();
        let exits = worker.exits().iter().map(|status| status.code()).collect();
        Self {
            outputs,
            started,
            gone,
            exit_codes: exits,
        }
    }
}

#[test]
fn ex3_with_max_tasks_2_five_jobs_run_on_workers_a_a_b_b_c() {
    let seen = with_recycling_worker(2, |mut worker| async move {
        let mut outputs = Vec::new();
        for _ in 0..5 {
            outputs.push(worker.run(Pid).await);
        }
        (History::of(outputs, &worker), worker)
    });
    let pids: Vec<u32> = seen.outputs.into_iter().map(|o| o.unwrap()).collect();
    assert_eq!(
        pattern(&pids),
        ['a', 'a', 'b', 'b', 'c'],
        "each worker process runs 2 jobs, then a fresh one takes over: {pids:?}"
    );
    assert!(!pids.contains(&std::process::id()), "not in this process");
    assert_eq!(
        seen.started,
        [pids[0], pids[2], pids[4]],
        "the workers started are the ones that ran the jobs, in order"
    );
    assert_eq!(
        seen.gone,
        [true, true, false],
        "the 2 retired workers are gone (exited and reaped); the third runs on"
    );
    assert_eq!(
        seen.exit_codes,
        [Some(0), Some(0)],
        "a retired worker exits on its own once its stdin closes (status 0), as \
         CPython's worker() returns after its last task; it is not killed"
    );
}

#[test]
fn ex3_a_job_that_panics_still_counts_toward_max_tasks() {
    let (seen, failed) = with_recycling_worker(2, |mut worker| async move {
        let bad = Panic {
            message: "this job is bad".into(),
        };
        let failed = worker.run(bad).await;
        let mut outputs = Vec::new();
        for _ in 0..3 {
            outputs.push(worker.run(Pid).await);
        }
        ((History::of(outputs, &worker), failed), worker)
    });
    let first = *seen
        .started
        .first()
        .expect("pids_started() lists the first worker");
    match failed {
        Err(JobError::Panicked { worker, message }) => {
            assert_eq!(message, "this job is bad");
            assert_eq!(worker.pid, first, "the first worker ran it");
        }
        other => panic!("expected the job's panic as JobError::Panicked: {other:?}"),
    }
    let pids: Vec<u32> = seen.outputs.into_iter().map(|o| o.unwrap()).collect();
    assert_eq!(
        pattern(&[first, pids[0], pids[1], pids[2]]),
        ['a', 'a', 'b', 'b'],
        "the panicking job was the first of the first worker's 2 (CPython's \
         worker() counts a task that raised): {pids:?}"
    );
    assert_eq!(seen.gone, [true, true], "both retired, both gone");
    assert_eq!(
        seen.exit_codes,
        [Some(0), Some(0)],
        "both exited on their own"
    );
}

#[test]
fn ex3_max_tasks_of_0_is_refused_with_pythons_message() {
    let lp = EventLoop::new();
    let started = catch_unwind(AssertUnwindSafe(|| {
        // A wrong answer that starts a worker anyway: dropped, killed, reaped.
        RecyclingWorker::start(lp.io(), WORKER, 0)
            .map(|worker| worker.pids_started())
    }));
    let message = match started {
        Err(payload) => panic_message(payload.as_ref()),
        Ok(pids) => {
            panic!("start with max_tasks 0 should panic; it returned {pids:?}")
        }
    };
    assert!(
        message.contains("maxtasksperchild must be a positive int or None"),
        "start with max_tasks 0 should panic with CPython's message, \
         \"maxtasksperchild must be a positive int or None\"; it panicked with: \
         {message}"
    );
}
