//! The messages parent and worker exchange: one JSON object per line, each way.
//!
//! A process cannot read another's memory, so everything the parent wants from a
//! worker (even its process id) has to be written out as bytes and parsed back in.
//! JSON keeps it readable.

use serde::{Deserialize, Serialize};

/// What the parent asks a worker to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Reply with your process id.
    Hello,
    /// Reply with the value of your [`crate::worker::PROCESS_COUNTER`].
    ReadCounter,
    /// Add `amount` to your [`crate::worker::PROCESS_COUNTER`] and reply with the
    /// new value.
    AddToCounter {
        /// How much to add.
        amount: usize,
    },
    /// Run [`crate::workload::cpu_work`] and reply with its result.
    CpuWork {
        /// The job's seed.
        seed: u64,
        /// The job's length.
        rounds: u64,
    },
    /// Panic with this message (a worker with a bug).
    Panic {
        /// The panic message.
        message: String,
    },
    /// Start a second thread that calls `std::process::exit(code)`.
    ExitFromAThread {
        /// The exit code.
        code: i32,
    },
}

/// What a worker answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Response {
    /// The answer to [`Request::Hello`].
    Hello {
        /// The worker's process id.
        pid: u32,
    },
    /// The answer to [`Request::ReadCounter`] and [`Request::AddToCounter`].
    Counter {
        /// The counter's value in the worker's memory.
        value: usize,
    },
    /// The answer to [`Request::CpuWork`].
    Work {
        /// What `cpu_work` returned.
        result: u64,
        /// The process that computed it.
        pid: u32,
    },
}
