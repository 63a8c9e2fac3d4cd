//! `await` in a loop is sequential; `gather` and `spawn` are concurrent; `sleep`
//! yields; blocking code does not.

mod common;

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::{EventLoop, TimerCore, VirtualClock};
use ch06_patterns::gather;
use ch06_patterns::scenarios::{concurrent_sleeps, sequential_sleeps};
use common::{Log, run_logged, run_virtual, secs, virtual_loop_with_log};

#[test]
fn await_in_a_loop_is_sequential_the_times_add_up() {
    let (_, end) = sequential_sleeps();
    assert_eq!(end, secs(6.0), "1 + 2 + 3 s, one after another");
}

#[test]
fn gathered_sleeps_overlap_the_total_is_the_longest() {
    let (_, end) = concurrent_sleeps();
    assert_eq!(end, secs(3.0), "max(1, 2, 3) s, all at once");
}

#[test]
fn gather_returns_results_in_argument_order_not_completion_order() {
    let (lp, results, finished) = run_logged(|handle, f| async move {
        let jobs = [("a", 3), ("b", 1), ("c", 2)].map(|(name, s)| {
            let (h, f) = (handle.clone(), f.clone());
            async move {
                h.sleep(Duration::from_secs(s)).await;
                f.borrow_mut().push(name.to_string());
                name
            }
        });
        gather(&handle, jobs).await
    });
    assert_eq!(results, Ok(vec!["a", "b", "c"]), "argument order");
    assert_eq!(*finished.borrow(), ["b", "c", "a"], "completion order");
    assert_eq!(lp.time(), secs(3.0));
}

#[test]
fn gather_spawns_at_once_the_children_start_before_it_is_awaited() {
    let lp = EventLoop::virtual_time();
    let started = Rc::new(Cell::new(false));
    let s = started.clone();
    let all = gather(&lp.handle(), [async move { s.set(true) }]);
    assert!(!started.get(), "nothing runs inside gather()");
    lp.run_once();
    assert!(
        started.get(),
        "the child ran in the next iteration, gather not yet awaited"
    );
    assert_eq!(lp.run_until_complete(all).unwrap(), Ok(vec![()]));
}

#[test]
fn spawn_starts_in_the_next_iteration_without_being_awaited() {
    let (lp, log) = virtual_loop_with_log();
    let l = log.clone();
    let task = lp.spawn(async move { l.borrow_mut().push("task body ran".into()) });
    assert!(log.borrow().is_empty(), "spawn only queues the first step");
    lp.run_once();
    assert_eq!(*log.borrow(), ["task body ran"], "one iteration later");
    assert!(task.is_done(), "done without anyone awaiting it");
}

#[test]
fn a_task_whose_handle_is_dropped_runs_to_the_end_the_loop_owns_it() {
    let (lp, log) = virtual_loop_with_log();
    let (handle, l) = (lp.handle(), log.clone());
    drop(lp.spawn(async move {
        handle.sleep(secs(1.0)).await;
        l.borrow_mut()
            .push(format!("finished at {:?}", handle.time()));
    })); // no reference kept anywhere but in the loop's task table
    assert_eq!(lp.task_count(), 1);
    lp.run_until_idle();
    assert_eq!(*log.borrow(), ["finished at 1s"]);
}

#[test]
fn await_spawn_costs_two_iterations_await_directly_costs_none() {
    let (_, (direct, via_task)) = run_virtual(|handle| async move {
        let before = handle.iteration();
        let value = async { 42 }.await;
        let direct = handle.iteration() - before;
        assert_eq!(value, 42);

        let before = handle.iteration();
        let value = handle.spawn(async { 42 }).await.unwrap();
        let via_task = handle.iteration() - before;
        assert_eq!(value, 42);
        (direct, via_task)
    });
    assert_eq!(direct, 0, "awaiting a future runs it inline, in this step");
    assert_eq!(
        via_task, 2,
        "the child's step runs one iteration later, the parent's wake-up one more"
    );
}

/// Spawns a task A that runs `a(handle, log)`, then a task B that logs when it runs;
/// runs `lp` until idle and returns the log.
fn spawn_a_then_b<F>(
    lp: &EventLoop,
    a: impl FnOnce(Rc<TimerCore>, Log) -> F,
) -> Vec<String>
where
    F: Future<Output = ()> + 'static,
{
    let log = Log::default();
    lp.spawn(a(lp.handle(), log.clone()));
    let (h, l) = (lp.handle(), log.clone());
    lp.spawn(
        async move { l.borrow_mut().push(format!("B runs at {:?}", h.time())) },
    );
    lp.run_until_idle();
    log.take()
}

// ANCHOR: sleep_yields
#[test]
fn sleep_yields_while_one_task_sleeps_another_runs() {
    let log = spawn_a_then_b(&EventLoop::virtual_time(), |h, l| async move {
        l.borrow_mut().push(format!("A sleeps at {:?}", h.time()));
        h.sleep(secs(1.0)).await;
        l.borrow_mut().push(format!("A wakes at {:?}", h.time()));
    });
    assert_eq!(log, ["A sleeps at 0ns", "B runs at 0ns", "A wakes at 1s"]);
}
// ANCHOR_END: sleep_yields

#[test]
fn blocking_code_does_not_yield_the_other_task_waits_for_it() {
    // "Blocking" on a virtual clock: the task moves time forward without returning
    // to the loop, as `time.sleep(1)` or a second of CPU work would.
    let clock = VirtualClock::new();
    let lp = EventLoop::with_clock(clock.clone(), ch03_ready_queue::Tracing::Off);
    let log = spawn_a_then_b(&lp, |h, l| async move {
        l.borrow_mut().push(format!("A blocks at {:?}", h.time()));
        // no .await: the loop cannot run anything else meanwhile
        clock.advance(secs(1.0));
        l.borrow_mut().push(format!("A done at {:?}", h.time()));
    });
    assert_eq!(log, ["A blocks at 0ns", "A done at 1s", "B runs at 1s"]);
}
