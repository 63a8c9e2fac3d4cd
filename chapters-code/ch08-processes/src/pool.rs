//! A process pool on the loop: `ProcessPoolExecutor`, without its thread.
//!
//! CPython's `ProcessPoolExecutor` (`Lib/concurrent/futures/process.py`) keeps a
//! dict of pending work items and a *call queue* that the worker processes read.
//! A thread, `_ExecutorManagerThread`, moves work into the call queue, waits for
//! results, and sets each future's result; asyncio's `wrap_future` then hands the
//! result to the loop with `call_soon_threadsafe` (`_chain_future` in
//! `Lib/asyncio/futures.py`).
//!
//! Ours has no thread. Each worker's stdin and stdout are pipes registered with
//! the loop's selector, and one task per worker does what the manager thread does
//! for all of them: take the next job, write its frame, wait for the answer as I/O
//! readiness, resolve the job's future. A worker has at most one job, so a job not
//! yet taken is still in the pool's queue, where it can be cancelled.
//!
//! - [`error`]: [`JobError`] and [`WorkerId`];
//! - [`job_future`]: [`JobFuture`], the result to come;
//! - [`process`]: one worker process, its pipes, and how it is retired;
//! - `idle`: the worker tasks waiting for a job, one woken per job.

pub mod error;
mod idle;
pub mod job_future;
pub mod process;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::rc::Rc;
use std::task::{Poll, Waker};

use ch03_ready_queue::JoinHandle;
use ch05_io::IoCore;
use rustix::process::{Pid, Signal, kill_process};

pub use self::error::{JobError, WorkerId};
use self::idle::{IdleTasks, Ticket};
pub use self::job_future::JobFuture;
use self::job_future::{SharedSlot, failed_slot, queued_slot};
use self::process::WorkerProcess;
use crate::frame::encode;
use crate::job::Job;
use crate::worker::Request;

/// What happened to the pool's worker processes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerEvent {
    /// A worker process started (at `start`, or to replace one).
    Started(WorkerId),
    /// A worker process exited and was reaped.
    Exited {
        /// Which.
        worker: WorkerId,
        /// How it ended.
        status: ExitStatus,
    },
}

/// A job in the queue: its request frame, ready to write, and its future's slot.
struct Queued {
    id: u64,
    frame: Vec<u8>,
    slot: SharedSlot,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Queued>,
    /// Worker tasks waiting for a job.
    idle: IdleTasks,
    /// `shutdown` waiting for the worker tasks to end.
    exit_waiters: Vec<Waker>,
    tasks: Vec<JoinHandle<()>>,
    running_tasks: usize,
    next_id: u64,
    workers_started: usize,
    shutdown: bool,
    broken: Option<String>,
    busy: usize,
    peak_busy: usize,
    dispatched: u64,
    events: Vec<WorkerEvent>,
}

impl State {
    /// Why a new job is refused, if it is: CPython's `submit` raises.
    fn refusal(&self) -> Option<JobError> {
        match &self.broken {
            _ if self.shutdown => Some(JobError::Shutdown),
            Some(why) => Some(JobError::Broken(why.clone())),
            None => None,
        }
    }

    /// Queues `job` and wakes one idle worker task to take it.
    fn enqueue(&mut self, job: Queued) {
        self.queue.push_back(job);
        self.idle.wake_one();
    }

    // ANCHOR: take_job
    /// The next job that was not cancelled, now taken by `worker`.
    fn take_job(&mut self, worker: WorkerId) -> Option<Queued> {
        while let Some(job) = self.queue.pop_front() {
            if job.slot.borrow_mut().start(worker) {
                self.busy += 1;
                self.peak_busy = self.peak_busy.max(self.busy);
                self.dispatched += 1;
                return Some(job);
            } // cancelled while queued: skipped, as CPython skips it
        }
        None
    }
    // ANCHOR_END: take_job

    /// The workers started and not yet reaped, from the record of events.
    fn alive(&self) -> Vec<WorkerId> {
        let mut alive = Vec::new();
        for event in &self.events {
            match event {
                WorkerEvent::Started(worker) => alive.push(*worker),
                WorkerEvent::Exited { worker, .. } => alive.retain(|w| w != worker),
            }
        }
        alive
    }
}

/// What the pool and its worker tasks share.
struct Shared {
    io: Rc<IoCore>,
    program: PathBuf,
    state: RefCell<State>,
}

// ANCHOR: process_pool
/// A pool of worker processes driven by the loop: `ProcessPoolExecutor`. Every
/// worker is a child running `program` (the crate's `ch08-worker`), started at
/// once; a worker that dies or misbehaves is reaped and replaced. Dropping the
/// pool kills and reaps every worker.
pub struct ProcessPool {
    shared: Rc<Shared>,
}
// ANCHOR_END: process_pool

impl ProcessPool {
    /// Starts `workers` worker processes running `program`, and one task per worker
    /// on the loop whose core is `io`.
    ///
    /// # Panics
    /// If `workers` is 0 (CPython: `ValueError: max_workers must be greater than
    /// 0`).
    pub fn start(
        io: &Rc<IoCore>,
        workers: usize,
        program: impl AsRef<Path>,
    ) -> io::Result<Self> {
        assert!(workers > 0, "max_workers must be greater than 0");
        let pool = ProcessPool {
            shared: Rc::new(Shared {
                io: io.clone(),
                program: program.as_ref().to_path_buf(),
                state: RefCell::new(State::default()),
            }),
        };
        for _ in 0..workers {
            // On an error, dropping `pool` kills the workers started so far.
            let worker = pool.shared.start_worker()?;
            let task = io.spawn(serve_jobs(pool.shared.clone(), worker));
            let mut state = pool.shared.state.borrow_mut();
            state.tasks.push(task);
            state.running_tasks += 1;
        }
        Ok(pool)
    }

    // ANCHOR: submit
    /// Queues `job` and returns its future output: `executor.submit(fn, *args)`.
    /// The input is serialized now; if that fails, or the pool is shut down, the
    /// future is already done with the error and nothing is queued.
    pub fn submit<J: Job>(&self, job: J) -> JobFuture<J::Output> {
        let mut state = self.shared.state.borrow_mut();
        let id = state.next_id;
        state.next_id += 1;
        let frame = match state.refusal() {
            Some(error) => Err(error),
            None => Request::for_job(id, &job)
                .and_then(|request| encode(&request))
                .map_err(|error| JobError::serialize(J::NAME, error)),
        };
        let slot = match frame {
            Err(error) => failed_slot(error),
            Ok(frame) => {
                let slot = queued_slot();
                let queued = Queued {
                    id,
                    frame,
                    slot: slot.clone(),
                };
                state.enqueue(queued); // one idle worker task is woken for it
                slot
            }
        };
        JobFuture::new(id, slot)
    }
    // ANCHOR_END: submit

    // ANCHOR: shutdown
    /// Refuses new jobs, and returns a future that is ready once every worker has
    /// exited: `shutdown(wait=True, cancel_futures=...)`. Running jobs finish.
    /// Queued jobs run too, unless `cancel_futures`, which cancels them now. Each
    /// worker's stdin is then closed, so that it exits, and its exit is awaited
    /// through its pidfd.
    pub fn shutdown(
        &self,
        cancel_futures: bool,
    ) -> impl Future<Output = ()> + use<> {
        let mut state = self.shared.state.borrow_mut();
        state.shutdown = true;
        if cancel_futures {
            for job in state.queue.drain(..) {
                job.slot.borrow_mut().cancel();
            }
        }
        state.idle.wake_all(); // idle workers see the shutdown and exit
        drop(state);
        let shared = self.shared.clone();
        poll_fn(move |cx| {
            let mut state = shared.state.borrow_mut();
            if state.running_tasks == 0 {
                return Poll::Ready(());
            }
            state.exit_waiters.push(cx.waker().clone());
            Poll::Pending
        })
    }
    // ANCHOR_END: shutdown

    /// How many workers run a job now.
    pub fn busy(&self) -> usize {
        self.shared.state.borrow().busy
    }

    /// The most workers that ever ran a job at the same time.
    pub fn peak_busy(&self) -> usize {
        self.shared.state.borrow().peak_busy
    }

    /// How many jobs were handed to a worker so far.
    pub fn dispatched(&self) -> u64 {
        self.shared.state.borrow().dispatched
    }

    /// How many jobs wait in the queue (cancelled ones included until a worker
    /// skips them).
    pub fn queued(&self) -> usize {
        self.shared.state.borrow().queue.len()
    }

    /// Every worker start and exit so far, in order.
    pub fn worker_events(&self) -> Vec<WorkerEvent> {
        self.shared.state.borrow().events.clone()
    }

    /// The pid of every worker process this pool ever started.
    pub fn pids_started(&self) -> Vec<u32> {
        let state = self.shared.state.borrow();
        let started = state.events.iter().filter_map(|event| match event {
            WorkerEvent::Started(worker) => Some(worker.pid),
            WorkerEvent::Exited { .. } => None,
        });
        started.collect()
    }

    /// The workers alive now: started and not yet reaped.
    pub fn workers(&self) -> Vec<WorkerId> {
        self.shared.state.borrow().alive()
    }
}

// ANCHOR: run_in_process
/// Runs `job` in one of `pool`'s worker processes: `loop.run_in_executor(pool,
/// fn)`. The job is queued now; await the future for its output.
pub fn run_in_process<J: Job>(pool: &ProcessPool, job: J) -> JobFuture<J::Output> {
    pool.submit(job)
}
// ANCHOR_END: run_in_process

// ANCHOR: drop
impl Drop for ProcessPool {
    /// Kills and reaps every worker, now. Every worker gets its `SIGKILL` first,
    /// so the kernel tears them all down at once. Then each worker task is
    /// cancelled, which drops its `WorkerProcess`, whose `Drop` reaps it (a
    /// blocking wait, as long as the kernel takes to finish that worker). Queued
    /// jobs are cancelled; a job that was running fails with
    /// [`JobError::Abandoned`].
    fn drop(&mut self) {
        let (tasks, alive) = {
            let mut state = self.shared.state.borrow_mut();
            state.shutdown = true;
            for job in state.queue.drain(..) {
                job.slot.borrow_mut().cancel();
            }
            (std::mem::take(&mut state.tasks), state.alive())
        };
        for worker in alive {
            sigkill(worker);
        }
        for task in tasks {
            task.cancel(); // a task that has ended already returns false
        }
    }
}
// ANCHOR_END: drop

/// Sends `SIGKILL` to a worker that is alive by the pool's record: our child, not
/// yet reaped. A zombie keeps its pid, so the pid is still this worker's. (A task
/// reaps a worker and records its exit in one poll, and no task runs while the
/// pool is dropped.)
fn sigkill(worker: WorkerId) {
    if let Some(pid) = i32::try_from(worker.pid).ok().and_then(Pid::from_raw) {
        let _ = kill_process(pid, Signal::KILL);
    }
}

impl fmt::Debug for ProcessPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.state.borrow();
        f.debug_struct("ProcessPool")
            .field("program", &self.shared.program)
            .field("workers", &state.running_tasks)
            .field("queued", &state.queue.len())
            .field("idle", &state.idle.len())
            .field("busy", &state.busy)
            .finish()
    }
}

impl Shared {
    /// Starts a worker process with the next number.
    fn start_worker(&self) -> io::Result<WorkerProcess> {
        let number = self.state.borrow().workers_started + 1;
        let worker = WorkerProcess::start(&self.io, &self.program, number)?;
        let mut state = self.state.borrow_mut();
        state.workers_started = number;
        state.events.push(WorkerEvent::Started(worker.id()));
        Ok(worker)
    }

    fn record_exit(&self, worker: WorkerId, status: ExitStatus) {
        let exited = WorkerEvent::Exited { worker, status };
        self.state.borrow_mut().events.push(exited);
    }
}

fn wake_all(wakers: &mut Vec<Waker>) {
    for waker in wakers.drain(..) {
        waker.wake();
    }
}

// ANCHOR: serve_jobs
/// One worker's task: the manager thread's loop, for one worker, on the loop.
async fn serve_jobs(shared: Rc<Shared>, mut worker: WorkerProcess) {
    while let Some(job) = next_job(&shared, worker.id()).await {
        let in_flight = InFlight::new(&shared, job, worker.id());
        let outcome = match worker.call(in_flight.id(), in_flight.frame()).await {
            Ok(outcome) => {
                outcome.map_err(|e| JobError::from_worker(e, worker.id()))
            }
            Err(failure) => {
                let (error, status) = worker.retire(failure).await; // reaped
                shared.record_exit(worker.id(), status);
                match shared.start_worker() {
                    Ok(replacement) => worker = replacement,
                    Err(e) => return no_replacement(&shared, in_flight, error, e),
                }
                Err(error)
            }
        };
        in_flight.finish(outcome);
    }
    let status = worker.close().await; // stdin closed: it exits
    shared.record_exit(worker.id(), status);
    task_ended(&shared);
}
// ANCHOR_END: serve_jobs

// ANCHOR: next_job
/// The next job that was not cancelled, taken by `worker`; `None` once the pool
/// is shut down and the queue is empty. While the queue is empty, the task waits
/// in the idle line, where each new job wakes one task.
async fn next_job(shared: &Shared, worker: WorkerId) -> Option<Queued> {
    let mut place = IdlePlace {
        shared,
        ticket: None,
    };
    poll_fn(|cx| {
        let mut state = shared.state.borrow_mut();
        let job = state.take_job(worker);
        if job.is_some() || state.shutdown {
            if let Some(ticket) = place.ticket.take() {
                state.idle.leave(ticket); // polled while still in line
            }
            return Poll::Ready(job);
        }
        // Checked and parked in one borrow: no job can arrive in between.
        state.idle.wait(&mut place.ticket, cx.waker());
        Poll::Pending
    })
    .await
}

/// A task's place in the idle line, left when the task stops waiting. A task
/// woken for a job, then dropped before it looked at the queue, passes its
/// wake-up on: else that job could wait while other tasks sleep.
struct IdlePlace<'a> {
    shared: &'a Shared,
    ticket: Option<Ticket>,
}

impl Drop for IdlePlace<'_> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket else { return };
        let mut state = self.shared.state.borrow_mut();
        let woken = !state.idle.leave(ticket);
        if woken && !state.queue.is_empty() {
            state.idle.wake_one();
        }
    }
}
// ANCHOR_END: next_job

/// A worker task ends: `shutdown` may be waiting for the last one.
fn task_ended(shared: &Shared) {
    let mut state = shared.state.borrow_mut();
    state.running_tasks -= 1;
    wake_all(&mut state.exit_waiters);
}

/// A worker could not be replaced: its job fails, and if it was the last worker
/// every queued job fails too, and every later one (CPython's
/// `BrokenProcessPool`).
fn no_replacement(shared: &Shared, job: InFlight, error: JobError, why: io::Error) {
    job.finish(Err(error));
    task_ended(shared);
    let mut state = shared.state.borrow_mut();
    if state.running_tasks == 0 {
        let why = format!("a worker could not be replaced: {why}");
        for job in state.queue.drain(..) {
            let mut slot = job.slot.borrow_mut();
            if slot.is_queued() {
                slot.finish(Err(JobError::Broken(why.clone())));
            }
        }
        state.broken = Some(why);
        wake_all(&mut state.exit_waiters);
    }
}

/// A job a worker has taken. Its future is resolved exactly once: by `finish`, or,
/// if the worker's task is dropped first (the pool was dropped), with
/// [`JobError::Abandoned`].
struct InFlight {
    shared: Rc<Shared>,
    job: Option<Queued>,
    worker: WorkerId,
}

impl InFlight {
    fn new(shared: &Rc<Shared>, job: Queued, worker: WorkerId) -> Self {
        let shared = shared.clone();
        let job = Some(job);
        Self {
            shared,
            job,
            worker,
        }
    }

    fn id(&self) -> u64 {
        self.job.as_ref().expect("in flight").id
    }

    fn frame(&self) -> &[u8] {
        &self.job.as_ref().expect("in flight").frame
    }

    fn finish(mut self, outcome: Result<Vec<u8>, JobError>) {
        self.resolve(outcome);
    }

    fn resolve(&mut self, outcome: Result<Vec<u8>, JobError>) {
        if let Some(job) = self.job.take() {
            self.shared.state.borrow_mut().busy -= 1;
            job.slot.borrow_mut().finish(outcome);
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let worker = self.worker;
        self.resolve(Err(JobError::Abandoned { worker }));
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Wake};

    use ch07_executors::EventLoop;

    use super::*;

    /// A waker that counts how often it was woken.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    type Waiting<'a> = Pin<Box<dyn Future<Output = Option<Queued>> + 'a>>;

    /// Three worker tasks' `next_job`, polled by hand, each with its own waker.
    struct Tasks<'a> {
        futures: Vec<Option<Waiting<'a>>>,
        counts: Vec<Arc<Count>>,
    }

    impl<'a> Tasks<'a> {
        fn new(shared: &'a Shared) -> Self {
            let futures = (1..=3)
                .map(|number| {
                    let worker = WorkerId { number, pid: 0 };
                    Some(Box::pin(next_job(shared, worker)) as Waiting<'a>)
                })
                .collect();
            let counts = (0..3).map(|_| Arc::default()).collect();
            Self { futures, counts }
        }

        /// Polls task `task` once: the id of the job it took, if it is done.
        fn poll(&mut self, task: usize) -> Poll<Option<u64>> {
            let waker = Waker::from(self.counts[task].clone());
            let future = self.futures[task].as_mut().expect("not dropped");
            let polled = future.as_mut().poll(&mut Context::from_waker(&waker));
            polled.map(|job| job.map(|job| job.id))
        }

        fn wakes(&self) -> Vec<usize> {
            let counts = self.counts.iter();
            counts.map(|count| count.0.load(Ordering::SeqCst)).collect()
        }
    }

    fn shared(lp: &EventLoop) -> Shared {
        let io = lp.io().clone();
        let state = RefCell::new(State::default());
        let program = PathBuf::from("never started");
        Shared { io, program, state }
    }

    fn job(id: u64) -> Queued {
        let (frame, slot) = (Vec::new(), queued_slot());
        Queued { id, frame, slot }
    }

    #[test]
    fn each_queued_job_wakes_one_idle_task_and_shutdown_wakes_them_all() {
        let lp = EventLoop::new();
        let shared = shared(&lp);
        let mut tasks = Tasks::new(&shared);
        for task in 0..3 {
            assert!(tasks.poll(task).is_pending(), "the queue is empty");
        }
        shared.state.borrow_mut().enqueue(job(0));
        assert_eq!(tasks.wakes(), [1, 0, 0], "one job, one task: the first");
        shared.state.borrow_mut().enqueue(job(1));
        assert_eq!(tasks.wakes(), [1, 1, 0]);
        // The second task runs first and takes the first job; the first task
        // then finds the second job. Nobody is left waiting with a job queued.
        assert_eq!(tasks.poll(1), Poll::Ready(Some(0)));
        assert_eq!(tasks.poll(0), Poll::Ready(Some(1)));
        assert_eq!(shared.state.borrow().idle.len(), 1, "the third still waits");
        let mut state = shared.state.borrow_mut();
        state.shutdown = true;
        state.idle.wake_all();
        drop(state);
        assert_eq!(tasks.wakes(), [1, 1, 1]);
        assert_eq!(tasks.poll(2), Poll::Ready(None), "it sees the shutdown");
    }

    #[test]
    fn a_task_woken_for_a_job_then_dropped_passes_the_wake_up_on() {
        let lp = EventLoop::new();
        let shared = shared(&lp);
        let mut tasks = Tasks::new(&shared);
        for task in 0..3 {
            assert!(tasks.poll(task).is_pending());
        }
        shared.state.borrow_mut().enqueue(job(0));
        assert_eq!(tasks.wakes(), [1, 0, 0]);
        tasks.futures[0] = None; // dropped before it looked at the queue
        assert_eq!(tasks.wakes(), [1, 1, 0], "the next in line is woken");
        tasks.futures[2] = None; // dropped while waiting: it just leaves the line
        assert_eq!(tasks.wakes(), [1, 1, 0]);
        assert_eq!(shared.state.borrow().idle.len(), 0);
        assert_eq!(tasks.poll(1), Poll::Ready(Some(0)));
    }

    #[test]
    fn a_woken_task_that_finds_the_queue_empty_waits_again_and_is_woken_again() {
        let lp = EventLoop::new();
        let shared = shared(&lp);
        let mut tasks = Tasks::new(&shared);
        assert!(tasks.poll(0).is_pending());
        shared.state.borrow_mut().enqueue(job(0));
        // Another task (a worker back from its last job) takes it first.
        assert_eq!(tasks.poll(1), Poll::Ready(Some(0)));
        assert!(
            tasks.poll(0).is_pending(),
            "woken for nothing: back in line"
        );
        shared.state.borrow_mut().enqueue(job(1));
        assert_eq!(tasks.wakes()[0], 2, "the next job wakes it");
        assert_eq!(tasks.poll(0), Poll::Ready(Some(1)));
    }
}
