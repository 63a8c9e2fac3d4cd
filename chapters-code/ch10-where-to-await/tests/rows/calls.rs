//! The rows about async calls: calling versus awaiting, an un-awaited sleep, a task
//! kept for later, and `await spawn(c)` versus `await c`.

use std::cell::Cell;
use std::rc::Rc;

use ch07_executors::{EventLoop, ThreadedCore};

use crate::support::{DropGuard, Log, push, run, secs};

/// The notes' running example (`check_status`), cut to what the rows need: it
/// logs that its body ran, and returns how many tasks were alive while it ran.
async fn count_live_tasks(core: Rc<ThreadedCore>, log: Log) -> usize {
    push(&log, "count_live_tasks runs");
    core.task_count()
}

// ANCHOR: calling_vs_awaiting
#[test]
fn awaiting_an_async_fn_runs_it_in_the_callers_task_spawning_makes_a_second() {
    let log = Log::default();
    let (_, (queued, awaited, spawned)) = run(|h| {
        let log = log.clone();
        async move {
            let coro = count_live_tasks(h.clone(), log.clone()); // runs nothing
            let queued = (log.borrow().len(), h.ready_len(), h.task_count());
            let awaited = coro.await; // the body runs here, in this task
            let spawned = h.spawn(count_live_tasks(h.clone(), log)).await.unwrap();
            (queued, awaited, spawned)
        }
    });
    assert_eq!(
        queued,
        (0, 0, 1),
        "no log line, nothing queued, no new task"
    );
    assert_eq!(awaited, 1, "awaited: the caller's task is the only one");
    assert_eq!(spawned, 2, "spawned: a second task runs the body");
    assert_eq!(
        *log.borrow(),
        ["count_live_tasks runs", "count_live_tasks runs"]
    );
}
// ANCHOR_END: calling_vs_awaiting

#[test]
fn an_unawaited_sleep_registers_no_timer_and_takes_no_time() {
    let (lp, (held, during)) = run(|h| async move {
        let nap = h.sleep(secs(3600.0)); // created, never polled
        let held = (h.live_timers(), h.time());
        drop(nap);
        // A task that looks at the heap while the awaited sleep waits.
        let during = Rc::new(Cell::new(None));
        let (look, seen) = (h.clone(), during.clone());
        h.spawn(async move { seen.set(Some(look.live_timers())) });
        h.sleep(secs(1.0)).await;
        (held, during.get())
    });
    assert_eq!(held, (0, secs(0.0)), "held, not awaited: no timer, no time");
    assert_eq!(during, Some(1), "awaited: its timer is in the heap");
    assert_eq!(lp.time(), secs(1.0), "only the awaited sleep took time");
}

// ANCHOR: kept_task
#[test]
fn a_task_kept_and_awaited_later_ran_meanwhile_its_await_takes_no_time() {
    let runs = Rc::new(Cell::new(0));
    let (lp, (done_before, value)) = run(|h| {
        let runs = runs.clone();
        async move {
            let (h2, r) = (h.clone(), runs.clone());
            let job = h.spawn(async move {
                h2.sleep(secs(1.0)).await;
                r.set(r.get() + 1);
                42
            });
            h.sleep(secs(3.0)).await; // the caller's own work
            let done_before = job.is_done();
            (done_before, job.await.unwrap())
        }
    });
    assert!(
        done_before,
        "the task finished at 1 s, before anyone awaited it"
    );
    assert_eq!(
        (value, runs.get()),
        (42, 1),
        "the stored result; no second run"
    );
    assert_eq!(
        lp.time(),
        secs(3.0),
        "it overlapped the caller's 3 s: not 4 s"
    );
}

#[test]
fn a_future_kept_and_awaited_later_starts_only_when_awaited() {
    let (lp, (started_before, value)) = run(|h| async move {
        let started = Rc::new(Cell::new(false));
        let (h2, s) = (h.clone(), started.clone());
        let job = async move {
            s.set(true);
            h2.sleep(secs(1.0)).await;
            42
        };
        h.sleep(secs(3.0)).await;
        (started.get(), job.await)
    });
    assert!(!started_before, "a future is not a task: nothing ran it");
    assert_eq!(value, 42);
    assert_eq!(
        lp.time(),
        secs(4.0),
        "3 s, then the 1 s it waits once awaited"
    );
}
// ANCHOR_END: kept_task

/// Fails the way a coroutine raises: a panic.
async fn fails() -> u32 {
    panic!("disk full")
}

#[test]
fn a_panic_in_a_spawned_task_is_a_join_error_awaited_directly_it_unwinds() {
    // Chapter 3 tests the JoinError itself; what is new is the caller's fate.
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let l = log.clone();
    let spawning = lp.spawn_named("spawning", async move {
        let error = h.spawn_named("c", fails()).await.unwrap_err();
        push(&l, "the spawning caller goes on");
        error.to_string()
    });
    let l = log.clone();
    let direct = lp.spawn_named("direct", async move {
        let value = fails().await;
        push(&l, "the direct caller goes on"); // never reached
        value
    });
    lp.run_until_idle();
    let caught = spawning.try_take().unwrap().unwrap();
    assert_eq!(
        caught, "task c panicked: disk full",
        "a value it can handle"
    );
    let error = direct.try_take().unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        "task direct panicked: disk full",
        "the panic ended the caller's own task"
    );
    assert_eq!(*log.borrow(), ["the spawning caller goes on"]);
}

/// What a child logs: when it finishes, and when it is dropped.
type Labels = (&'static str, &'static str);
const FUTURE: Labels = ("future: finished", "future: dropped");
const TASK: Labels = ("task: finished", "task: dropped");

/// A child that sleeps 1 s, logging when it finishes and when it is dropped.
async fn child(h: Rc<ThreadedCore>, log: Log, (finished, dropped): Labels) {
    let _guard = DropGuard(log.clone(), dropped);
    h.sleep(secs(1.0)).await;
    push(&log, finished);
}

// ANCHOR: cancel_the_caller
#[test]
fn cancelling_the_caller_drops_an_awaited_future_but_a_spawned_child_runs_on() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let awaits = lp.spawn({
        let (h, log) = (h.clone(), log.clone());
        async move { child(h, log, FUTURE).await }
    });
    let spawns = lp.spawn({
        let (h, log) = (h.clone(), log.clone());
        async move { h.spawn(child(h.clone(), log, TASK)).await }
    });
    lp.run_once(); // both callers start; one awaits the future, one spawns
    lp.run_once(); // the spawned child starts
    assert_eq!(lp.live_timers(), 2, "both children are asleep");
    awaits.cancel();
    spawns.cancel();
    lp.run_until_idle();
    assert_eq!(
        *log.borrow(),
        ["future: dropped", "task: finished", "task: dropped"],
        "the awaited future died with its caller; the task finished at 1 s"
    );
    assert_eq!(lp.time(), secs(1.0));
}
// ANCHOR_END: cancel_the_caller
