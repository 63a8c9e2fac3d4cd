//! [`ThreadedCore`]: chapter 5's `IoCore` plus an inbox that other threads may write
//! to, a default thread pool, and the futures that bring a pool's results back to
//! the loop.

use std::cell::{Cell, OnceCell};
use std::fmt;
use std::future::Future;
use std::io;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ch03_ready_queue::Recorder;
use ch04_timers::Clock;
use ch05_io::IoCore;

use crate::pool::{JobError, JobHandle, SubmitError, ThreadPool};
use crate::threadsafe::{Item, LoopHandle, Shared};
use crate::trace::Event;

/// A loop's state that other threads can reach: chapter 5's [`IoCore`], an inbox,
/// and the default executor. Tasks hold it as `Rc<ThreadedCore>`; other threads hold
/// a [`LoopHandle`].
pub struct ThreadedCore {
    io: Rc<IoCore>,
    // itself, for what other threads send to run with the core
    me: Weak<ThreadedCore>,
    shared: Arc<Shared>,
    default_pool: OnceCell<ThreadPool>,
    next_job: Cell<u64>,
    recorder: Recorder<Event>,
}

impl fmt::Debug for ThreadedCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadedCore")
            .field("io", &self.io)
            .finish_non_exhaustive()
    }
}

impl ThreadedCore {
    // ANCHOR: new
    /// A loop state on `clock` (see chapter 5's `IoCore::new`), recording into
    /// `recorder`, with its inbox, and chapter 3's remote-wake hook installed: a
    /// task's waker woken on another thread leaves the task's key in the inbox and
    /// wakes the selector.
    pub fn new(
        clock: impl Clock + 'static,
        recorder: Recorder<Event>,
    ) -> io::Result<Rc<Self>> {
        let io = IoCore::new(clock, recorder.inner())?;
        let shared = Shared::new(io.notifier()?);
        // weak: the hook must not keep a dead loop alive
        let inbox = Arc::downgrade(&shared);
        io.set_remote_wake(Box::new(move |key| {
            if let Some(shared) = inbox.upgrade() {
                let _ = shared.post(Item::Wake(key));
            }
        }));
        Ok(Rc::new_cyclic(|me| Self {
            io,
            me: me.clone(),
            shared,
            default_pool: OnceCell::new(),
            next_job: Cell::new(1),
            recorder,
        }))
    }
    // ANCHOR_END: new

    /// Chapter 5's part: I/O, timers, and the ready queue.
    pub fn io(&self) -> &Rc<IoCore> {
        &self.io
    }

    /// A handle for other threads: `call_soon_threadsafe`, `stop`.
    pub fn threadsafe(&self) -> LoopHandle {
        LoopHandle {
            shared: self.shared.clone(),
        }
    }

    /// Whether another thread has left something in the inbox that the loop has not
    /// taken.
    pub fn inbox_is_empty(&self) -> bool {
        self.shared.is_empty()
    }

    /// Whether a [`LoopHandle`] exists outside the loop (another thread may still
    /// post).
    pub fn has_threadsafe_handles(&self) -> bool {
        Arc::strong_count(&self.shared) > 1
    }

    pub(crate) fn set_parked(&self, parked: bool) {
        self.shared.set_parked(parked);
    }

    // ANCHOR: drain_inbox
    /// The step this chapter adds to an iteration: move what other threads left in
    /// the inbox to the back of the ready queue, in the order they left it.
    /// Callbacks join the queue; a task woken from another thread has its next step
    /// queued; a stop request stops.
    pub fn drain_inbox(&self) -> usize {
        let items = self.shared.take_all();
        let count = items.len();
        for item in items {
            match item {
                Item::Callback { label, run } => {
                    self.record(|| Event::FromThread {
                        what: format!("call_soon_threadsafe {label}"),
                    });
                    self.io.call_soon_boxed(label, run);
                }
                Item::Wake(key) => {
                    self.record(|| Event::FromThread {
                        what: "task waker".into(),
                    });
                    self.io.wake_from_remote(key);
                }
                Item::Stop => {
                    self.record(|| Event::FromThread {
                        what: "stop".into(),
                    });
                    self.io.stop();
                }
                Item::Run(run) => {
                    self.record(|| Event::FromThread {
                        what: "run_threadsafe".into(),
                    });
                    let core = self.me.upgrade().expect("a loop draining is alive");
                    self.io.call_soon_boxed(
                        "run_threadsafe".into(),
                        Box::new(|| run(core)),
                    );
                }
            }
        }
        count
    }
    // ANCHOR_END: drain_inbox

    // ANCHOR: run_in_executor
    /// Runs `func` on `pool` and returns a future that the *loop* resolves, on its
    /// own thread: `loop.run_in_executor(pool, func)`. The job is submitted now, not
    /// when the future is first polled (CPython calls `executor.submit` inside
    /// `run_in_executor`). When it ends, the worker thread does not touch the
    /// future: it posts `set_result` with `call_soon_threadsafe`
    /// (`futures._chain_future` → `_call_set_state`), and that callback, on the
    /// loop's thread, marks the future done and wakes the awaiting task.
    pub fn run_in_executor<F, T>(
        &self,
        pool: &ThreadPool,
        func: F,
    ) -> Result<ExecutorFuture<T>, SubmitError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let job = pool.submit(func)?;
        let number = self.next_job.replace(self.next_job.get() + 1);
        self.record(|| Event::Submitted {
            job: format!("job-{number}"),
        });
        let delivered = Arc::new(Delivered::default());
        let (to_loop, d) = (self.threadsafe(), delivered.clone());
        job.add_done_callback(move || {
            // On the worker thread. A closed loop has nobody left to tell.
            let _ = to_loop.call_soon_threadsafe_named(
                format!("set_result job-{number}"),
                {
                    move || d.deliver() // on the loop's thread
                },
            );
        });
        Ok(ExecutorFuture { job, delivered })
    }

    /// Runs `func` on the loop's default pool: `asyncio.to_thread(func)`, which is
    /// `loop.run_in_executor(None, func)` (plus a copy of the contextvars; Rust has
    /// no equivalent to copy).
    pub fn to_thread<F, T>(&self, func: F) -> ExecutorFuture<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.run_in_executor(self.default_pool(), func)
            .expect("the default pool is shut down only when the loop is dropped")
    }
    // ANCHOR_END: run_in_executor

    /// The default executor, started on first use: `ThreadPoolExecutor(
    /// thread_name_prefix='asyncio')` with asyncio's default size.
    pub fn default_pool(&self) -> &ThreadPool {
        self.default_pool.get_or_init(|| {
            ThreadPool::with_prefix("asyncio", ThreadPool::default_size())
        })
    }

    /// Makes `pool` the default executor, the pool `to_thread` uses:
    /// `loop.set_default_executor(pool)`. Only before the first `to_thread` (or
    /// [`ThreadedCore::default_pool`]); after it, `pool` comes back as the error.
    pub fn set_default_executor(&self, pool: ThreadPool) -> Result<(), ThreadPool> {
        self.default_pool.set(pool)
    }

    /// Records `event` if this loop traces.
    pub fn record(&self, event: impl FnOnce() -> Event) {
        self.recorder.record(event);
    }

    /// Whether nothing at all can happen: chapter 5's layer is idle (nothing ready,
    /// no timer, no socket waited for), the inbox is empty, no task is alive
    /// (another thread may wake it) and no [`LoopHandle`] is held outside (another
    /// thread may post). Every part costs O(1): the loop asks before every
    /// iteration.
    pub fn is_idle(&self) -> bool {
        self.io.is_idle()
            && self.inbox_is_empty()
            && self.task_count() == 0
            && !self.has_threadsafe_handles()
    }

    /// Closes the loop: chapter 5's layer (every task, then every timer), then the
    /// inbox (`call_soon_threadsafe` now fails), then the default pool, waiting for
    /// its jobs (asyncio.run's `shutdown_default_executor`).
    pub fn close(&self) {
        self.io.close();
        self.shared.close();
        if let Some(pool) = self.default_pool.get() {
            pool.shutdown();
        }
    }
}

impl Deref for ThreadedCore {
    type Target = Rc<IoCore>;

    fn deref(&self) -> &Rc<IoCore> {
        &self.io
    }
}

/// Whether the loop has seen the job's result, and who waits for it.
#[derive(Default)]
struct Delivered {
    done: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Delivered {
    /// `_set_state(destination, source)`, on the loop's thread: done, and wake the
    /// waiter (a same-thread wake: chapter 3's waker queues the task's next step).
    fn deliver(&self) {
        self.done.store(true, Ordering::Release);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

// ANCHOR: executor_future
/// The future [`ThreadedCore::run_in_executor`] and [`ThreadedCore::to_thread`]
/// return: the job's result, once the loop has been told. A panic in the job arrives
/// as [`JobError::Panicked`] with its message. Polling it never looks at the job
/// itself, so nothing polls in a loop: the task sleeps until `set_result` runs.
pub struct ExecutorFuture<T> {
    job: JobHandle<T>,
    delivered: Arc<Delivered>,
}

impl<T: Send + 'static> Future for ExecutorFuture<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut waker = self
            .delivered
            .waker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.delivered.done.load(Ordering::Acquire) {
            let result = self.job.try_take();
            return Poll::Ready(result.expect("polled after it returned Ready"));
        }
        *waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
// ANCHOR_END: executor_future

impl<T> fmt::Debug for ExecutorFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorFuture")
            .field("delivered", &self.delivered.done.load(Ordering::Acquire))
            .finish()
    }
}
