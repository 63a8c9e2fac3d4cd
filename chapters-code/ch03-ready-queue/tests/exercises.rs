//! Tests for the chapter 3 exercises. Run one with `cargo xtask exercise ch03 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use ch02_lazy_futures::countdown::Countdown;
use ch03_ready_queue::EventLoop;
use ch03_ready_queue::exercises::ex1_call_after_iterations::call_after_iterations;
use ch03_ready_queue::exercises::ex2_join_all::join_all;
use ch03_ready_queue::exercises::ex3_drain_all::run_once_draining;
use common::{log, logs, push, run_main_expecting};

// ---- Exercise 1: call_after_iterations
// ---------------------------------------------------

/// The iteration (1 = the first) in which a callback queued with `n` ran.
fn iteration_of(n: u32) -> Option<u64> {
    let lp = EventLoop::new();
    let ran_in: Rc<RefCell<Option<u64>>> = Rc::default();
    let (r, core) = (ran_in.clone(), lp.handle());
    call_after_iterations(&lp.handle(), n, move || {
        *r.borrow_mut() = Some(core.iteration())
    });
    for _ in 0..10 {
        lp.run_once();
    }
    *ran_in.borrow()
}

#[test]
fn ex1_zero_iterations_is_call_soon() {
    assert_eq!(
        iteration_of(0),
        Some(1),
        "with n = 0 the callback should run in the next iteration, like call_soon"
    );
}

#[test]
fn ex1_n_iterations_later() {
    for n in [1, 3, 5] {
        assert_eq!(
            iteration_of(n),
            Some(1 + u64::from(n)),
            "with n = {n} the callback should run in iteration {}",
            1 + n
        );
    }
}

#[test]
fn ex1_other_callbacks_keep_running_meanwhile() {
    let lp = EventLoop::new();
    let seen = log();
    call_after_iterations(&lp.handle(), 2, logs(&seen, "late"));
    lp.call_soon(logs(&seen, "soon"));
    lp.run_once();
    assert_eq!(
        *seen.borrow(),
        ["soon"],
        "iteration 1 runs only the call_soon callback"
    );
    lp.run_once();
    lp.run_once();
    assert_eq!(*seen.borrow(), ["soon", "late"]);
}

// ---- Exercise 2: join_all
// ----------------------------------------------------------------

#[test]
fn ex2_results_come_in_the_order_of_the_handles() {
    let (_, results) = run_main_expecting(
        "the loop should run join_all to the end",
        |core| async move {
            let slow = core.spawn(async {
                Countdown::new(3).await;
                "slow"
            });
            let fast = core.spawn(async { "fast" });
            join_all(vec![slow, fast]).await
        },
    );
    let results: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        results,
        ["slow", "fast"],
        "results must follow the order of the handles, not the order the tasks \
         finished"
    );
}

#[test]
fn ex2_waits_for_every_task() {
    let seen = log();
    let s = seen.clone();
    let (_, count) = run_main_expecting(
        "the loop should run join_all to the end",
        |core| async move {
            let handles = (0..3)
                .map(|i| {
                    let s = s.clone();
                    core.spawn(async move {
                        Countdown::new(i).await;
                        push(&s, format!("task {i} done"));
                    })
                })
                .collect();
            let results = join_all(handles).await;
            push(&s, "join_all returned");
            results.len()
        },
    );
    assert_eq!(count, 3);
    assert_eq!(
        seen.borrow().last().map(String::as_str),
        Some("join_all returned"),
        "join_all returned before every task was done: {:?}",
        seen.borrow()
    );
}

#[test]
fn ex2_reports_a_panicked_task_in_its_place() {
    let (_, results) = run_main_expecting(
        "a panicking task must not stop join_all",
        |core| async move {
            let ok = core.spawn(async { 1 });
            let bad = core.spawn_named("bad", async { panic!("oops") });
            join_all(vec![ok, bad]).await
        },
    );
    assert_eq!(results[0], Ok(1));
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "task bad panicked: oops"
    );
}

// ---- Exercise 3: run_once_draining
// -------------------------------------------------------

#[test]
fn ex3_drains_callbacks_queued_during_the_iteration() {
    let lp = EventLoop::traced();
    let seen = log();
    let (core, s) = (lp.handle(), seen.clone());
    lp.call_soon(move || {
        push(&s, "a");
        core.call_soon(logs(&s, "b, queued by a"));
    });
    let ran = run_once_draining(&lp);
    assert_eq!(
        *seen.borrow(),
        ["a", "b, queued by a"],
        "a draining iteration also runs what its callbacks queue"
    );
    assert_eq!(ran, 2, "it ran two callbacks");
    assert_eq!(lp.ready_len(), 0, "the queue is empty afterwards");
    let iterations = lp
        .trace_lines()
        .iter()
        .filter(|l| l.starts_with("iteration"))
        .count();
    assert_eq!(
        iterations, 1,
        "all of it is one iteration: call begin_iteration once"
    );
}

#[test]
fn ex3_runs_task_steps_to_the_end_in_one_iteration() {
    let lp = EventLoop::new();
    let task = lp.spawn(Countdown::new(3));
    let ran = run_once_draining(&lp);
    assert_eq!(
        ran, 4,
        "four steps: three Pending (each wakes itself), then Ready"
    );
    assert_eq!(task.try_take(), Some(Ok(3)));
}
