//! Chapter 5, *I/O*.
//!
//! Chapter 4's loop, plus sockets, built the way CPython's asyncio builds it
//! (`Lib/asyncio/base_events.py`: `_run_once`; `Lib/asyncio/selector_events.py`:
//! `_process_events`, `add_reader`, `sock_recv`, `sock_accept`; `Lib/selectors.py`):
//!
//! - [`selector`]: the [`Selector`], a table of registered sockets and their waiters
//!   over the OS readiness API (epoll, kqueue) through `mio`, and a [`Notifier`]
//!   that wakes it from another thread;
//! - [`io_core`]: [`IoCore`], chapter 4's `TimerCore` plus a selector, with the step
//!   an iteration adds: [`IoCore::poll_io`];
//! - [`event_loop`]: this chapter's [`EventLoop`] and its `run_once`;
//! - [`mod@io_op`]: [`fn@io_op`], try the system call, wait for readiness only on
//!   `WouldBlock`;
//! - [`net`]: non-blocking [`TcpListener`] and [`TcpStream`] whose operations are
//!   futures;
//! - [`sys`]: waiting for an fd outside the loop, and the open-files limit;
//! - [`echo`]: an echo server and client;
//! - [`trace`]: chapter 4's trace events plus selector events, as text and diagrams.

pub mod anatomy;
pub mod echo;
pub mod event_loop;
pub mod io_core;
pub mod io_op;
pub mod net;
pub mod selector;
pub mod sys;
pub mod trace;

pub use crate::echo::{echo_client, handle_echo, serve_echo};
pub use crate::event_loop::EventLoop;
pub use crate::io_core::IoCore;
pub use crate::io_op::io_op;
pub use crate::net::{BACKLOG, TcpListener, TcpStream};
pub use crate::selector::{FdKey, Interest, Notifier, Readiness, Selector};
pub use crate::sys::{READABLE_LIMIT, raise_fd_limit, wait_readable};
pub use crate::trace::{Event, fmt_timeout, render_lines, render_mermaid};

// The stubs the reader edits, or (with `solutions`) the reference answers in their
// place.
#[cfg(all(feature = "exercises", not(feature = "solutions")))]
#[path = "../exercises/mod.rs"]
pub mod exercises;
#[cfg(feature = "solutions")]
#[path = "../solutions/mod.rs"]
pub mod exercises;
