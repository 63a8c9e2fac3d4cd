//! A thread pool: `concurrent.futures.ThreadPoolExecutor`, by hand.
//!
//! CPython's `Lib/concurrent/futures/thread.py` keeps a work queue and up to
//! `max_workers` threads, started lazily by `_adjust_thread_count` when no idle
//! thread is there to take a new job. `submit(fn)` returns a
//! `concurrent.futures.Future`; a worker runs the job, stores its result or its
//! exception in that future and runs the future's done-callbacks *on the worker
//! thread*. `shutdown(wait=True)` lets the queued jobs finish and joins the threads;
//! `submit` after it raises `RuntimeError('cannot schedule new futures after
//! shutdown')`.

use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use ch03_ready_queue::panic_message;

type Job = Box<dyn FnOnce() + Send>;
type DoneCallback = Box<dyn FnOnce() + Send>;

/// Why a job gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked; the panic's message. The worker thread survives.
    Panicked(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(message) => write!(f, "the job panicked: {message}"),
        }
    }
}

impl std::error::Error for JobError {}

/// Why `submit` refused a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// The pool was shut down.
    Shutdown,
}

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // CPython's words, from ThreadPoolExecutor.submit.
        f.write_str("cannot schedule new futures after shutdown")
    }
}

impl std::error::Error for SubmitError {}

struct JobState<T> {
    result: Option<Result<T, JobError>>,
    done: bool,
    callbacks: Vec<DoneCallback>,
}

struct Completion<T> {
    state: Mutex<JobState<T>>,
    finished: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Jobs run outside every lock, so a poisoned lock can only come from our own
    // bug.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sleeps on `condvar`, letting go of the lock meanwhile (poisoning as in [`lock`]).
fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A job's result, to come: `concurrent.futures.Future`. `Send + Sync`: any thread
/// may wait for it, look at it, or add a done-callback.
pub struct JobHandle<T> {
    completion: Arc<Completion<T>>,
}

impl<T: Send + 'static> JobHandle<T> {
    /// Whether the job has finished (returned or panicked): `future.done()`.
    pub fn is_done(&self) -> bool {
        lock(&self.completion.state).done
    }

    /// Calls `callback` once the job is done, on the thread that finishes it (a
    /// worker), or at once on this thread if it is done already:
    /// `add_done_callback`, as in `concurrent.futures`. It gets no result: it is
    /// told *that* the job is done.
    pub fn add_done_callback(&self, callback: impl FnOnce() + Send + 'static) {
        let mut state = lock(&self.completion.state);
        if state.done {
            drop(state);
            callback();
        } else {
            state.callbacks.push(Box::new(callback));
        }
    }

    /// Takes the result if the job is done (once: later calls give `None`).
    pub fn try_take(&self) -> Option<Result<T, JobError>> {
        lock(&self.completion.state).result.take()
    }

    /// Blocks this thread until the job is done, for at most `timeout`, and takes
    /// the result: `future.result(timeout)`. `None` if the time ran out (or the
    /// result was taken).
    pub fn wait_timeout(&self, timeout: Duration) -> Option<Result<T, JobError>> {
        let state = lock(&self.completion.state);
        let (mut state, _) = self
            .completion
            .finished
            .wait_timeout_while(state, timeout, |s| !s.done)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.result.take()
    }
}

impl<T> Clone for JobHandle<T> {
    fn clone(&self) -> Self {
        Self {
            completion: self.completion.clone(),
        }
    }
}

impl<T> fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobHandle")
            .field("done", &lock(&self.completion.state).done)
            .finish()
    }
}

impl<T> Completion<T> {
    /// A job's result, not there yet.
    fn new() -> Arc<Self> {
        Arc::new(Completion {
            state: Mutex::new(JobState {
                result: None,
                done: false,
                callbacks: Vec::new(),
            }),
            finished: Condvar::new(),
        })
    }

    /// Stores the result, wakes blocked waiters, then runs the done-callbacks here,
    /// on the worker thread (`Future.set_result` → `_invoke_callbacks`).
    fn finish(&self, result: Result<T, JobError>) {
        let callbacks = {
            let mut state = lock(&self.state);
            state.result = Some(result);
            state.done = true;
            std::mem::take(&mut state.callbacks)
        };
        self.finished.notify_all();
        for callback in callbacks {
            // A failing callback must not take the worker down (CPython logs and
            // goes on).
            let _ = catch_unwind(AssertUnwindSafe(callback));
        }
    }
}

struct PoolState {
    queue: VecDeque<Job>,
    idle: usize,
    threads: Vec<JoinHandle<()>>,
    shutdown: bool,
}

struct PoolShared {
    prefix: String,
    max_workers: usize,
    state: Mutex<PoolState>,
    work: Condvar,
}

/// A pool of at most `max_workers` threads running submitted jobs in submission
/// order: `ThreadPoolExecutor`. Threads start lazily, one per submit that finds no
/// idle thread. Dropping the pool shuts it down and waits
/// (`with ThreadPoolExecutor() as pool:`).
pub struct ThreadPool {
    shared: Arc<PoolShared>,
}

impl ThreadPool {
    /// A pool of at most `max_workers` threads, named `pool_0`, `pool_1`, ...
    ///
    /// # Panics
    /// If `max_workers` is 0 (CPython: `ValueError: max_workers must be greater than
    /// 0`).
    pub fn new(max_workers: usize) -> Self {
        Self::with_prefix("pool", max_workers)
    }

    /// A pool whose threads are named `<prefix>_0`, `<prefix>_1`, ... (CPython:
    /// `thread_name_prefix`; asyncio's default executor uses `asyncio`).
    pub fn with_prefix(prefix: &str, max_workers: usize) -> Self {
        assert!(max_workers > 0, "max_workers must be greater than 0");
        Self {
            shared: Arc::new(PoolShared {
                prefix: prefix.to_string(),
                max_workers,
                state: Mutex::new(PoolState {
                    queue: VecDeque::new(),
                    idle: 0,
                    threads: Vec::new(),
                    shutdown: false,
                }),
                work: Condvar::new(),
            }),
        }
    }

    /// `ThreadPoolExecutor`'s default size, `min(32, cpus + 4)`, counting the CPUs
    /// this process may run on (`available_parallelism`, like CPython 3.13's
    /// `os.process_cpu_count()`; 3.8 to 3.12 count every CPU with `os.cpu_count()`).
    pub fn default_size() -> usize {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        (cpus + 4).min(32)
    }

    /// Refuses new jobs, lets every queued job finish, and joins the threads:
    /// `shutdown(wait=True)`. Calling it again does nothing.
    pub fn shutdown(&self) {
        let threads = {
            let mut state = lock(&self.shared.state);
            state.shutdown = true;
            std::mem::take(&mut state.threads)
        };
        self.shared.work.notify_all();
        for thread in threads {
            let _ = thread.join(); // jobs' panics are caught: workers end normally
        }
    }

    /// Starts one more worker thread, named `<prefix>_<n>`.
    fn start_worker(&self, state: &mut PoolState) {
        let name = format!("{}_{}", self.shared.prefix, state.threads.len());
        let shared = self.shared.clone();
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || worker(&shared))
            .expect("spawn a pool thread");
        state.threads.push(thread);
    }

    /// How many threads have been started so far.
    pub fn threads_started(&self) -> usize {
        lock(&self.shared.state).threads.len()
    }

    /// How many submitted jobs wait for a free worker: CPython's
    /// `_work_queue.qsize()`.
    pub fn queued(&self) -> usize {
        lock(&self.shared.state).queue.len()
    }

    /// The most threads this pool will start.
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers
    }
}

// ANCHOR: submit
impl ThreadPool {
    /// Queues `job` and returns its future result. A panic in `job` becomes its
    /// [`JobError::Panicked`]; the worker goes on with the next job.
    pub fn submit<F, T>(&self, job: F) -> Result<JobHandle<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let completion = Completion::new();
        let done = completion.clone();
        let run: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(job)).map_err(|payload| {
                JobError::Panicked(panic_message(payload.as_ref()))
            });
            done.finish(result); // then runs the done-callbacks, here
        });
        let mut state = lock(&self.shared.state);
        if state.shutdown {
            return Err(SubmitError::Shutdown);
        }
        state.queue.push_back(run);
        // _adjust_thread_count: a new thread only if no idle one will take this job.
        if state.queue.len() > state.idle
            && state.threads.len() < self.shared.max_workers
        {
            self.start_worker(&mut state); // named `<prefix>_<n>`, runs `worker`
        }
        drop(state);
        self.shared.work.notify_one();
        Ok(JobHandle { completion })
    }
}

/// A worker: take the next job, or wait for one; leave when the pool is shut down
/// and the queue is empty (CPython's `_worker`).
fn worker(shared: &PoolShared) {
    loop {
        let job = {
            let mut state = lock(&shared.state);
            loop {
                if let Some(job) = state.queue.pop_front() {
                    break job;
                }
                if state.shutdown {
                    return;
                }
                state.idle += 1;
                state = wait(&shared.work, state); // until a submit or shutdown
                state.idle -= 1;
            }
        };
        job(); // outside the lock; it catches its own panic
    }
}
// ANCHOR_END: submit

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("max_workers", &self.shared.max_workers)
            .field("threads_started", &self.threads_started())
            .finish()
    }
}
