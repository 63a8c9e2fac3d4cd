//! Chapter 10, *Where to await*.
//!
//! The notes' cheat sheet, row by row, on the loop chapters 3 to 7 built, on tokio
//! and in CPython. What this crate adds to chapter 7's loop is small:
//!
//! - [`lazy`]: a `to_thread` that submits nothing until it is awaited, as
//!   CPython's `asyncio.to_thread` (an `async def`) does; chapter 7's submits at the
//!   call, as `run_in_executor` does;
//! - [`task_group`]: [`TaskGroup`], asyncio 3.11's `TaskGroup`
//!   (`Lib/asyncio/taskgroups.py`): the first child to return `Err` or to panic
//!   cancels the other children, and a group dropped before it is joined cancels
//!   them all, as tokio's `JoinSet` does;
//! - [`yields`]: [`measure`], which awaits a future and says whether the loop got a
//!   turn meanwhile: the question "will this block the loop?", answered by running
//!   it.

pub mod lazy;
pub mod task_group;
pub mod yields;

pub use crate::task_group::{Failure, GroupError, ShuttingDown, TaskGroup};
pub use crate::yields::{Measured, measure};

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
