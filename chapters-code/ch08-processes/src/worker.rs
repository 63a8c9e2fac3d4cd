//! The worker process: read a request from stdin, run the job it names, write the
//! response to stdout, and again, until stdin ends.
//!
//! CPython's worker is `_process_worker` in `Lib/concurrent/futures/process.py`: it
//! takes a `_CallItem` from the call queue, calls it, and puts a `_ResultItem` (the
//! result or the exception) on the result queue. An exception in the job is caught
//! and sent back; the worker goes on. Ours catches a panic the same way. The worker
//! binary (`src/bin/ch08-worker.rs`) only calls [`main`].

use std::fmt;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ch03_ready_queue::panic_message;
use serde::{Deserialize, Serialize};

use crate::frame::{Decoder, FrameError, decode, encode};
use crate::job::{
    Batch, Checksum, CountPrimes, CpuJob, Echo, ExitEarly, FileDownloadStatus, Job,
    Panic, Pid, PrintLine, ReplyWithWrongId, Sleep, ValueAfter, WaitForPath,
    WriteMalformedFrame, WriteOversizedLength,
};

// ANCHOR: wire
/// What the pool sends a worker: run the job called `name` on `input` (the job's
/// postcard bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Which job this is, for the response to name.
    pub id: u64,
    /// The job's [`Job::NAME`].
    pub name: String,
    /// The job itself, serialized. As serde *bytes*: one copy, not a sequence of
    /// `u8` handled one at a time.
    #[serde(with = "serde_bytes")]
    pub input: Vec<u8>,
}

/// What a worker sends back: the output's postcard bytes, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The request's id.
    pub id: u64,
    /// The job's output, serialized, or what went wrong in the worker.
    #[serde(with = "outcome_as_bytes")]
    pub outcome: Result<Vec<u8>, WorkerError>,
}

/// What can go wrong inside a worker that is still healthy afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerError {
    /// The worker knows no job of this name (pickle's "Can't get attribute").
    UnknownJob {
        /// The name asked for.
        name: String,
    },
    /// The input is not a valid encoding of the job named.
    BadInput {
        /// The job's name.
        name: String,
        /// What the decoder said.
        why: String,
    },
    /// The job panicked.
    Panicked {
        /// The panic's message.
        message: String,
    },
}
// ANCHOR_END: wire

/// `Response::outcome` with its output as serde bytes, as `Request::input` is.
mod outcome_as_bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_bytes::{ByteBuf, Bytes};

    use super::WorkerError;

    pub fn serialize<S: Serializer>(
        outcome: &Result<Vec<u8>, WorkerError>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        outcome
            .as_ref()
            .map(|bytes| Bytes::new(bytes))
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Result<Vec<u8>, WorkerError>, D::Error> {
        let outcome = Result::<ByteBuf, WorkerError>::deserialize(deserializer)?;
        Ok(outcome.map(ByteBuf::into_vec))
    }
}

impl Request {
    /// The request to run `job`: its name, and its postcard bytes as the input.
    /// Fails if serde refuses the job (a path that is not UTF-8, say).
    pub fn for_job<J: Job>(id: u64, job: &J) -> Result<Self, FrameError> {
        let input = postcard::to_stdvec(job)
            .map_err(|e| FrameError::Serialize(e.to_string()))?;
        let name = J::NAME.to_string();
        Ok(Request { id, name, input })
    }
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerError::UnknownJob { name } => {
                write!(f, "the worker knows no job named `{name}`")
            }
            WorkerError::BadInput { name, why } => {
                write!(f, "the input is not a `{name}`: {why}")
            }
            WorkerError::Panicked { message } => {
                write!(f, "the job panicked: {message}")
            }
        }
    }
}

impl std::error::Error for WorkerError {}

// ANCHOR: registry
/// How the worker runs a job it found by name: input bytes in, output bytes out.
type Runner = fn(&[u8]) -> Result<Vec<u8>, WorkerError>;

/// Every job the worker binary knows: its `import` table.
const JOBS: &[(&str, Runner)] = &[
    (CountPrimes::NAME, run::<CountPrimes>),
    (CpuJob::NAME, run::<CpuJob>),
    (WaitForPath::NAME, run::<WaitForPath>),
    (Echo::NAME, run::<Echo>),
    (Checksum::NAME, run::<Checksum>),
    (Pid::NAME, run::<Pid>),
    (Sleep::NAME, run::<Sleep>),
    (Panic::NAME, run::<Panic>),
    (PrintLine::NAME, run::<PrintLine>),
    (WriteMalformedFrame::NAME, run::<WriteMalformedFrame>),
    (WriteOversizedLength::NAME, run::<WriteOversizedLength>),
    (ReplyWithWrongId::NAME, run::<ReplyWithWrongId>),
    (ExitEarly::NAME, run::<ExitEarly>),
    (FileDownloadStatus::NAME, run::<FileDownloadStatus>),
    // For the exercises: `map` in chunks, and a job a test can hold back.
    (ValueAfter::NAME, run::<ValueAfter>),
    (Batch::<CountPrimes>::NAME, run::<Batch<CountPrimes>>),
    (Batch::<Pid>::NAME, run::<Batch<Pid>>),
    (Batch::<Panic>::NAME, run::<Batch<Panic>>),
    (Batch::<ValueAfter>::NAME, run::<Batch<ValueAfter>>),
];

/// Decodes a `J`, runs it, encodes its output; a panic becomes an error.
fn run<J: Job>(input: &[u8]) -> Result<Vec<u8>, WorkerError> {
    let job: J = decode(input).map_err(|e| WorkerError::BadInput {
        name: J::NAME.to_string(),
        why: e.to_string(),
    })?;
    let output =
        catch_unwind(AssertUnwindSafe(|| job.run())).map_err(|payload| {
            WorkerError::Panicked {
                message: panic_message(payload.as_ref()),
            }
        })?;
    Ok(postcard::to_stdvec(&output).expect("a job's output serializes"))
}

/// Runs the job `name` on `input`, as the worker would.
pub fn run_by_name(name: &str, input: &[u8]) -> Result<Vec<u8>, WorkerError> {
    match JOBS.iter().find(|(known, _)| *known == name) {
        Some((_, runner)) => runner(input),
        None => Err(WorkerError::UnknownJob {
            name: name.to_string(),
        }),
    }
}
// ANCHOR_END: registry

/// The names of the jobs the worker knows.
pub fn job_names() -> impl Iterator<Item = &'static str> {
    JOBS.iter().map(|(name, _)| *name)
}

// ANCHOR: serve
/// Serves requests from `input`, one at a time, writing each response to `output`,
/// until `input` ends between two frames. A stream that breaks inside a frame, or
/// a request that does not decode, is an error: the pool sent garbage.
pub fn serve(mut input: impl Read, mut output: impl Write) -> io::Result<()> {
    let mut decoder = Decoder::new();
    while let Some(payload) = next_frame(&mut input, &mut decoder)? {
        let request: Request = decode(&payload).map_err(invalid)?;
        let outcome = run_by_name(&request.name, &request.input);
        let response = Response {
            id: request.id,
            outcome,
        };
        output.write_all(&encode(&response).map_err(invalid)?)?;
        output.flush()?; // the pool is waiting for exactly this
    }
    Ok(())
}
// ANCHOR_END: serve

/// The next frame from a blocking reader, `None` at a clean end of the stream.
fn next_frame(
    input: &mut impl Read,
    decoder: &mut Decoder,
) -> io::Result<Option<Vec<u8>>> {
    let mut buf = [0; 64 * 1024];
    loop {
        if let Some(payload) = decoder.next_frame().map_err(invalid)? {
            return Ok(Some(payload));
        }
        match input.read(&mut buf) {
            Ok(0) => return decoder.finish().map(|()| None).map_err(invalid),
            Ok(n) => decoder.push(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn invalid(error: FrameError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

/// The worker binary's `main`: serve stdin to stdout; exit 0 when the pool closes
/// stdin, 2 (with the reason on stderr) if the pool sent garbage.
pub fn main() -> std::process::ExitCode {
    // A panic is the job's error, sent back to the pool with its message; the
    // default hook would also print it on the shared stderr.
    std::panic::set_hook(Box::new(|_| {}));
    match serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ch08-worker {}: {error}", std::process::id());
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_has_its_own_name() {
        let mut names: Vec<_> = job_names().collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), JOBS.len());
    }
}
