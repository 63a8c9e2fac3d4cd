//! What the crate's tests share: the worker binary, a loop with a pool on a bounded
//! helper thread, waiting for a job to start, a file to wait for, a kill, a loop run
//! within the tests' limit, and counting this process's threads in a copy of the
//! test binary that runs one test alone.

// Each test file uses some of these.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ch05_io::IoCore;
use ch06_patterns::wait_for;
use ch08_processes::pool::{JobFuture, ProcessPool};
use ch08_processes::{EventLoop, is_gone};
use test_support::{LIMIT, run_within};

/// The worker program, built by cargo before the tests.
pub const WORKER: &str = env!("CARGO_BIN_EXE_ch08-worker");

/// Runs `body` as a task on a fresh loop with a pool of `workers`, on a helper
/// thread bounded by [`LIMIT`] (a broken claim fails, never hangs). Then drops the
/// pool and the loop, and asserts that every worker the pool ever started is gone:
/// killed or exited, and reaped.
pub fn with_pool<T, F, Fut>(workers: usize, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce(Rc<IoCore>, Rc<ProcessPool>) -> Fut + Send + 'static,
    Fut: Future<Output = T> + 'static,
{
    run_within(LIMIT, "the test's loop and pool", move || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let pool =
            ProcessPool::start(&io, workers, WORKER).expect("start the workers");
        let pool = Rc::new(pool);
        let output = lp
            .run_until_complete(body(io, pool.clone()))
            .expect("the test's task ends");
        let pids = pool.pids_started();
        drop(pool);
        drop(lp); // and any task still holding the pool
        assert_all_gone(&pids);
        output
    })
}

/// Asserts that no process in `pids` is left, running or zombie.
pub fn assert_all_gone(pids: &[u32]) {
    for &pid in pids {
        assert!(is_gone(pid), "worker pid {pid} is still there");
    }
}

/// Waits on the loop until a worker has taken `job`.
pub async fn until_running<T>(io: &Rc<IoCore>, job: &JobFuture<T>) {
    while !job.is_running() {
        assert!(!job.is_done(), "the job ended before it was seen running");
        io.sleep(Duration::from_millis(1)).await;
    }
}

/// Sends SIGKILL to `pid`.
pub fn sigkill(pid: u32) {
    let pid = rustix::process::Pid::from_raw(pid as i32).expect("a pid");
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).expect("kill");
}

/// A path no other test uses, removed when dropped: for `WaitForPath` jobs.
#[derive(Debug)]
pub struct TempPath(PathBuf);

impl TempPath {
    /// A fresh path in the temporary directory, named after `what`.
    pub fn new(what: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("ch08-{what}-{}-{n}", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Creates the file: a `WaitForPath` job on it returns.
    pub fn create(&self) {
        std::fs::write(&self.0, b"").expect("create the file");
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `fut` to completion on `lp`, on this thread, within the tests' limit: a
/// deadlock fails the test instead of hanging it, and the future dropped at the
/// limit drops what it owns (a `Subprocess` kills and reaps its child). No helper
/// thread, so a test may count this process's threads around it.
pub fn run_bounded<F: Future + 'static>(lp: &EventLoop, fut: F) -> F::Output {
    let bounded = wait_for(lp.io().timers(), fut, LIMIT);
    let done = lp.run_until_complete(bounded).expect("the loop runs");
    done.unwrap_or_else(|_| panic!("not done within {LIMIT:?}"))
}

/// The number of threads this process has now, as the kernel counts them (the
/// `Threads:` line of `/proc/self/status`).
pub fn threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("read status");
    let line = status.lines().find(|l| l.starts_with("Threads:"));
    let count = line.and_then(|l| l.split_whitespace().nth(1));
    count.expect("a Threads: line").parse().expect("a number")
}

/// Set in the copy of the test binary that [`runs_alone`] starts.
const ALONE: &str = "CH08_TEST_ALONE";

/// Whether this process may run `test`: only a copy of this test binary that
/// runs `test` and nothing else, where no other test starts or ends a thread
/// while `test` counts them. Called in any other process, it runs that copy,
/// asserts it passed, and returns `false`.
pub fn runs_alone(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut copy = Command::new(exe)
        .args([test, "--exact", "--test-threads=1"])
        .env(ALONE, "1")
        .stdout(Stdio::piped()) // a few hundred bytes: the pipe holds them
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a copy of the test binary");
    let deadline = Instant::now() + LIMIT;
    while copy.try_wait().expect("poll the copy").is_none() {
        if Instant::now() > deadline {
            let _ = copy.kill();
            let _ = copy.wait();
            panic!("the copy running {test} alone did not end within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = copy.wait_with_output().expect("collect the copy's output");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{test} failed when run alone:\n{said}"
    );
    assert!(
        said.contains("1 passed"),
        "{test} did not run alone:\n{said}"
    );
    false
}
