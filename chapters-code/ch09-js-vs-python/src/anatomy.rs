//! The loop drawing, under JavaScript's policy: the same ready queue as chapter
//! 3's, drained to empty after ONE macrotask instead of run as a snapshot; and
//! Node's turn, its phases each on one of our structures. See
//! [`ch03_ready_queue::anatomy`] for how the drawings are made and checked.

use ch03_ready_queue::anatomy::{READY_QUEUE, Step, Structure};
use ch04_timers::anatomy::{TIMER_HEAP, WAIT};

use crate::trace::{Event, Phase, Queue};

/// The smallest JavaScript loop's turn ([`crate::MicrotaskLoop::run_once`]),
/// leaving out its step 0 (a checkpoint for microtasks queued outside the loop).
pub const MICRO_TURN: [Step; 4] = [WAIT, TIMERS_TO_TASKS, ONE_TASK, CHECKPOINT];

/// Due timers become macrotasks.
pub const TIMERS_TO_TASKS: Step = Step {
    id: "timers",
    does: "every due timer joins the task queue",
    uses: Some(TIMER_HEAP),
    chapter: 9,
};

/// One macrotask, and only one.
pub const ONE_TASK: Step = Step {
    id: "task",
    does: "run ONE task, the oldest",
    uses: Some(TASK_QUEUE),
    chapter: 9,
};

/// The microtask checkpoint: chapter 3's ready queue, run until it is empty.
pub const CHECKPOINT: Step = Step {
    id: "checkpoint",
    does: "microtask checkpoint: run the ready queue until it is EMPTY, \
     what it queues meanwhile included",
    uses: Some(READY_QUEUE),
    chapter: 9,
};

/// The macrotask queue: the HTML standard's task queues.
pub const TASK_QUEUE: Structure = Structure {
    name: "task queue (macrotasks)",
    chapter: 9,
};

/// Node's turn ([`crate::NodeLoop::run_once`]): five phases; after every callback
/// of every phase, a checkpoint (ticks, then microtasks), not drawn.
pub const NODE_TURN: [Step; 5] = [TIMERS, PENDING, POLL, CHECK, CLOSE];

/// The timers phase.
pub const TIMERS: Step = Step {
    id: "timers",
    does: "timers: each due timer, one at a time",
    uses: Some(TIMER_HEAP),
    chapter: 9,
};

/// The pending-callbacks phase.
pub const PENDING: Step = Step {
    id: "pending",
    does: "pending callbacks: I/O callbacks deferred to this turn",
    uses: Some(PENDING_QUEUE),
    chapter: 9,
};

/// The poll phase.
pub const POLL: Step = Step {
    id: "poll",
    does: "poll: select(timeout), then the callbacks of ready sockets and of \
     other threads' results",
    uses: Some(ch05_io::anatomy::SELECTOR),
    chapter: 9,
};

/// The check phase.
pub const CHECK: Step = Step {
    id: "check",
    does: "check: the immediates queued before the phase began",
    uses: Some(IMMEDIATE_QUEUE),
    chapter: 9,
};

/// The close-callbacks phase.
pub const CLOSE: Step = Step {
    id: "close",
    does: "close callbacks",
    uses: Some(CLOSE_QUEUE),
    chapter: 9,
};

/// Callbacks libuv deferred (`loop->pending_queue`).
pub const PENDING_QUEUE: Structure = Structure {
    name: "pending queue",
    chapter: 9,
};

/// `setImmediate`'s queue (Node's `immediateQueue`).
pub const IMMEDIATE_QUEUE: Structure = Structure {
    name: "immediate queue",
    chapter: 9,
};

/// Handles being closed (libuv's `closing_handles`).
pub const CLOSE_QUEUE: Structure = Structure {
    name: "close queue",
    chapter: 9,
};

/// The step of [`MICRO_TURN`] an event belongs to: the clock moving is the wait, a
/// timer firing is the move to the task queue, a task is the task, and a
/// microtask (chapter 3's callback or task poll) or the checkpoint's end is the
/// checkpoint.
pub fn micro_step_of(event: &Event) -> Option<&'static str> {
    use ch04_timers::Event as T;
    match event {
        Event::Io(ch05_io::Event::Timers(event)) => match event {
            T::ClockAdvanced { .. } => Some(WAIT.id),
            T::TimerFired { .. } => Some(TIMERS_TO_TASKS.id),
            T::Loop(ch03_ready_queue::Event::Callback { .. })
            | T::Loop(ch03_ready_queue::Event::Poll { .. }) => Some(CHECKPOINT.id),
            _ => None,
        },
        Event::Ran {
            queue: Queue::Task, ..
        } => Some(ONE_TASK.id),
        Event::Checkpoint { .. } => Some(CHECKPOINT.id),
        _ => None,
    }
}

/// The step of [`NODE_TURN`] an event belongs to: the phase it begins.
pub fn node_step_of(event: &Event) -> Option<&'static str> {
    match event {
        Event::Phase { phase } => Some(match phase {
            Phase::Timers => TIMERS.id,
            Phase::Pending => PENDING.id,
            Phase::Poll => POLL.id,
            Phase::Check => CHECK.id,
            Phase::Close => CLOSE.id,
        }),
        _ => None,
    }
}
