//! The worker tasks that wait for a job, and how a new job wakes exactly one.
//!
//! Waking every idle task for each job would work, but all but one of them would
//! find the queue empty and go back to sleep: with 100 jobs and 4 workers, most
//! wake-ups would be for nothing. So each waiting task holds a place in line, and a
//! job wakes the task at the front. The task leaves the line as it is woken.

use std::collections::VecDeque;
use std::task::Waker;

/// A waiting task's place in line, kept across its polls.
pub(super) type Ticket = u64;

/// Worker tasks waiting for a job, in the order they began to wait.
#[derive(Debug, Default)]
pub(super) struct IdleTasks {
    line: VecDeque<(Ticket, Waker)>,
    next_ticket: Ticket,
}

impl IdleTasks {
    /// Makes the task holding `ticket` wait, or a new one if `ticket` is `None`
    /// (it gets a ticket) or was woken already (it joins the back again).
    pub(super) fn wait(&mut self, ticket: &mut Option<Ticket>, waker: &Waker) {
        if let Some(held) = *ticket
            && let Some((_, old)) = self.line.iter_mut().find(|(t, _)| *t == held)
        {
            old.clone_from(waker); // polled again while in line: keep its place
            return;
        }
        let new = self.next_ticket;
        self.next_ticket += 1;
        self.line.push_back((new, waker.clone()));
        *ticket = Some(new);
    }

    /// Takes the task holding `ticket` out of the line. `false` if it was not
    /// there: it was woken, and owes the line a job's look at the queue.
    pub(super) fn leave(&mut self, ticket: Ticket) -> bool {
        let place = self.line.iter().position(|(t, _)| *t == ticket);
        place.map(|i| self.line.remove(i)).is_some()
    }

    /// Wakes the task that has waited longest, if any: one job, one task.
    pub(super) fn wake_one(&mut self) {
        if let Some((_, waker)) = self.line.pop_front() {
            waker.wake();
        }
    }

    /// Wakes every waiting task: at shutdown, each must see it.
    pub(super) fn wake_all(&mut self) {
        for (_, waker) in self.line.drain(..) {
            waker.wake();
        }
    }

    /// How many tasks wait.
    pub(super) fn len(&self) -> usize {
        self.line.len()
    }
}
