//! Chapter 8, *Processes*.
//!
//! Chapter 7's loop drives other processes. Nothing is added to its iteration: a
//! process is reached through file descriptors (its stdin and stdout pipes, and a
//! pidfd that becomes readable when it exits), and chapter 5's selector waits on
//! those as it waits on sockets.
//!
//! - [`frame`]: length-prefixed postcard frames, how values cross a pipe;
//! - [`pipe`]: pipe ends on the loop, read as bytes, frames or lines;
//! - [`child_exit`]: a child's exit as readiness of its pidfd;
//! - [`job`], [`worker`], [`pool`]: the process pool and `run_in_process`;
//! - [`subprocess`]: `create_subprocess_exec` on our loop;
//! - [`ipc`]: pipe, queue, shared memory and isolation between processes;
//! - [`anatomy`]: the loop drawing, with processes in the selector.

pub mod anatomy;
pub mod child_exit;
pub mod frame;
pub mod ipc;
pub mod job;
pub mod pipe;
pub mod pool;
pub mod subprocess;
pub mod worker;

pub use crate::child_exit::{is_gone, wait_exit};
pub use crate::frame::{Decoder, FrameError, MAX_FRAME, decode, encode};
pub use crate::job::Job;
pub use crate::pipe::{FrameReader, LineReader, Pipe};
pub use crate::pool::{JobError, JobFuture, ProcessPool, WorkerId, run_in_process};
pub use crate::subprocess::Subprocess;
/// The loop this chapter drives processes from: chapter 7's, unchanged.
pub use ch07_executors::EventLoop;

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
