//! Processes: another pid, another memory, and a crash that stays in its own
//! process.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;

use ch01_three_models::processes::{
    Worker, WorkerError, cpu_work_as_processes, waits_as_processes,
};
use ch01_three_models::protocol::{Request, Response};
use ch01_three_models::tasks::cpu_work_as_tasks;
use ch01_three_models::threads::cpu_work_as_threads;
use ch01_three_models::worker::PROCESS_COUNTER;
use test_support::{LIMIT, join_within};

fn worker_program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ch01-worker"))
}

#[test]
fn a_worker_is_another_process() {
    let mut worker = Worker::spawn(worker_program()).unwrap();
    let Response::Hello { pid } = worker.ask(&Request::Hello).unwrap() else {
        panic!("a Hello should be answered with a Hello");
    };
    assert_ne!(
        pid,
        std::process::id(),
        "the worker should have its own pid"
    );
    assert_eq!(
        pid,
        worker.pid(),
        "the pid the worker reports is the one the OS gave the parent"
    );
    assert!(
        worker.finish().unwrap().success(),
        "closing stdin should end the worker cleanly"
    );
}

#[test]
fn each_waiting_process_is_a_separate_process() {
    let pids = waits_as_processes(worker_program(), 4).unwrap();
    let distinct: HashSet<_> = pids.iter().collect();
    assert_eq!(
        distinct.len(),
        4,
        "4 workers should report 4 different pids"
    );
    assert!(!distinct.contains(&std::process::id()));
}

// The only test that touches PROCESS_COUNTER in this test binary, so no other test
// races it.
#[test]
fn a_child_does_not_see_the_parents_memory() {
    PROCESS_COUNTER.store(42, Ordering::SeqCst);
    let mut worker = Worker::spawn(worker_program()).unwrap();
    let read = |worker: &mut Worker| match worker.ask(&Request::ReadCounter).unwrap()
    {
        Response::Counter { value } => value,
        other => panic!("expected a Counter reply, got {other:?}"),
    };
    assert_eq!(
        read(&mut worker),
        0,
        "a new program starts with its own, fresh statics"
    );

    PROCESS_COUNTER.store(43, Ordering::SeqCst);
    assert_eq!(
        read(&mut worker),
        0,
        "the parent's later write should not reach the child"
    );

    let reply = worker.ask(&Request::AddToCounter { amount: 5 }).unwrap();
    assert_eq!(reply, Response::Counter { value: 5 });
    assert_eq!(
        PROCESS_COUNTER.load(Ordering::SeqCst),
        43,
        "the child's write should not reach the parent"
    );

    // A thread, by contrast, reads and writes the parent's very counter.
    let thread = std::thread::spawn(|| {
        assert_eq!(
            PROCESS_COUNTER.load(Ordering::SeqCst),
            43,
            "a thread sees the parent's write"
        );
        PROCESS_COUNTER.fetch_add(1, Ordering::SeqCst);
    });
    join_within(thread, LIMIT, "the thread that adds 1 to end").unwrap();
    assert_eq!(
        PROCESS_COUNTER.load(Ordering::SeqCst),
        44,
        "the parent sees the thread's write"
    );
    worker.finish().unwrap();
}

#[test]
fn a_crashed_worker_is_an_error_not_a_crash() {
    let mut worker = Worker::spawn(worker_program()).unwrap();
    let error = worker
        .ask(&Request::Panic {
            message: "boom".into(),
        })
        .expect_err("a panicking worker cannot answer");
    let WorkerError::Died {
        status, last_words, ..
    } = &error
    else {
        panic!("expected WorkerError::Died, got {error:?}");
    };
    assert_eq!(
        status.code(),
        Some(101),
        "a Rust panic in main exits with code 101"
    );
    assert!(
        last_words.as_deref().unwrap_or("").contains("boom"),
        "the error should carry the worker's panic message, got {last_words:?}"
    );
    assert!(
        error.to_string().contains("died before replying"),
        "got: {error}"
    );

    // The parent is still here, and can start a new worker.
    let mut replacement = Worker::spawn(worker_program()).unwrap();
    assert!(matches!(
        replacement.ask(&Request::Hello),
        Ok(Response::Hello { .. })
    ));
    replacement.finish().unwrap();
}

#[test]
fn exit_in_one_thread_ends_the_whole_process() {
    let mut worker = Worker::spawn(worker_program()).unwrap();
    let error = worker
        .ask(&Request::ExitFromAThread { code: 7 })
        .unwrap_err();
    let WorkerError::Died { status, .. } = error else {
        panic!("expected WorkerError::Died, got {error:?}");
    };
    assert_eq!(
        status.code(),
        Some(7),
        "exit() in a second thread should end the worker's main thread too"
    );
}

#[test]
fn every_model_computes_the_same_answers() {
    let seeds = [11, 22, 33];
    let rounds = 100_000;
    let as_tasks = cpu_work_as_tasks(&seeds, rounds);
    let as_threads = cpu_work_as_threads(&seeds, rounds);
    let as_processes =
        cpu_work_as_processes(worker_program(), &seeds, rounds).unwrap();
    assert_eq!(
        as_tasks.results, as_threads.results,
        "tasks and threads disagree"
    );
    assert_eq!(
        as_tasks.results, as_processes.results,
        "tasks and processes disagree"
    );
    let pids: HashSet<_> = as_processes.pids.iter().collect();
    assert_eq!(pids.len(), 3, "each job should have run in its own process");
}

#[test]
fn the_wire_format_is_one_json_object_per_line() {
    use ch01_three_models::worker::serve;
    let input = b"{\"op\":\"cpu_work\",\"seed\":5,\"rounds\":3}\n{\"op\":\"read_counter\"}\n";
    let mut output = Vec::new();
    serve(&input[..], &mut output).unwrap();
    let text = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let expected_work = format!(
        "{{\"reply\":\"work\",\"result\":{},\"pid\":{}}}",
        ch01_three_models::workload::cpu_work(5, 3),
        std::process::id()
    );
    assert_eq!(
        lines.len(),
        2,
        "one reply line per request line, got {text:?}"
    );
    assert_eq!(lines[0], expected_work);
    assert!(
        lines[1].starts_with("{\"reply\":\"counter\",\"value\":"),
        "got {}",
        lines[1]
    );
}
