//! Async tasks: one thread, many waits, and a loop that nothing may block.

use std::collections::HashSet;
use std::sync::Arc;
use std::thread;

use ch01_three_models::tasks::{
    blocking_call_off_the_loop, cpu_work_as_tasks, start_a_loop_inside_a_loop,
    waits_as_tasks,
};
use ch01_three_models::workload::cpu_work;
use test_support::{Barrier, LIMIT, join_within};

#[test]
fn every_task_runs_on_the_loops_one_thread() {
    let seen = waits_as_tasks(100);
    let distinct: HashSet<_> = seen.iter().collect();
    assert_eq!(
        distinct.len(),
        1,
        "100 tasks, before and after their await, should all report the same thread \
         id"
    );
    assert_eq!(
        seen[0],
        thread::current().id(),
        "a current-thread runtime runs its tasks on the thread that called block_on"
    );
}

#[test]
fn ten_thousand_waits_fit_on_one_thread() {
    let seen = waits_as_tasks(10_000);
    let distinct: HashSet<_> = seen.iter().collect();
    assert_eq!(
        distinct.len(),
        1,
        "10,000 simultaneous waits should need only the loop's one thread"
    );
}

#[test]
fn a_waiting_task_is_a_few_hundred_bytes() {
    let barrier = tokio::sync::Barrier::new(2);
    let task = async {
        barrier.wait().await;
    };
    let bytes = std::mem::size_of_val(&task);
    // A spawned std thread gets a 2 MiB stack by default (std::thread docs).
    assert!(
        bytes < 1024,
        "a task waiting on a barrier should be a small state machine, not {bytes} \
         bytes"
    );
}

#[test]
fn a_task_doing_cpu_work_holds_the_loop() {
    let seeds = [1, 2, 3, 4];
    let run = cpu_work_as_tasks(&seeds, 200_000);
    assert_eq!(
        run.peak_overlap, 1,
        "tasks without an await in their CPU work should run it one at a time"
    );
    let expected: Vec<u64> = seeds.iter().map(|&s| cpu_work(s, 200_000)).collect();
    assert_eq!(
        run.results, expected,
        "the answers should not depend on who computes them"
    );
}

#[test]
fn blocking_work_belongs_on_another_thread() {
    let (loop_thread, blocking_thread) = blocking_call_off_the_loop();
    assert_ne!(
        loop_thread, blocking_thread,
        "spawn_blocking should run the blocking call on a pool thread, not on the \
         loop"
    );
}

#[test]
fn one_running_loop_per_thread() {
    let message =
        start_a_loop_inside_a_loop().expect_err("a loop inside a loop should panic");
    assert!(
        message.contains("Cannot start a runtime from within a runtime"),
        "unexpected panic message: {message}"
    );
    // ... while other threads may each run their own loop at the same time: each
    // loop's task waits at a barrier that opens only when all three are running.
    // Not scoped threads: a scope would wait for a stuck thread with no limit.
    let all_running = Arc::new(Barrier::new(3));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let all_running = all_running.clone();
            thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                // Blocking the loop is fine here: this task is all it runs. The
                // barrier panics, naming the wait, if the other loops never come.
                rt.block_on(async move {
                    all_running.wait_within(LIMIT, "the other two loops");
                    thread::current().id()
                })
            })
        })
        .collect();
    let per_thread: Vec<_> = handles
        .into_iter()
        .map(|h| join_within(h, LIMIT, "a thread's loop to finish").unwrap())
        .collect();
    let loop_threads: HashSet<_> = per_thread.iter().collect();
    assert_eq!(
        loop_threads.len(),
        3,
        "three threads should run three separate loops"
    );
}
