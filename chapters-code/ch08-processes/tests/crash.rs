//! A worker killed in the middle of a job: that job fails, naming the worker and
//! the signal; the worker is reaped and replaced; the other jobs are not touched.

mod common;

use std::os::unix::process::ExitStatusExt;

use ch08_processes::is_gone;
use ch08_processes::job::{Pid, WaitForPath};
use ch08_processes::pool::{JobError, WorkerEvent, WorkerId, run_in_process};
use common::{TempPath, sigkill, until_running, with_pool};

// ANCHOR: crash
/// The worker's task sees its stdout end mid-job; `retire` reaps the worker
/// through its pidfd before the job's error is given.
#[test]
fn a_worker_killed_mid_job_fails_that_job_naming_it_and_the_signal() {
    let never = TempPath::new("crash"); // never created: the job runs until killed
    let path = never.path().to_path_buf();
    with_pool(1, move |io, pool| async move {
        let running = run_in_process(&pool, WaitForPath { path });
        let later = [run_in_process(&pool, Pid), run_in_process(&pool, Pid)];
        until_running(&io, &running).await;
        let victim = running.worker().expect("a worker has it");
        sigkill(victim.pid);

        let error = running.await.unwrap_err();
        let JobError::WorkerDied { worker, status } = &error else {
            panic!("expected WorkerDied, got {error:?}");
        };
        assert_eq!(
            (*worker, status.code(), status.signal()),
            (victim, None, Some(9))
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{victim} was killed by signal 9 (SIGKILL) while running the job"
            )
        );
        assert!(
            is_gone(victim.pid),
            "reaped before the error was given: no zombie"
        );

        // The jobs queued behind it run on a new worker.
        let [a, b] = later;
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        let replacement = WorkerId { number: 2, pid: a };
        assert_eq!(b, a, "both on the replacement");
        assert_ne!(a, victim.pid);
        assert_eq!(pool.workers(), [replacement]);
        assert_eq!(
            pool.worker_events()[..3],
            [
                WorkerEvent::Started(victim),
                WorkerEvent::Exited {
                    worker: victim,
                    status: *status
                },
                WorkerEvent::Started(replacement),
            ]
        );
    });
}
// ANCHOR_END: crash

#[test]
fn a_crash_fails_only_the_job_that_was_running_not_the_pool() {
    let (doomed, spared) = (TempPath::new("doomed"), TempPath::new("spared"));
    let (doomed_path, spared_path) = (doomed.path().into(), spared.path().into());
    with_pool(2, move |io, pool| async move {
        let doomed = run_in_process(&pool, WaitForPath { path: doomed_path });
        let spared_job = run_in_process(&pool, WaitForPath { path: spared_path });
        until_running(&io, &doomed).await;
        until_running(&io, &spared_job).await;
        sigkill(doomed.worker().expect("running").pid);
        assert!(matches!(doomed.await, Err(JobError::WorkerDied { .. })));
        // CPython's ProcessPoolExecutor would fail this one too (BrokenProcessPool).
        spared.create();
        assert_eq!(spared_job.await, Ok(true));
        assert_eq!(pool.workers().len(), 2, "the dead worker was replaced");
    });
}
