//! Exercise 3: talk to a worker process yourself.
//!
//! Write `ask_worker_to_compute(program, seed, rounds)` with
//! `std::process::Command`, without the crate's `Worker`: start `program` (the
//! `ch01-worker` binary) with piped stdin and stdout, write ONE line holding
//! `Request::CpuWork { seed, rounds }` as JSON, read ONE line back, parse it as a
//! `Response` and return the `Work` reply's `(result, pid)`. Close the worker's
//! stdin so that it exits, and wait for it. Any failure (the program is missing, the
//! reply is not a `Work`) is an `Err` with a message that says what went wrong,
//! never a panic.

use std::path::Path;

/// Has the worker at `program` run `cpu_work(seed, rounds)`; returns its answer and
/// its pid.
pub fn ask_worker_to_compute(
    program: &Path,
    seed: u64,
    rounds: u64,
) -> Result<(u64, u32), String> {
    todo!(
        "exercise 3: send CpuWork {{ seed: {seed}, rounds: {rounds} }} to {} and \
         parse the reply",
        program.display()
    )
}
