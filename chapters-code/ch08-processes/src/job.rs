//! Jobs: what a worker process can run, and how a job is named.
//!
//! Python sends a function to a worker process *by reference*: `pickle` writes the
//! function's module and qualified name, never its code (`save_global` in
//! `Lib/pickle.py`), and the worker imports the module and looks the name up. A
//! name it cannot find fails there: `AttributeError: Can't get attribute 'f' on
//! <module '__main__'>` (`_getattribute`, same file). A Rust program cannot load
//! code it was not compiled with either, so a job here is the same pair: a name the
//! worker binary knows, and an input that serde can turn into bytes.
//!
//! The jobs below are the ones the worker binary knows (its registry is in
//! [`crate::worker`]): real work for the tests and the benchmark, and a few that
//! misbehave on purpose, to show what the pool does with a broken worker.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::worker::Response;

// ANCHOR: job
/// A function a worker process can run, by name: the input is the job itself.
pub trait Job: Serialize + DeserializeOwned {
    /// What the worker looks the job up by: its path in the crate, as pickle names
    /// a function by module and qualified name.
    const NAME: &'static str;
    /// What the job returns, sent back to the pool as bytes.
    type Output: Serialize + DeserializeOwned;
    /// Runs the job; this happens in the worker process.
    fn run(self) -> Self::Output;
}
// ANCHOR_END: job

/// Declares a job's name as its path: `ch08_processes::job::CountPrimes`.
macro_rules! job_name {
    ($job:ident) => {
        concat!(module_path!(), "::", stringify!($job))
    };
}

// ANCHOR: count_primes
/// Counts the primes below `below`, by trial division: CPU work with a result a
/// test can check (there are 25 primes below 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountPrimes {
    /// The bound, not included.
    pub below: u64,
}

impl Job for CountPrimes {
    const NAME: &'static str = job_name!(CountPrimes);
    type Output = u64;

    fn run(self) -> u64 {
        let is_prime =
            |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0);
        (0..self.below).filter(|&n| is_prime(n)).count() as u64
    }
}
// ANCHOR_END: count_primes

/// [Chapter 6](ch06_patterns::cpu)'s CPU-bound job, `cpu_job(seed, rounds)`: the
/// same work for the thread-versus-process benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuJob {
    /// Where the hash chain starts.
    pub seed: u64,
    /// How many steps it takes.
    pub rounds: u64,
}

impl Job for CpuJob {
    const NAME: &'static str = job_name!(CpuJob);
    type Output = u64;

    fn run(self) -> u64 {
        ch06_patterns::cpu::cpu_job(self.seed, self.rounds)
    }
}

/// How long [`WaitForPath`] waits before it gives up.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10);

/// Waits until `path` exists, for at most [`WAIT_LIMIT`], and says whether it
/// appeared. A test holds a worker busy with it, for exactly as long as it wants:
/// until it creates the file. Order claims need no sleeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitForPath {
    /// The file to wait for.
    pub path: PathBuf,
}

impl Job for WaitForPath {
    const NAME: &'static str = job_name!(WaitForPath);
    type Output = bool;

    fn run(self) -> bool {
        let deadline = Instant::now() + WAIT_LIMIT;
        while !self.path.exists() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }
}

/// Returns its bytes: a job whose cost is moving data (1 MiB each way, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Echo(#[serde(with = "serde_bytes")] pub Vec<u8>);

impl Job for Echo {
    const NAME: &'static str = job_name!(Echo);
    /// Bytes as serde *bytes*, like the input (see [`crate::worker::Request`]).
    type Output = serde_bytes::ByteBuf;

    fn run(self) -> serde_bytes::ByteBuf {
        serde_bytes::ByteBuf::from(self.0)
    }
}

/// The sum of its bytes: a job whose input is large and whose output is small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum(#[serde(with = "serde_bytes")] pub Vec<u8>);

impl Job for Checksum {
    const NAME: &'static str = job_name!(Checksum);
    type Output = u64;

    fn run(self) -> u64 {
        self.0.iter().map(|&b| u64::from(b)).sum()
    }
}

/// The pid of the worker that runs it: which process did the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pid;

impl Job for Pid {
    const NAME: &'static str = job_name!(Pid);
    type Output = u32;

    fn run(self) -> u32 {
        std::process::id()
    }
}

/// Sleeps for `ms` milliseconds: a job that holds a worker without using a CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sleep {
    /// How long, in milliseconds.
    pub ms: u64,
}

impl Job for Sleep {
    const NAME: &'static str = job_name!(Sleep);
    type Output = ();

    fn run(self) {
        std::thread::sleep(Duration::from_millis(self.ms));
    }
}

/// Panics with `message`: a job with a bug. The worker catches the panic and
/// reports it; the worker process lives on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panic {
    /// What the panic says.
    pub message: String,
}

impl Job for Panic {
    const NAME: &'static str = job_name!(Panic);
    type Output = ();

    fn run(self) {
        panic!("{}", self.message);
    }
}

// ANCHOR: misbehaving
/// Prints `line` with `println!`: a job that forgets that the worker's stdout is
/// the pipe to the pool. Its first four bytes are read as a frame's length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintLine {
    /// What to print.
    pub line: String,
}

impl Job for PrintLine {
    const NAME: &'static str = job_name!(PrintLine);
    type Output = ();

    fn run(self) {
        println!("{}", self.line);
    }
}

/// Ends the worker process with exit status `code` in the middle of the job, with
/// no answer: `os._exit(0)` inside a job (`sys.exit` would be a panic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitEarly {
    /// The exit status.
    pub code: i32,
}

impl Job for ExitEarly {
    const NAME: &'static str = job_name!(ExitEarly);
    type Output = ();

    fn run(self) {
        std::process::exit(self.code);
    }
}
// ANCHOR_END: misbehaving

/// Writes a frame whose payload is not a response, before the real response: a
/// worker that corrupts its own stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteMalformedFrame;

impl Job for WriteMalformedFrame {
    const NAME: &'static str = job_name!(WriteMalformedFrame);
    type Output = ();

    fn run(self) {
        // 3 bytes of 0xff: the id's varint runs past the end of the payload.
        write_to_stdout(&[0, 0, 0, 3, 0xff, 0xff, 0xff]);
    }
}

/// Writes a length prefix of 4 GiB: garbage that a reader would trust if it did
/// not check the length against [`MAX_FRAME`](crate::MAX_FRAME).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOversizedLength;

impl Job for WriteOversizedLength {
    const NAME: &'static str = job_name!(WriteOversizedLength);
    type Output = ();

    fn run(self) {
        write_to_stdout(&u32::MAX.to_be_bytes());
    }
}

/// Answers with another job's id before its own answer: a worker whose replies
/// cannot be trusted to match its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyWithWrongId;

impl Job for ReplyWithWrongId {
    const NAME: &'static str = job_name!(ReplyWithWrongId);
    type Output = ();

    fn run(self) {
        let stray = Response {
            id: u64::MAX,
            outcome: Ok(Vec::new()),
        };
        write_to_stdout(&crate::encode(&stray).expect("a response encodes"));
    }
}

// ANCHOR: batch
/// A job whose inputs may travel in chunks: [`Batch<Self>`] is a job too, with this
/// name. A name must be a constant the worker can look up, so each batchable job
/// states its batch's name.
pub trait Batchable: Job {
    /// The name of [`Batch<Self>`].
    const BATCH_NAME: &'static str;
}

/// Many inputs of one job, run in turn by one worker, outputs in input order:
/// multiprocessing's `mapstar` (`Lib/multiprocessing/pool.py`), which `Pool.map`
/// sends once per chunk. One request frame and one response frame for the lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch<J>(pub Vec<J>);

impl<J: Batchable> Job for Batch<J> {
    const NAME: &'static str = J::BATCH_NAME;
    type Output = Vec<J::Output>;

    fn run(self) -> Self::Output {
        self.0.into_iter().map(Job::run).collect()
    }
}
// ANCHOR_END: batch

/// Declares a batch's name: `ch08_processes::job::Batch<CountPrimes>`.
macro_rules! batch_name {
    ($job:ident) => {
        concat!(module_path!(), "::Batch<", stringify!($job), ">")
    };
}

impl Batchable for CountPrimes {
    const BATCH_NAME: &'static str = batch_name!(CountPrimes);
}

impl Batchable for Pid {
    const BATCH_NAME: &'static str = batch_name!(Pid);
}

impl Batchable for Panic {
    const BATCH_NAME: &'static str = batch_name!(Panic);
}

/// Returns `value` once `path` exists, at once if there is no path: a job whose
/// output says which input it was, and which a test can hold back. `None` if the
/// path did not appear within [`WAIT_LIMIT`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueAfter {
    /// What to return.
    pub value: u64,
    /// The file to wait for first, if any.
    pub path: Option<PathBuf>,
}

impl Job for ValueAfter {
    const NAME: &'static str = job_name!(ValueAfter);
    type Output = Option<u64>;

    fn run(self) -> Option<u64> {
        let appeared = match self.path {
            Some(path) => WaitForPath { path }.run(),
            None => true,
        };
        appeared.then_some(self.value)
    }
}

impl Batchable for ValueAfter {
    const BATCH_NAME: &'static str = batch_name!(ValueAfter);
}

// ANCHOR: file_download_status
/// The book's running example, `check_status`'s blocking lookup, done in a worker
/// process: it waits until the report for `period` is ready (a test makes it ready
/// by creating the file `ready`), then says so, with the pid of the process that
/// looked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDownloadStatus {
    /// The report's period, `"2026-11"`.
    pub period: String,
    /// The file whose existence means "ready".
    pub ready: PathBuf,
}

impl Job for FileDownloadStatus {
    const NAME: &'static str = job_name!(FileDownloadStatus);
    type Output = (String, u32);

    fn run(self) -> (String, u32) {
        let ready = WaitForPath { path: self.ready }.run();
        let status = if ready { "ready" } else { "not ready" };
        (format!("{}: {status}", self.period), std::process::id())
    }
}
// ANCHOR_END: file_download_status

/// Writes `bytes` to this process's stdout: in the worker, the pipe to the pool.
fn write_to_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    // A misbehaving job: if the pool has gone, there is no one to misbehave for.
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jobs_name_is_its_path_in_the_crate() {
        assert_eq!(CountPrimes::NAME, "ch08_processes::job::CountPrimes");
        assert_eq!(Pid::NAME, "ch08_processes::job::Pid");
    }

    #[test]
    fn the_real_jobs_compute_what_they_say() {
        assert_eq!(CountPrimes { below: 100 }.run(), 25);
        assert_eq!(Checksum(vec![1, 2, 250]).run(), 253);
        assert_eq!(Echo(vec![7; 3]).run(), [7, 7, 7]);
        assert_eq!(Pid.run(), std::process::id());
        let cpu = CpuJob {
            seed: 1,
            rounds: 10,
        };
        assert_eq!(cpu.run(), ch06_patterns::cpu::cpu_job(1, 10));
    }

    #[test]
    fn a_batch_runs_each_input_in_order_under_its_own_name() {
        let batch = Batch(vec![CountPrimes { below: 10 }, CountPrimes { below: 3 }]);
        assert_eq!(batch.run(), [4, 1]);
        assert_eq!(
            Batch::<CountPrimes>::NAME,
            "ch08_processes::job::Batch<CountPrimes>"
        );
        let now = ValueAfter {
            value: 7,
            path: None,
        };
        assert_eq!(now.run(), Some(7));
    }
}
