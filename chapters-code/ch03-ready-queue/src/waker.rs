//! A task's waker: what `wake()` does, on the loop's thread and on another.

use std::sync::{Arc, OnceLock};
use std::task::{Wake, Waker};
use std::thread::ThreadId;

use crate::core::{Core, with_loop};
use crate::task::TaskKey;

/// What a task's waker calls when it is woken on another thread than its loop's: set
/// once, by a loop that can take wake-ups from other threads (chapter 7), with the
/// task's key.
pub type RemoteWake = OnceLock<Box<dyn Fn(TaskKey) + Send + Sync>>;

// ANCHOR: waker
/// What a task's [`Waker`] holds: which loop, which task, and the loop's thread.
///
/// A `Waker` must be `Send + Sync`, so it cannot hold the loop (an `Rc`). It holds
/// the loop's number instead and finds the loop in the thread's list of live loops.
/// Waking schedules the task's next step with the loop; it never polls the task.
struct TaskWaker {
    loop_id: u64,
    key: TaskKey,
    loop_thread: ThreadId,
    /// What a wake from another thread does, once a later loop installs it
    /// (chapter 7).
    remote: Arc<RemoteWake>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let found = with_loop(self.loop_id, |core| core.schedule_task(self.key));
        if found.is_none() && std::thread::current().id() != self.loop_thread {
            // Chapter 7's loop installs a hook that takes the task's key to its
            // loop's thread.
            if let Some(hook) = self.remote.get() {
                hook(self.key);
                return;
            }
            panic!(
                "a ch03 task was woken from another thread than its loop's. This \
                 loop only takes wake-ups on its own thread; waking it from another \
                 thread (asyncio's call_soon_threadsafe) arrives in chapter 7"
            );
        }
        // Otherwise the loop is gone, and so is the task: nothing to do.
    }
}

/// A waker for the task at `key` on loop `loop_id`, which runs on `loop_thread`.
pub(crate) fn task_waker(
    loop_id: u64,
    key: TaskKey,
    loop_thread: ThreadId,
    remote: Arc<RemoteWake>,
) -> Waker {
    Waker::from(Arc::new(TaskWaker {
        loop_id,
        key,
        loop_thread,
        remote,
    }))
}
// ANCHOR_END: waker

// ANCHOR: remote_wake
impl Core {
    /// Installs what a task's waker does when it is woken on another thread
    /// (chapter 7): call `hook` there with the task's key. The hook must carry the
    /// key to this loop's thread, which then calls [`Core::wake_from_remote`].
    /// Without a hook, such a wake panics. Set once: returns `false` (and drops
    /// `hook`) if a hook is installed already.
    pub fn set_remote_wake(&self, hook: Box<dyn Fn(TaskKey) + Send + Sync>) -> bool {
        self.remote.set(hook).is_ok()
    }

    /// On the loop's thread: what a wake from another thread asked for, the task at
    /// `key` queued (unless it is queued already, or gone).
    pub fn wake_from_remote(&self, key: TaskKey) {
        self.schedule_task(key);
    }
}
// ANCHOR_END: remote_wake
