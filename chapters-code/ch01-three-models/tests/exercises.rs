//! The chapter's exercises: these fail on the stubs and pass on a correct answer.
//!
//! Run one exercise with `cargo xtask exercise ch01 N`.

use std::collections::HashSet;
use std::path::Path;

use ch01_three_models::exercises::ex1_thread_ids::collect_thread_ids;
use ch01_three_models::exercises::ex2_parallel_sum::{PartialSum, parallel_sum};
use ch01_three_models::exercises::ex3_ask_worker::ask_worker_to_compute;
use ch01_three_models::workload::cpu_work;

#[test]
fn ex1_every_thread_records_its_id_in_one_list() {
    let ids = collect_thread_ids(8);
    assert_eq!(
        ids.len(),
        8,
        "expected 8 ids in the shared list (one per thread), found {}: did every \
         thread push onto the SAME Vec, and did you wait for all of them before \
         returning?",
        ids.len()
    );
    let distinct: HashSet<_> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        8,
        "expected 8 different thread ids, found {}",
        distinct.len()
    );
    assert!(
        !distinct.contains(&std::thread::current().id()),
        "the caller's own thread id is in the list: push from inside the spawned \
         threads"
    );
}

#[test]
fn ex1_zero_threads_give_an_empty_list() {
    assert!(collect_thread_ids(0).is_empty(), "no threads, no ids");
}

#[test]
fn ex2_the_parts_add_up_to_the_sequential_sum() {
    for (len, parts) in [(1000usize, 4usize), (1001, 4), (9, 4), (7, 1)] {
        let numbers: Vec<u64> = (1..=len as u64).collect();
        let expected: u64 = numbers.iter().sum();
        let sums = parallel_sum(&numbers, parts);
        assert_eq!(
            sums.len(),
            parts,
            "{len} numbers in {parts} parts should give {parts} partial sums, got \
             {}",
            sums.len()
        );
        let total: u64 = sums.iter().map(|p| p.sum).sum();
        assert_eq!(
            total, expected,
            "the partial sums of 1..={len} should add up to {expected}"
        );
    }
}

#[test]
fn ex2_each_part_is_summed_on_its_own_thread() {
    let numbers: Vec<u64> = (0..10_000).collect();
    let sums = parallel_sum(&numbers, 4);
    let threads: HashSet<_> = sums.iter().map(|p: &PartialSum| p.thread).collect();
    assert_eq!(
        threads.len(),
        4,
        "expected 4 parts on 4 different threads, saw {}",
        threads.len()
    );
    assert!(
        !threads.contains(&std::thread::current().id()),
        "a part was summed on the caller's thread: spawn a thread for every part"
    );
}

fn worker_program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ch01-worker"))
}

#[test]
fn ex3_the_worker_computes_in_another_process() {
    let answer = ask_worker_to_compute(worker_program(), 5, 10_000);
    let (result, pid) =
        answer.unwrap_or_else(|e| panic!("expected an answer, got the error: {e}"));
    assert_eq!(
        result,
        cpu_work(5, 10_000),
        "the worker's result should equal cpu_work(5, 10_000)"
    );
    assert_ne!(
        pid,
        std::process::id(),
        "the reply should carry the WORKER's pid (from Response::Work), not the \
         parent's"
    );
}

#[test]
fn ex3_a_missing_program_is_an_error_not_a_panic() {
    let answer = ask_worker_to_compute(Path::new("/no/such/worker"), 1, 1);
    assert!(
        answer.is_err(),
        "starting a program that does not exist should return Err, got {answer:?}"
    );
}
