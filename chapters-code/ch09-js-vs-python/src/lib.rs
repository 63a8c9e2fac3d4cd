//! Chapter 9, *JavaScript vs Python*.
//!
//! The same parts as chapters 3 to 5 (a ready queue, a timer heap, a selector), run
//! under a second policy: JavaScript's. The difference between the two worlds is not
//! in the queues but in *when* each is drained.
//!
//! - [`micro`]: the smallest JavaScript loop: one macrotask, then a microtask
//!   checkpoint that drains the microtask queue to empty;
//! - [`node`]: Node's phases (timers, pending, poll, check, close) on chapter 4's
//!   timer heap and chapter 5's selector, with `process.nextTick`;
//! - [`promise`]: promises whose `then` callbacks are microtasks, and `await` on
//!   them;
//! - [`anatomy`]: the loop drawing under JavaScript's policy, and Node's turn;
//! - [`trace`]: chapter 5's trace events plus turns, macrotasks, checkpoints and
//!   phases.

pub mod anatomy;
pub mod micro;
pub mod node;
pub mod promise;
pub mod trace;

pub use crate::micro::{JsCore, Macrotask, MicrotaskLoop};
pub use crate::node::{MIN_TIMEOUT, NodeCore, NodeLoop};
pub use crate::trace::{Event, Phase, Queue, render_lines, render_mermaid};

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
