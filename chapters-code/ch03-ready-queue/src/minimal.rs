//! The smallest executor that works: a queue of task numbers, a table of boxed
//! futures, and a waker that pushes its task's number back on the queue. The
//! chapter shows it before the complete loop, whose extra lines each answer a
//! question this one leaves open.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};

// ANCHOR: minimal
/// A task is a boxed future. It never leaves this thread, so it need not be `Send`.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ready queue holds task numbers. A `Waker` must be `Send + Sync`, so the
/// queue it pushes to is an `Arc<Mutex<_>>`, not an `Rc<RefCell<_>>`.
type Queue = Arc<Mutex<VecDeque<usize>>>;

/// What a task's waker holds: the queue, and which task to push back on it.
struct TaskWaker {
    queue: Queue,
    id: usize,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.queue.lock().unwrap().push_back(self.id); // never polls
    }
}

/// The loop: the tasks, and the queue of those whose next step is due.
#[derive(Default)]
pub struct MiniLoop {
    tasks: RefCell<Vec<Option<Task>>>, // None once finished
    queue: Queue,
}

impl MiniLoop {
    /// Stores the task and queues its first step.
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        let mut tasks = self.tasks.borrow_mut();
        self.queue.lock().unwrap().push_back(tasks.len());
        tasks.push(Some(Box::pin(future)));
    }

    /// Polls queued tasks, first in first out, until the queue is empty.
    pub fn run(&self) {
        loop {
            let Some(id) = self.queue.lock().unwrap().pop_front() else {
                return; // nothing queued: every task is done or waiting
            };
            let Some(mut task) = self.tasks.borrow_mut()[id].take() else {
                continue; // a wake for a task that has finished
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                queue: self.queue.clone(),
                id,
            }));
            if task
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
            {
                self.tasks.borrow_mut()[id] = Some(task);
            }
        }
    }
}
// ANCHOR_END: minimal

impl MiniLoop {
    /// How many spawned tasks have not finished: waiting, or queued.
    pub fn unfinished(&self) -> usize {
        self.tasks.borrow().iter().filter(|t| t.is_some()).count()
    }
}
