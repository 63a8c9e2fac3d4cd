//! Each process has its own memory: what a child changes stays in the child.
//!
//! A child gets a value from its parent only as a copy: bytes through a pipe here,
//! pickled arguments with `multiprocessing`. It may change its copy, and its
//! globals, as it likes; the parent's memory does not move. How the child's memory
//! *starts* depends on how it was started. `fork` copies the parent's whole address
//! space, so a forked child begins with the parent's globals as they were. `spawn`
//! (and `std::process::Command`, which always execs a program) begins from the
//! program's initial values: a child that runs this module sees an empty
//! [`GLOBAL_LIST`], whatever its parent put there.

use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// A global list, as in the Python twin's `GLOBAL_LIST = []`: one per process.
pub static GLOBAL_LIST: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// This process's [`GLOBAL_LIST`], copied.
pub fn global_list() -> Vec<String> {
    GLOBAL_LIST
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Appends `item` to this process's [`GLOBAL_LIST`].
pub fn append(item: &str) {
    GLOBAL_LIST
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(item.to_string());
}

/// What the isolation child reports back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Its [`GLOBAL_LIST`] when it started.
    pub started_with: Vec<String>,
    /// Its [`GLOBAL_LIST`] after it appended `"child"`.
    pub ended_with: Vec<String>,
}

// ANCHOR: child_side
/// The child's side: it appends to its own [`GLOBAL_LIST`], and reports the list
/// before and after.
pub fn child_side() -> Report {
    let started_with = global_list();
    append("child");
    Report {
        started_with,
        ended_with: global_list(),
    }
}
// ANCHOR_END: child_side
