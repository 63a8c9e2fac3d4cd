//! The loop drawing, as this chapter leaves it: the same five steps as chapter 7's,
//! but the selector now also waits on processes, through their pipes and pidfds.
//! See [`ch03_ready_queue::anatomy`] for how the drawing is made and checked.

use ch03_ready_queue::anatomy::{RUN, SNAPSHOT, Step, Structure};
use ch04_timers::anatomy::DUE_TIMERS;
use ch07_executors::anatomy::DRAIN_INBOX;

pub use ch07_executors::anatomy::step_of;

/// This chapter's iteration: chapter 7's, step for step. Only what the first step
/// waits on has grown.
pub const ITERATION: [Step; 5] = [SELECT, DRAIN_INBOX, DUE_TIMERS, SNAPSHOT, RUN];

/// Chapter 7's select, whose fds now include processes: a worker's result, a
/// child's line of output and a child's exit each end the wait like a socket.
pub const SELECT: Step = Step {
    id: "select",
    does: "select(timeout): sockets, the self-pipe, and now processes: a \
     result on a worker's stdout, a child's exit on its pidfd",
    uses: Some(SELECTOR),
    chapter: 8,
};

/// Chapter 5's selector, with the kinds of fd it holds by this chapter.
pub const SELECTOR: Structure = Structure {
    name: "selector (epoll): sockets, pipes, pidfds",
    chapter: 8,
};
