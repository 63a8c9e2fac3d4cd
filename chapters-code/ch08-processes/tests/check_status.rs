//! The book's running example, `check_status`, with its blocking lookup in a worker
//! process: the notes' `run_in_executor(None, ...)` with a process pool in place of
//! the thread pool.

mod common;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use ch05_io::IoCore;
use ch06_patterns::gather;
use ch08_processes::job::FileDownloadStatus;
use ch08_processes::pool::{ProcessPool, run_in_process};
use common::{TempPath, with_pool};

// ANCHOR: check_status
/// `async def check_status(p): return await loop.run_in_executor(pool, ...)`, with
/// a process pool: the body runs on the loop, the lookup in a worker process.
async fn check_status(
    pool: Rc<ProcessPool>,
    period: &'static str,
    ready: PathBuf,
    log: Rc<RefCell<Vec<String>>>,
) -> (String, u32) {
    log.borrow_mut().push(format!("body started {period}"));
    let lookup = FileDownloadStatus {
        period: period.to_string(),
        ready,
    };
    let (status, pid) = run_in_process(&pool, lookup).await.expect("no crash");
    log.borrow_mut().push(format!("got {status}"));
    (status, pid)
}

#[test]
fn three_checks_run_in_worker_processes_while_the_loop_ticks() {
    let (statuses, log) = with_pool(3, |io: Rc<IoCore>, pool| async move {
        let log = Rc::new(RefCell::new(Vec::new()));
        let ready = TempPath::new("report-ready");
        // Another task on the loop: three ticks, then the reports are ready.
        let (ticks, tick_log) = (io.clone(), log.clone());
        let ready_path = ready.path().to_path_buf();
        io.spawn(async move {
            for i in 1..=3 {
                tick_log.borrow_mut().push(format!("tick {i}"));
                ticks.sleep(Duration::from_millis(1)).await;
            }
            std::fs::write(&ready_path, b"").expect("create the file");
        });
        let periods = ["2026-09", "2026-10", "2026-11"];
        let checks = periods.map(|p| {
            check_status(pool.clone(), p, ready.path().to_path_buf(), log.clone())
        });
        let statuses = gather(io.timers().core(), checks).await.unwrap();
        let log = log.borrow().clone();
        (statuses, log)
    });
    let lines: Vec<&str> = statuses.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        lines,
        ["2026-09: ready", "2026-10: ready", "2026-11: ready"]
    );
    let pids: Vec<u32> = statuses.iter().map(|(_, pid)| *pid).collect();
    assert!(
        pids.iter().all(|&pid| pid != std::process::id()),
        "in workers"
    );
    // The four tasks start in spawn order, the ticker first. The loop goes on
    // ticking while the lookups run in the workers, and every answer comes after
    // the third tick: only then are the reports ready.
    assert_eq!(
        log[..6],
        [
            "tick 1",
            "body started 2026-09",
            "body started 2026-10",
            "body started 2026-11",
            "tick 2",
            "tick 3"
        ]
    );
    assert!(
        log[6..].iter().all(|line| line.starts_with("got ")),
        "{log:?}"
    );
}
// ANCHOR_END: check_status
