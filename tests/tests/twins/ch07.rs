//! Chapter 7's twin against our loop: the chapter's round trip (one `to_thread` call
//! whose job waits at a gate, opened only once the loop sleeps in `select`) logs
//! what the twin's oracle prints.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use ch07_executors::EventLoop;
use ch07_executors::scenarios::wait_until;

#[test]
fn our_loop_logs_the_twins_to_thread_round_trip() {
    let lp = EventLoop::traced();
    let core = lp.handle();
    let loop_thread = thread::current().id();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (open, gate) = mpsc::channel::<()>();
    let (to_loop, helper_log) = (lp.threadsafe(), log.clone());
    let helper = thread::spawn(move || {
        let asleep = wait_until(|| to_loop.is_parked());
        helper_log
            .lock()
            .unwrap()
            .push("helper: the loop sleeps in select(None); open the gate".into());
        let _ = open.send(()); // open the gate in any case, so nothing hangs
        asleep
    });
    let (task_log, job_log) = (log.clone(), log.clone());
    lp.run_until_complete(async move {
        task_log
            .lock()
            .unwrap()
            .push("task: to_thread(job), then await it".into());
        let job = core.to_thread(move || {
            gate.recv_timeout(Duration::from_secs(10))
                .expect("the gate opens");
            let name = thread::current().name().unwrap_or("?").to_string();
            job_log
                .lock()
                .unwrap()
                .push(format!("job: on {name}, returns 42"));
            42
        });
        let value = job.await.expect("the job does not panic");
        let home = match thread::current().id() == loop_thread {
            true => "True", // Python's spelling
            false => "False",
        };
        task_log.lock().unwrap().push(format!(
            "task: resumed with {value}, on the loop's thread: {home}"
        ));
    })
    .expect("the task finishes");
    assert!(helper.join().unwrap(), "the loop slept in select");
    let steps = lp
        .trace_lines()
        .iter()
        .filter(|l| *l == "poll Task-1")
        .count();
    let mut ours = log.lock().unwrap().clone();
    ours.push(format!("task: {steps} steps"));
    let printed = book_tests::twins::oracle_output("ch07-executors.md", "twin_ch07.py");
    assert_eq!(ours, printed, "our loop against the twin's oracle");
}
