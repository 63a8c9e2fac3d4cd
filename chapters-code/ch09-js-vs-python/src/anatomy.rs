//! The loop drawing, under JavaScript's policy: the same ready queue as chapter
//! 3's, drained to empty after ONE macrotask instead of run as a snapshot; and
//! Node's turn, its phases each on one of our structures, with the checkpoint
//! that follows every callback. See [`ch03_ready_queue::anatomy`] for how the
//! drawings are made and checked.

use ch03_ready_queue::LoopEvent;
use ch03_ready_queue::anatomy::{
    READY_QUEUE, Step, Structure, mermaid, steps_taken,
};
use ch04_timers::anatomy::{TIMER_HEAP, WAIT};

use crate::trace::{Event, Phase, Queue};

/// Draws a JavaScript turn with chapter 3's [`mermaid`]: its first step is
/// `run_once`'s step 0, drawn without a number, the others numbered from ① as
/// `run_once`'s comments number them; and the way back leads to the next *turn*.
pub fn turn_mermaid(steps: &[Step]) -> String {
    let circled = |n: usize| char::from_u32(0x2460 + n as u32).unwrap_or('•');
    let mut drawing = mermaid(steps, 9).replace("next iteration:", "next turn:");
    // Chapter 3 numbers from ①: step 0 loses its number, the others move down.
    // (No ⓪: common fonts, DejaVu among them, lack it.)
    for n in 0..steps.len() {
        let renumbered = match n {
            0 => "[\"".to_string(),
            n => format!("[\"{} ", circled(n - 1)),
        };
        drawing = drawing.replace(&format!("[\"{} ", circled(n)), &renumbered);
    }
    drawing
}

/// The smallest JavaScript loop's turn ([`crate::MicrotaskLoop::run_once`]).
pub const MICRO_TURN: [Step; 5] =
    [LEFTOVERS, WAIT, TIMERS_TO_TASKS, ONE_TASK, CHECKPOINT];

/// Step 0: microtasks queued by code outside any turn.
pub const LEFTOVERS: Step = Step {
    id: "leftovers",
    does: "only if code outside any turn (a test) queued microtasks: \
     a checkpoint for them",
    uses: None,
    chapter: 9,
};

/// A due timer becomes a macrotask.
pub const TIMERS_TO_TASKS: Step = Step {
    id: "timers",
    does: "if no macrotask waits: the earliest due timer becomes one",
    uses: Some(TIMER_HEAP),
    chapter: 9,
};

/// One macrotask, and only one.
pub const ONE_TASK: Step = Step {
    id: "task",
    does: "run ONE macrotask, the oldest",
    uses: Some(MACROTASK_QUEUE),
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
pub const MACROTASK_QUEUE: Structure = Structure {
    name: "macrotask queue",
    chapter: 9,
};

/// Node's turn ([`crate::NodeLoop::run_once`]): the checkpoint that runs after
/// the main script and after every callback, then the five phases.
pub const NODE_TURN: [Step; 6] =
    [NODE_CHECKPOINT, TIMERS, PENDING, POLL, CHECK, CLOSE];

/// The checkpoint: step 0, and Node's rule after every callback of every phase.
pub const NODE_CHECKPOINT: Step = Step {
    id: "checkpoint",
    does: "after the main script, and after EACH callback of every phase \
     below: every tick, then every microtask, until both queues are empty",
    uses: Some(TICKS_AND_MICROTASKS),
    chapter: 9,
};

/// The `nextTick` queue, and chapter 3's ready queue as the microtask queue.
pub const TICKS_AND_MICROTASKS: Structure = Structure {
    name: "nextTick queue, then ready queue",
    chapter: 9,
};

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
/// timer firing is the move to the macrotask queue, a macrotask is the task, and
/// a microtask (chapter 3's callback or task poll) or the checkpoint's end is the
/// checkpoint (step 0 or 4: see [`micro_steps_taken`]).
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

/// The steps of [`MICRO_TURN`] one traced turn took. Steps 0 and 4 are the same
/// checkpoint; a checkpoint before every other step is step 0.
pub fn micro_steps_taken(turn: &[Event]) -> Vec<&'static str> {
    let mut steps = steps_taken(turn, micro_step_of);
    if steps.len() > 1 && steps[0] == CHECKPOINT.id {
        steps[0] = LEFTOVERS.id;
    }
    steps
}

/// The step of [`NODE_TURN`] an event belongs to: a phase's start and its
/// callbacks are that phase; a tick, a microtask (chapter 3's callback or task
/// poll) and a checkpoint's end are the checkpoint.
pub fn node_step_of(event: &Event) -> Option<&'static str> {
    use ch03_ready_queue::Event as Ready;
    let phase = match event {
        Event::Phase { phase } => *phase,
        Event::Ran { queue, .. } if queue.phase().is_some() => queue.phase()?,
        Event::Ran {
            queue: Queue::Tick, ..
        }
        | Event::Checkpoint { .. } => return Some(NODE_CHECKPOINT.id),
        _ => {
            let ran = event.loop_event();
            let microtask =
                matches!(ran, Some(Ready::Callback { .. } | Ready::Poll { .. }));
            return microtask.then_some(NODE_CHECKPOINT.id);
        }
    };
    Some(match phase {
        Phase::Timers => TIMERS.id,
        Phase::Pending => PENDING.id,
        Phase::Poll => POLL.id,
        Phase::Check => CHECK.id,
        Phase::Close => CLOSE.id,
    })
}
