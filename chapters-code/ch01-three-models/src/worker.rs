//! The worker's side: read a request line, write a response line, until stdin
//! closes.

use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::protocol::{Request, Response};
use crate::workload::cpu_work;

/// A counter in static memory: every process that links this crate has its own copy.
///
/// Threads of one process all see the same one. A child process starts with a fresh
/// one, whatever the parent wrote to its own, and nothing either writes later
/// reaches the other.
pub static PROCESS_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The environment variable that makes [`run_as_worker_if_asked`] turn a program
/// into a worker.
pub const WORKER_ENV: &str = "CH01_THREE_MODELS_WORKER";

// ANCHOR: serve
/// Answers requests from `input` on `output` until `input` ends (the parent closed
/// the pipe).
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let request: Request =
            serde_json::from_str(&line?).map_err(io::Error::other)?;
        let response = match request {
            Request::Hello => Response::Hello {
                pid: std::process::id(),
            },
            Request::ReadCounter => Response::Counter {
                value: PROCESS_COUNTER.load(Ordering::SeqCst),
            },
            Request::AddToCounter { amount } => Response::Counter {
                value: PROCESS_COUNTER.fetch_add(amount, Ordering::SeqCst) + amount,
            },
            Request::CpuWork { seed, rounds } => Response::Work {
                result: cpu_work(seed, rounds),
                pid: std::process::id(),
            },
            Request::Panic { message } => panic!("{message}"),
            Request::ExitFromAThread { code } => {
                // `exit` ends the process, not the thread: this thread's siblings go
                // with it.
                let _ = std::thread::spawn(move || std::process::exit(code)).join();
                unreachable!("process::exit never returns, in any thread")
            }
        };
        serde_json::to_writer(&mut output, &response).map_err(io::Error::other)?;
        output.write_all(b"\n")?;
        // the parent is waiting for this line: don't leave it in a buffer
        output.flush()?;
    }
    Ok(())
}
// ANCHOR_END: serve

/// The worker program: serve the standard input and output of this process.
pub fn serve_stdio() -> io::Result<()> {
    serve(io::stdin().lock(), io::stdout().lock())
}

/// If this process was started by [`crate::processes::Worker::spawn_self`], serve as
/// a worker and exit; otherwise return and let `main` go on.
///
/// Call it first thing in `main`. It lets any program, a book snippet included, be
/// its own worker without a second binary.
pub fn run_as_worker_if_asked() {
    if std::env::var_os(WORKER_ENV).is_some() {
        let code = match serve_stdio() {
            Ok(()) => 0,
            Err(_) => 1,
        };
        std::process::exit(code);
    }
}
