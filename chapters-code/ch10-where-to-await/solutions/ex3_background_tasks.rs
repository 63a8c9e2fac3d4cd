//! Exercise 3: background tasks that are not forgotten. Reference solution.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use ch03_ready_queue::{JoinError, JoinHandle};
use ch07_executors::ThreadedCore;

/// What [`BackgroundTasks::shutdown`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The tasks that returned, in spawn order.
    pub finished: Vec<String>,
    /// The tasks still running when the grace period ended, cancelled, in spawn
    /// order.
    pub cancelled: Vec<String>,
    /// The tasks that panicked and had not been reaped yet, in spawn order.
    pub failures: Vec<JoinError>,
}

/// A set of background tasks that keeps their handles.
pub struct BackgroundTasks {
    core: Rc<ThreadedCore>,
    /// Every task not reaped yet, by name, in spawn order.
    tasks: Vec<(String, JoinHandle<()>)>,
}

impl BackgroundTasks {
    /// An empty set on the loop `core`.
    pub fn new(core: &Rc<ThreadedCore>) -> Self {
        Self {
            core: core.clone(),
            tasks: Vec::new(),
        }
    }

    /// Spawns `future` as a task named `name` and keeps its handle.
    pub fn spawn(&mut self, name: &str, future: impl Future<Output = ()> + 'static) {
        let handle = self.core.spawn_named(name.to_string(), future);
        self.tasks.push((name.to_string(), handle));
    }

    /// How many handles are kept: tasks still running, and ended ones not yet
    /// reaped.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no handle is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every task that has ended, and returns the failures among them, in
    /// spawn order.
    pub fn reap(&mut self) -> Vec<JoinError> {
        let mut failures = Vec::new();
        self.tasks.retain(|(_, task)| {
            if !task.is_done() {
                return true;
            }
            if let Some(Err(error)) = task.try_take() {
                failures.push(error);
            }
            false
        });
        failures
    }

    /// Waits until every task has ended or `grace` has passed, whichever comes
    /// first, then cancels every task still running.
    pub async fn shutdown(mut self, grace: Duration) -> Report {
        let mut results: Vec<Option<Result<(), JoinError>>> =
            self.tasks.iter().map(|_| None).collect();
        let all_ended = poll_fn(|cx| {
            for ((_, task), result) in self.tasks.iter_mut().zip(&mut results) {
                if result.is_none() {
                    if let Poll::Ready(ended) = Pin::new(task).poll(cx) {
                        *result = Some(ended);
                    }
                }
            }
            match results.iter().all(Option::is_some) {
                true => Poll::Ready(()),
                false => Poll::Pending,
            }
        });
        // a timeout is no failure here: it only means some tasks are left
        let _ = self.core.wait_for(all_ended, grace).await;
        let mut report = Report {
            finished: Vec::new(),
            cancelled: Vec::new(),
            failures: Vec::new(),
        };
        for ((name, task), result) in self.tasks.drain(..).zip(results) {
            match result {
                Some(Ok(())) => report.finished.push(name),
                Some(Err(error)) if !error.is_cancelled() => {
                    report.failures.push(error)
                }
                Some(Err(_)) => report.cancelled.push(name),
                None => {
                    task.cancel(); // dropped now: its destructors run
                    report.cancelled.push(name);
                }
            }
        }
        report
    }
}
