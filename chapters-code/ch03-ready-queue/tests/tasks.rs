//! Tasks: spawning, wakers, states, panics, cancellation, run_until_complete, eager
//! tasks.

// `tests/diagrams.rs` includes this file next to others that load `common` too.
#[allow(clippy::duplicate_mod)]
mod common;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use ch02_lazy_futures::countdown::Countdown;
use ch03_ready_queue::{
    Event, EventLoop, JoinErrorKind, LoopFuture, Outcome, RunError, TaskState,
    current_loop,
};
use common::{Log, log, push, run_main, spawn_logging};
use test_support::{LIMIT, join_within};

/// Two tasks that each yield once: the chapter's task diagram.
pub fn two_tasks_scenario() -> (EventLoop, Log) {
    let lp = EventLoop::traced();
    let seen = log();
    for name in ["A", "B"] {
        let s = seen.clone();
        drop(lp.spawn_named(name, async move {
            push(&s, format!("{name}0"));
            Countdown::new(1).await; // Pending once, after waking itself
            push(&s, format!("{name}1"));
        }));
    }
    lp.run_once();
    lp.run_once();
    (lp, seen)
}

// ANCHOR: spawn_next_iteration
#[test]
fn spawn_does_not_run_the_task_until_the_next_iteration() {
    let lp = EventLoop::new();
    let seen = log();
    let task = spawn_logging(&lp, &seen, "body");
    assert!(seen.borrow().is_empty(), "spawn only queues the first step");
    assert_eq!(task.state(), TaskState::Scheduled);
    lp.run_once();
    assert_eq!(*seen.borrow(), ["body"]);
    assert_eq!(task.state(), TaskState::Done);
}
// ANCHOR_END: spawn_next_iteration

#[test]
fn a_task_nobody_awaits_still_runs() {
    let lp = EventLoop::new();
    let seen = log();
    drop(spawn_logging(&lp, &seen, "ran anyway")); // detached
    lp.run_once();
    assert_eq!(*seen.borrow(), ["ran anyway"]);
}

#[test]
fn tasks_interleave_at_each_await() {
    let (lp, seen) = two_tasks_scenario();
    assert_eq!(*seen.borrow(), ["A0", "B0", "A1", "B1"]);
    assert_eq!(
        lp.trace_lines(),
        [
            "spawn A",
            "spawn B",
            "iteration 1: 2 ready",
            "poll A",
            "wake A",
            "A -> Pending",
            "poll B",
            "wake B",
            "B -> Pending",
            "iteration 2: 2 ready",
            "poll A",
            "A -> Ready",
            "poll B",
            "B -> Ready",
        ]
    );
}

#[test]
fn a_waker_schedules_the_task_and_never_polls_it_inline() {
    let lp = EventLoop::traced();
    let slot: Rc<RefCell<Option<Waker>>> = Rc::default();
    let s = slot.clone();
    let task = lp.spawn_named(
        "A",
        futures::future::poll_fn(move |cx| {
            if s.borrow().is_some() {
                return Poll::Ready(());
            }
            *s.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }),
    );
    lp.run_once();
    assert_eq!(task.state(), TaskState::Pending);
    lp.trace().unwrap().clear();

    // The waker calls `Core::schedule_task`, which queues the step: from outside the
    // loop.
    slot.borrow().as_ref().unwrap().wake_by_ref();
    assert_eq!(
        lp.trace_lines(),
        ["wake A"],
        "waking queued the step and polled nothing"
    );
    assert_eq!(task.state(), TaskState::Scheduled);
    slot.borrow().as_ref().unwrap().wake_by_ref();
    assert_eq!(
        lp.ready_len(),
        1,
        "a task already queued is not queued twice"
    );

    lp.run_once();
    assert_eq!(task.state(), TaskState::Done);
    assert!(lp.trace_lines().contains(&"A -> Ready".to_string()));
}

#[test]
fn task_states_pending_scheduled_running_done() {
    let lp = EventLoop::new();
    let fut = LoopFuture::<u32>::new(&lp);
    let seen_running: Rc<RefCell<Option<TaskState>>> = Rc::default();
    let f = fut.clone();
    let task = lp.spawn(f);
    // The task can see itself running through its own handle: share it after
    // spawning.
    let handle = Rc::new(task);
    let (h, r) = (handle.clone(), seen_running.clone());
    // a callback sees it between steps
    lp.call_soon(move || *r.borrow_mut() = Some(h.state()));

    assert_eq!(handle.state(), TaskState::Scheduled);
    assert_eq!(handle.state().asyncio_state(), "PENDING");
    lp.run_once();
    assert_eq!(handle.state(), TaskState::Pending, "waiting for the future");
    assert_eq!(*seen_running.borrow(), Some(TaskState::Pending));
    fut.set_result(7);
    assert_eq!(handle.state(), TaskState::Scheduled, "set_result woke it");
    lp.run_once();
    assert_eq!(handle.state(), TaskState::Done);
    assert_eq!(handle.state().asyncio_state(), "FINISHED");
    assert!(handle.is_done());
}

#[test]
fn a_running_task_sees_itself_running() {
    let lp = EventLoop::new();
    let me: Rc<RefCell<Option<ch03_ready_queue::JoinHandle<TaskState>>>> =
        Rc::default();
    let m = me.clone();
    let task = lp.spawn(async move {
        Countdown::new(1).await; // by now the handle has been stored
        m.borrow().as_ref().unwrap().state()
    });
    lp.run_once();
    *me.borrow_mut() = Some(task);
    lp.run_once();
    let task = me.borrow_mut().take().unwrap();
    assert_eq!(task.try_take(), Some(Ok(TaskState::Running)));
}

#[test]
fn a_panicking_task_does_not_take_the_loop_down() {
    let lp = EventLoop::traced();
    let seen = log();
    // `poll_task` catches the panic around the poll.
    let bad = lp.spawn_named("worker", async { panic!("boom") });
    let good = spawn_logging(&lp, &seen, "still running");
    lp.run_once();
    assert_eq!(*seen.borrow(), ["still running"]);
    let error = bad.try_take().unwrap().unwrap_err();
    assert_eq!(error.kind, JoinErrorKind::Panicked("boom".into()));
    assert_eq!(error.to_string(), "task worker panicked: boom");
    assert_eq!(good.try_take(), Some(Ok(())));
    assert!(lp.events().contains(&Event::Polled {
        task: "worker".into(),
        outcome: Outcome::Panicked
    }));
}

#[test]
fn awaiting_a_panicked_task_gives_an_error_naming_it() {
    let (_, message) = run_main(|core| async move {
        let bad = core.spawn(async { panic!("no such file: {}", "x.csv") });
        bad.await.unwrap_err().to_string()
    });
    assert_eq!(message, "task Task-2 panicked: no such file: x.csv");
}

/// Records when it is dropped.
struct DropGuard(Log, &'static str);

impl Drop for DropGuard {
    fn drop(&mut self) {
        push(&self.0, format!("dropped {}", self.1));
    }
}

#[test]
fn cancel_drops_the_future_and_runs_its_destructors() {
    let lp = EventLoop::traced();
    let seen = log();
    let never = LoopFuture::<()>::new(&lp);
    let (s, n) = (seen.clone(), never.clone());
    let task = lp.spawn_named("sleeper", async move {
        let _guard = DropGuard(s.clone(), "guard");
        n.await;
        push(&s, "never reached");
    });
    lp.run_once();
    assert_eq!(task.state(), TaskState::Pending);
    assert!(seen.borrow().is_empty());

    assert!(task.cancel());
    assert_eq!(
        *seen.borrow(),
        ["dropped guard"],
        "destructors ran at cancel"
    );
    assert_eq!(task.state(), TaskState::Cancelled);
    assert_eq!(task.state().asyncio_state(), "CANCELLED");
    assert!(!task.cancel(), "cancelling twice does nothing");
    assert!(lp.trace_lines().contains(&"cancel sleeper".to_string()));
    let error = task.try_take().unwrap().unwrap_err();
    assert!(error.is_cancelled());
    assert_eq!(error.to_string(), "task sleeper was cancelled");
}

#[test]
fn cancelling_a_scheduled_task_means_it_never_runs() {
    let lp = EventLoop::new();
    let seen = log();
    let task = spawn_logging(&lp, &seen, "ran");
    assert!(task.cancel());
    lp.run_once();
    assert!(seen.borrow().is_empty());
    assert!(task.try_take().unwrap().unwrap_err().is_cancelled());
}

#[test]
fn a_task_cancelling_itself_stops_at_its_next_suspension() {
    let lp = EventLoop::new();
    let seen = log();
    let me: Rc<RefCell<Option<ch03_ready_queue::JoinHandle<()>>>> = Rc::default();
    let (s, m) = (seen.clone(), me.clone());
    let task = lp.spawn(async move {
        let _guard = DropGuard(s.clone(), "guard");
        Countdown::new(1).await;
        m.borrow().as_ref().unwrap().cancel();
        push(&s, "after cancel, same step");
        Countdown::new(1).await;
        push(&s, "never reached");
    });
    lp.run_once();
    *me.borrow_mut() = Some(task);
    lp.run_once();
    assert_eq!(*seen.borrow(), ["after cancel, same step", "dropped guard"]);
    let task = me.borrow_mut().take().unwrap();
    assert_eq!(task.state(), TaskState::Cancelled);
}

#[test]
fn cancelling_a_done_task_returns_false() {
    let lp = EventLoop::new();
    let task = lp.spawn(async { 1 });
    lp.run_once();
    assert!(!task.cancel());
    assert_eq!(task.try_take(), Some(Ok(1)));
}

#[test]
fn awaiting_a_cancelled_task_gives_cancelled() {
    let (_, awaited) = run_main(|core| async move {
        let never = LoopFuture::<()>::new(&core);
        let victim = Rc::new(RefCell::new(core.spawn_named("victim", never)));
        let killer = victim.clone();
        core.call_soon(move || {
            killer.borrow().cancel();
        });
        // Await the shared handle: the callback cancels it while we wait.
        futures::future::poll_fn(move |cx| {
            Pin::new(&mut *victim.borrow_mut()).poll(cx)
        })
        .await
    });
    let error = awaited.unwrap_err();
    assert!(error.is_cancelled());
    assert_eq!(error.to_string(), "task victim was cancelled");
}

#[test]
fn dropping_the_loop_drops_pending_tasks() {
    let seen = log();
    let lp = EventLoop::new();
    let never = LoopFuture::<()>::new(&lp);
    let s = seen.clone();
    let task = lp.spawn(async move {
        let _guard = DropGuard(s, "guard");
        never.await;
    });
    lp.run_once();
    drop(lp);
    assert_eq!(*seen.borrow(), ["dropped guard"]);
    assert!(task.try_take().unwrap().unwrap_err().is_cancelled());
}

#[test]
fn run_until_complete_returns_the_output() {
    let lp = EventLoop::new();
    let core = lp.handle();
    let answer = lp.run_until_complete(async move {
        let helper = core.spawn(async { 6 * 7 });
        helper.await.unwrap()
    });
    assert_eq!(answer, Ok(42));
    assert_eq!(lp.task_count(), 0);
}

#[test]
fn run_until_complete_reports_a_panic_of_the_main_future() {
    let lp = EventLoop::new();
    let error = lp
        .run_until_complete(async { panic!("main failed") })
        .unwrap_err();
    assert_eq!(error.to_string(), "task Task-1 panicked: main failed");
    assert!(matches!(error, RunError::Task(_)));
    assert_eq!(
        lp.run_until_complete(async { "the loop still works" }),
        Ok("the loop still works")
    );
}

#[test]
fn run_until_complete_refuses_a_future_that_can_never_finish() {
    let lp = EventLoop::new();
    let never = LoopFuture::<()>::new(&lp);
    assert_eq!(lp.run_until_complete(never), Err(RunError::Stalled));
}

#[test]
fn current_loop_is_the_running_loop() {
    let lp = EventLoop::new();
    assert!(current_loop().is_none());
    let same = lp.run_until_complete(async {
        let core = current_loop().expect("inside run_until_complete");
        core.spawn(async { 5 }).await.unwrap()
    });
    assert_eq!(same, Ok(5));
}

#[test]
fn spawn_eager_runs_the_first_step_inside_spawn() {
    let (_, order) = run_main(|core| async move {
        let seen = log();
        let s = seen.clone();
        push(&seen, "before spawn");
        let lazy = core.spawn_named("lazy", {
            let s = s.clone();
            async move { push(&s, "lazy body") }
        });
        let eager = core.spawn_eager("eager", async move {
            push(&s, "eager body, up to its first await");
            Countdown::new(1).await;
            push(&s, "eager body, after the await");
        });
        push(&seen, "after spawn");
        assert_eq!(eager.state(), TaskState::Scheduled); // it woke itself
        let (a, b) = (lazy.await, eager.await);
        assert!(a.is_ok() && b.is_ok());
        Rc::try_unwrap(seen).unwrap().into_inner()
    });
    assert_eq!(
        order,
        [
            "before spawn",
            "eager body, up to its first await",
            "after spawn",
            "lazy body",
            "eager body, after the await",
        ]
    );
}

#[test]
fn an_eager_task_that_never_suspends_is_done_before_spawn_returns() {
    let (_, state) =
        run_main(
            |core| async move { core.spawn_eager("quick", async { 1 }).state() },
        );
    assert_eq!(state, TaskState::Done);
}

#[test]
fn spawn_eager_outside_a_running_loop_is_lazy() {
    let lp = EventLoop::new();
    let task = lp.spawn_eager("eager", async { 1 });
    assert_eq!(
        task.state(),
        TaskState::Scheduled,
        "CPython: eager only if the loop runs"
    );
    lp.run_once();
    assert_eq!(task.try_take(), Some(Ok(1)));
}

/// Sends its waker to another thread, which wakes it there.
struct WakeFromThread(Arc<Mutex<Option<std::thread::Result<()>>>>);

impl Future for WakeFromThread {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let waker = cx.waker().clone();
        let waking = std::thread::spawn(move || waker.wake());
        let outcome =
            join_within(waking, LIMIT, "the wake on another thread to return");
        *self.0.lock().unwrap() = Some(outcome.map(|_| ()));
        Poll::Ready(())
    }
}

#[test]
fn a_wake_from_another_thread_panics_with_a_pointer_to_chapter_7() {
    let lp = EventLoop::new();
    let outcome = Arc::new(Mutex::new(None));
    lp.run_until_complete(WakeFromThread(outcome.clone()))
        .unwrap();
    let payload = outcome.lock().unwrap().take().unwrap().unwrap_err();
    let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("another thread"), "{message}");
    assert!(message.contains("chapter 7"), "{message}");
}

#[test]
fn finished_tasks_free_their_slots() {
    let lp = EventLoop::new();
    for round in 0..3 {
        let tasks: Vec<_> = (0..100)
            .map(|i| lp.spawn(async move { i + round }))
            .collect();
        lp.run_once();
        assert_eq!(lp.task_count(), 0);
        assert!(tasks.iter().all(|t| t.state() == TaskState::Done));
    }
}

#[test]
fn a_suspended_task_waits_in_no_queue_until_its_future_is_done() {
    let lp = EventLoop::new();
    let fut = LoopFuture::<u32>::new(&lp);
    let task = lp.spawn(fut.clone());
    lp.run_once();
    assert_eq!(task.state(), TaskState::Pending);
    assert_eq!(
        lp.ready_len(),
        0,
        "a suspended task is not in the ready queue"
    );
    lp.run_once();
    lp.run_once();
    assert_eq!(
        task.state(),
        TaskState::Pending,
        "the loop turns without looking at a suspended task"
    );
    fut.set_result(42);
    assert_eq!(
        lp.ready_len(),
        1,
        "the future's completion queued the task's next step"
    );
    assert!(!task.is_done(), "and ran nothing inline");
    lp.run_once();
    assert_eq!(
        task.try_take(),
        Some(Ok(42)),
        "resumed in the next iteration"
    );
}
