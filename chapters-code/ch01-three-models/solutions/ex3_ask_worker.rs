//! Exercise 3, a reference answer: one JSON line out, one JSON line back.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::protocol::{Request, Response};

/// Has the worker at `program` run `cpu_work(seed, rounds)`; returns its answer and
/// its pid.
pub fn ask_worker_to_compute(
    program: &Path,
    seed: u64,
    rounds: u64,
) -> Result<(u64, u32), String> {
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take())
    else {
        return Err("the worker's pipes were not created".to_string());
    };

    let request = serde_json::to_string(&Request::CpuWork { seed, rounds })
        .map_err(|e| format!("could not encode the request: {e}"))?;
    writeln!(stdin, "{request}")
        .map_err(|e| format!("could not write to the worker: {e}"))?;
    drop(stdin); // end of input: the worker answers, then exits

    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("could not read the worker's reply: {e}"))?;
    let status = child
        .wait()
        .map_err(|e| format!("could not wait for the worker: {e}"))?;

    match serde_json::from_str::<Response>(&line) {
        Ok(Response::Work { result, pid }) => Ok((result, pid)),
        Ok(other) => Err(format!("expected a Work reply, got {other:?}")),
        Err(_) => Err(format!(
            "no valid reply (worker ended with {status}): {line:?}"
        )),
    }
}
