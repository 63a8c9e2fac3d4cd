//! Bad input and misbehaving workers: each a clear error that says what happened,
//! and the pool keeps serving.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use ch05_io::IoCore;

use ch08_processes::is_gone;
use ch08_processes::job::{
    ExitEarly, Job, Panic, Pid, PrintLine, ReplyWithWrongId, WaitForPath,
    WriteMalformedFrame, WriteOversizedLength,
};
use ch08_processes::pool::{JobError, ProcessPool, WorkerId, run_in_process};
use ch08_processes::{EventLoop, MAX_FRAME};
use common::{TempPath, WORKER, assert_all_gone, sigkill, until_running, with_pool};
use serde::{Deserialize, Serialize};
use test_support::{LIMIT, run_within};

/// Runs `job` on a pool of one worker, then a `Pid` job; returns the first job's
/// error, the worker that ran it, and the pid that answered the second.
fn fail_then_serve<J: Job + Send + 'static>(job: J) -> (JobError, WorkerId, u32) {
    with_pool(1, |_io, pool| async move {
        let failing = run_in_process(&pool, job);
        let error = failing.await.err().expect("the job fails");
        let worker = pool.worker_events()[0];
        let ch08_processes::pool::WorkerEvent::Started(worker) = worker else {
            unreachable!("the first event is the first start")
        };
        let next = run_in_process(&pool, Pid)
            .await
            .expect("the pool keeps serving");
        (error, worker, next)
    })
}

// ANCHOR: panic
#[test]
fn a_panicking_job_is_an_error_with_its_message_and_the_worker_lives_on() {
    let (error, worker, next) = fail_then_serve(Panic {
        message: "boom".into(),
    });
    let message = "boom".to_string();
    assert_eq!(error, JobError::Panicked { worker, message });
    assert_eq!(
        error.to_string(),
        format!("the job panicked in {worker}: boom")
    );
    assert_eq!(next, worker.pid, "the same process ran the next job");
}
// ANCHOR_END: panic

// ANCHOR: protocol
#[test]
fn a_malformed_frame_is_a_protocol_error_and_the_worker_is_replaced() {
    let (error, worker, next) = fail_then_serve(WriteMalformedFrame);
    assert_eq!(
        error.to_string(),
        format!(
            "{worker} broke the protocol: malformed frame: Hit the end of buffer, \
             expected more data (expected a response)"
        )
    );
    assert!(is_gone(worker.pid), "killed and reaped");
    assert_ne!(next, worker.pid, "a new worker ran the next job");
}

#[test]
fn an_oversized_length_is_refused_and_the_worker_is_replaced() {
    let (error, worker, next) = fail_then_serve(WriteOversizedLength);
    assert_eq!(
        error.to_string(),
        format!(
            "{worker} broke the protocol: frame length {} exceeds the limit of \
             {MAX_FRAME} bytes (a corrupt stream?)",
            u32::MAX
        )
    );
    assert!(is_gone(worker.pid));
    assert_ne!(next, worker.pid);
}

#[test]
fn a_println_in_a_job_reads_as_an_oversized_length() {
    let line = "hello".to_string();
    let (error, worker, next) = fail_then_serve(PrintLine { line });
    // "hell" read as a big-endian u32: 0x68_65_6c_6c.
    assert_eq!(u32::from_be_bytes(*b"hell"), 1_751_477_356);
    assert_eq!(
        error.to_string(),
        format!(
            "{worker} broke the protocol: frame length 1751477356 exceeds the \
             limit of {MAX_FRAME} bytes (a corrupt stream?)"
        )
    );
    assert_ne!(next, worker.pid);
}

#[test]
fn an_answer_to_another_job_is_a_protocol_error() {
    let (error, worker, next) = fail_then_serve(ReplyWithWrongId);
    assert_eq!(
        error.to_string(),
        format!(
            "{worker} broke the protocol: it answered job {} while running job 0",
            u64::MAX
        )
    );
    assert!(is_gone(worker.pid));
    assert_ne!(next, worker.pid);
}
// ANCHOR_END: protocol

// ANCHOR: early_exit
#[test]
fn a_worker_exiting_early_with_status_0_fails_its_job_and_is_replaced() {
    let (error, worker, next) = fail_then_serve(ExitEarly { code: 0 });
    assert_eq!(
        error.to_string(),
        format!("{worker} exited with status 0 while running the job")
    );
    assert!(is_gone(worker.pid));
    assert_ne!(next, worker.pid);
}
// ANCHOR_END: early_exit

// ANCHOR: unserializable
#[test]
fn a_job_whose_input_cannot_be_serialized_fails_before_anything_is_sent() {
    let not_utf8 = PathBuf::from(OsStr::from_bytes(b"/tmp/\xff"));
    with_pool(1, |_io, pool| async move {
        let job = run_in_process(&pool, WaitForPath { path: not_utf8 });
        assert!(job.is_done(), "failed at submission");
        let error = job.await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "the input of job `ch08_processes::job::WaitForPath` cannot be \
             serialized: postcard: Serde Serialization Error"
        );
        assert_eq!(pool.dispatched(), 0, "no worker saw it");
        run_in_process(&pool, Pid)
            .await
            .expect("the pool keeps serving");
    });
}
// ANCHOR_END: unserializable

// ANCHOR: unknown_job
/// A job this test defines: the worker binary was not built with it.
#[derive(Serialize, Deserialize)]
struct NotInTheWorker;

impl Job for NotInTheWorker {
    const NAME: &'static str = "bad_input::NotInTheWorker";
    type Output = ();
    fn run(self) {}
}

#[test]
fn a_job_the_worker_does_not_know_is_an_error_naming_it() {
    let (error, worker, next) = fail_then_serve(NotInTheWorker);
    assert_eq!(
        error.to_string(),
        format!("{worker} knows no job named `bad_input::NotInTheWorker`")
    );
    assert_eq!(next, worker.pid, "the worker is fine");
}
// ANCHOR_END: unknown_job

#[test]
fn a_pool_that_cannot_replace_its_worker_fails_its_jobs_instead_of_hanging() {
    // A copy of the worker program, deleted once the worker runs: a replacement
    // cannot be started.
    let program = TempPath::new("worker-copy");
    std::fs::copy(WORKER, program.path()).expect("copy the worker program");
    let never = TempPath::new("never");
    let (program_path, path) = (program.path().to_path_buf(), never.path().into());
    run_within(LIMIT, "a pool that breaks", move || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let pool = start_fresh_copy(&io, &program_path);
        drop(program); // deleted
        let pids = pool.pids_started();
        let (running, queued, later) = lp
            .run_until_complete(async move {
                let running = run_in_process(&pool, WaitForPath { path });
                let queued = run_in_process(&pool, Pid);
                until_running(&io, &running).await;
                sigkill(running.worker().unwrap().pid);
                let running = running.await;
                let queued = queued.await;
                (running, queued, run_in_process(&pool, Pid).await)
            })
            .unwrap();
        assert!(
            matches!(running, Err(JobError::WorkerDied { .. })),
            "{running:?}"
        );
        let broken = queued.unwrap_err();
        assert!(
            broken.to_string().starts_with(
                "the pool has no worker left: a worker could not be replaced: "
            ),
            "{broken}"
        );
        assert!(matches!(later, Err(JobError::Broken(_))), "{later:?}");
        assert_all_gone(&pids);
    });
}

/// Starts a pool of one worker from a program file just written. Another test's
/// fork may briefly hold the file open for writing (`ETXTBSY`): try again.
fn start_fresh_copy(io: &Rc<IoCore>, program: &Path) -> ProcessPool {
    let mut tries = 0;
    loop {
        match ProcessPool::start(io, 1, program) {
            Err(e)
                if e.raw_os_error()
                    == Some(rustix::io::Errno::TXTBSY.raw_os_error())
                    && tries < 100 =>
            {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            started => return started.expect("start the copy"),
        }
    }
}
