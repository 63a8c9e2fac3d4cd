//! How a child process begins: fork, spawn, forkserver, and `Command`.
//!
//! `multiprocessing` has three *start methods* (`Lib/multiprocessing/context.py`):
//!
//! - `fork`: `os.fork()` (`popen_fork.py`). The child is a copy of the parent:
//!   its memory, its open fds, and every lock in the state it was in. Only the
//!   thread that called `fork` exists in the child. A lock another thread held at
//!   that instant stays held in the child, and nobody there will release it.
//! - `spawn`: a fresh interpreter, started by fork+exec of `python`
//!   (`popen_spawn_posix.py`, through `_posixsubprocess.fork_exec`). Nothing is
//!   copied but what is sent: the pickled function and arguments.
//! - `forkserver`: a server process, itself started like `spawn` while the parent
//!   is still simple, forks each child on request (`forkserver.py`). The children
//!   are copies of a process that has one thread.
//!
//! CPython 3.11 defaults to `fork` on Linux (`spawn` on macOS and Windows). 3.12
//! warns (`DeprecationWarning`) when it forks a process that has other threads.
//! 3.14 makes `forkserver` the default on every POSIX platform but macOS.
//!
//! Rust's `std::process::Command` always starts a new program, as `spawn` does. On
//! Linux with glibc it calls `posix_spawnp` (a `clone` that shares the parent's
//! memory until the `exec`), or fork then exec when it must (a `pre_exec` closure,
//! a uid or gid to set). Between fork and exec, std's child runs only
//! async-signal-safe code: `dup2`, `chdir`, `setuid`, no `malloc`, no lock
//! (`library/std/src/sys/process/unix/unix.rs`). So a parent thread holding a lock
//! cannot stall the child, and the program it execs starts with fresh locks.

use std::sync::{Mutex, TryLockError};

/// A lock one thread of a parent may hold while the parent starts a child: the twin
/// of the Python oracle's `lock = threading.Lock()`.
pub static LOCK: Mutex<()> = Mutex::new(());

/// Whether this process could take [`LOCK`] at once.
pub fn lock_is_free() -> bool {
    !matches!(LOCK.try_lock(), Err(TryLockError::WouldBlock))
}
