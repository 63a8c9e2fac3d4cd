//! Chapter 1, *Three ways to wait*.
//!
//! The same two workloads, run three ways:
//!
//! - an **I/O-like wait**: `n` waiters that can only finish once all `n` are waiting
//!   at the same time (a barrier), which is what a server holding `n` open requests
//!   looks like;
//! - a **CPU job**: [`workload::cpu_work`], a loop that never waits for anything.
//!
//! [`tasks`] runs them as async tasks on one thread, [`threads`] as OS threads, and
//! [`processes`] as child processes that speak JSON over pipes to the `ch01-worker`
//! binary ([`worker`] is its side of the conversation, [`protocol`] the messages).

pub mod processes;
pub mod protocol;
pub mod tasks;
pub mod threads;
pub mod worker;
pub mod workload;

#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
