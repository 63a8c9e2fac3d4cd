//! Exercise 3: background tasks that are not forgotten.
//!
//! Fire-and-forget has two hazards. A task nobody looks at can fail, and nobody
//! hears of it. And at shutdown, whatever still runs is dropped where it stands
//! (asyncio's documentation adds a third: the loop keeps only a weak reference,
//! so keep one yourself). `BackgroundTasks` keeps a handle to every task it
//! spawns, hands back the failures of the tasks that have ended, and at shutdown
//! gives the rest a grace period, then cancels what is left.

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::JoinError;
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
    _todo: (),
}

impl BackgroundTasks {
    /// An empty set on the loop `core`.
    pub fn new(core: &Rc<ThreadedCore>) -> Self {
        let _ = core;
        todo!("exercise 3: keep the core and an empty list of handles")
    }

    /// Spawns `future` as a task named `name` and keeps its handle.
    pub fn spawn(&mut self, name: &str, future: impl Future<Output = ()> + 'static) {
        let _ = (name, future);
        todo!("exercise 3: spawn_named, and keep the handle")
    }

    /// How many handles are kept: tasks still running, and ended ones not yet
    /// reaped.
    pub fn len(&self) -> usize {
        todo!("exercise 3: the number of handles kept")
    }

    /// Whether no handle is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every task that has ended, and returns the failures among them, in
    /// spawn order.
    pub fn reap(&mut self) -> Vec<JoinError> {
        todo!("exercise 3: drop the handles of ended tasks, keep their failures")
    }

    /// Waits until every task has ended or `grace` has passed, whichever comes
    /// first, then cancels every task still running.
    pub async fn shutdown(self, grace: Duration) -> Report {
        let _ = grace;
        todo!("exercise 3: wait_for(all done, grace), then cancel the rest")
    }
}
