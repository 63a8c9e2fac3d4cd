//! What `.await` costs in turns of the loop: a promise always gives the loop one
//! microtask turn (JavaScript's `await`); a done future on asyncio's policy gives
//! it none (`Future.__await__` yields only if the future is not done).
//!
//! A *ticker* measures it: a callback that counts and queues itself again, so one
//! tick is always waiting in the ready queue. The ticks that ran while a task was
//! suspended are the turns its `.await` took. Under the JavaScript policy a tick is
//! a microtask turn; under asyncio's snapshot rule each tick runs in its own
//! iteration.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use ch03_ready_queue::{Core, LoopFuture};
use ch04_timers::EventLoop;
use ch09_js_vs_python::MicrotaskLoop;
use ch09_js_vs_python::promise::{Promise, Rejection, async_fn};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

/// A callback that counts, and queues itself again until stopped (or 100 ticks:
/// a JavaScript checkpoint drains to empty, so the chain must end).
#[derive(Clone)]
struct Ticker {
    ticks: Rc<Cell<u32>>,
    running: Rc<Cell<bool>>,
    log: Option<Log>,
}

impl Ticker {
    fn start(core: &Rc<Core>, log: Option<Log>) -> Self {
        let ticker = Ticker {
            ticks: Rc::default(),
            running: Rc::new(Cell::new(true)),
            log,
        };
        ticker.clone().queue(core.clone());
        ticker
    }

    fn queue(self, core: Rc<Core>) {
        core.clone().call_soon_named("tick", move || {
            self.ticks.set(self.ticks.get() + 1);
            if let Some(log) = &self.log {
                push(log, format!("tick {}", self.ticks.get()));
            }
            if self.running.get() && self.ticks.get() < 100 {
                self.queue(core);
            }
        });
    }

    fn ticks(&self) -> u32 {
        self.ticks.get()
    }

    fn stop(&self) {
        self.running.set(false);
    }
}

/// Runs `body` as an async function in a script on a JavaScript loop, with a ticker
/// started first; returns what the body returned.
fn measure_on_js<F>(body: impl FnOnce(Rc<Core>, Ticker) -> F) -> u32
where
    F: Future<Output = u32> + 'static,
{
    let lp = MicrotaskLoop::virtual_time();
    let turns = Rc::new(Cell::new(None));
    let out = turns.clone();
    lp.run_script(|| {
        let ticker = Ticker::start(lp.core(), None);
        let body = body(lp.core().clone(), ticker.clone());
        drop(async_fn(lp.core(), "measure", async move {
            out.set(Some(body.await));
            ticker.stop();
            Ok(())
        }));
    });
    turns
        .get()
        .expect("the async function finished in the script's checkpoint")
}

// ANCHOR: one_turn
#[test]
fn await_on_a_resolved_promise_takes_exactly_one_microtask_turn() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Log::default();
    lp.run_script(|| {
        let ticker = Ticker::start(lp.core(), Some(seen.clone()));
        let s = seen.clone();
        let p = Promise::resolved(lp.core(), "value");
        drop(async_fn(lp.core(), "f", async move {
            push(&s, "before await");
            let value = p.await?;
            push(&s, format!("after await: {value}"));
            ticker.stop();
            Ok(())
        }));
        push(&seen, "the call returned");
    });
    assert_eq!(
        *seen.borrow(),
        [
            "before await",
            "the call returned",
            "tick 1",
            "after await: value",
            "tick 2",
        ]
    );
}
// ANCHOR_END: one_turn

#[test]
fn await_on_a_promise_counts_one_turn_whether_settled_before_or_after() {
    let settled_before = measure_on_js(|core, ticker| async move {
        let before = ticker.ticks();
        Promise::resolved(&core, 1).await.unwrap();
        ticker.ticks() - before
    });
    assert_eq!(settled_before, 1);

    // settled by a callback: the resumption is queued when it resolves, one turn
    // after that callback
    let settled_later = measure_on_js(|core, ticker| async move {
        let p = Promise::new(&core);
        let q = p.clone();
        core.call_soon(move || {
            q.resolve(2);
        });
        let before = ticker.ticks();
        p.await.unwrap();
        ticker.ticks() - before
    });
    assert_eq!(settled_later, 2, "one turn to the callback, one after it");
}

#[test]
fn await_on_a_promise_resolved_with_a_promise_takes_three_turns() {
    let turns = measure_on_js(|core, ticker| async move {
        let outer = Promise::new(&core);
        outer.resolve_with(&Promise::resolved(&core, 1));
        let before = ticker.ticks();
        outer.await.unwrap();
        ticker.ticks() - before
    });
    // Node: "await promise resolved with a promise: 3 turn(s)"
    assert_eq!(turns, 3);
}

#[test]
fn await_on_a_rejected_promise_gives_the_rejection_and_question_mark_passes_it_on() {
    let lp = MicrotaskLoop::virtual_time();
    let caught = Rc::new(RefCell::new(None));
    let c = caught.clone();
    let outer = lp.core().clone();
    let call = async_fn(lp.core(), "f", async move {
        let inner = Promise::<i32>::rejected(&outer, "bad input");
        *c.borrow_mut() = Some(inner.clone().await);
        let value = inner.await?; // rejects this function's promise
        Ok(value + 1)
    });
    lp.run_until_idle();
    assert_eq!(*caught.borrow(), Some(Err(Rejection("bad input".into()))));
    assert_eq!(call.peek(), Some(Err(Rejection("bad input".into()))));
}

#[test]
fn an_async_fn_that_panics_rejects_its_promise_and_the_loop_goes_on() {
    let lp = MicrotaskLoop::virtual_time();
    let core = lp.core().clone();
    let call = async_fn(lp.core(), "f", async move {
        Promise::resolved(&core, ()).await?;
        Ok(fail("the body panicked"))
    });
    let after = Rc::new(Cell::new(false));
    let a = after.clone();
    lp.queue_macrotask("after", move || a.set(true));
    lp.run_until_idle();
    assert_eq!(
        call.peek(),
        Some(Err(Rejection("panicked: the body panicked".into())))
    );
    assert!(after.get(), "the macrotask after it still ran");
}

#[test]
fn an_async_fn_without_an_await_is_fulfilled_when_the_call_returns() {
    let lp = MicrotaskLoop::virtual_time();
    let call = async_fn(lp.core(), "f", async { Ok(42) });
    // Node's util.inspect shows `Promise { 42 }` right after the call
    assert_eq!(call.peek(), Some(Ok(42)));
}

fn fail(message: &str) -> i32 {
    panic!("{message}")
}

/// Suspends once, waking itself: one trip through the ready queue.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

/// Runs `body` as a task on an asyncio-policy loop (chapter 4's), with a ticker
/// started first; returns (ticks, iterations) the body measured.
fn measure_on_asyncio<F>(body: impl FnOnce(Rc<Core>, Ticker) -> F) -> (u32, u64)
where
    F: Future<Output = (u32, u64)> + 'static,
{
    let lp = EventLoop::virtual_time();
    let core = lp.core().clone();
    let ticker = Ticker::start(&core, None);
    let stop = ticker.clone();
    let measured = lp
        .run_until_complete(body(core, ticker))
        .expect("the body finishes");
    stop.stop();
    measured
}

// ANCHOR: no_turn
#[test]
fn await_on_a_done_loop_future_does_not_yield_to_the_loop_at_all() {
    let (ticks, iterations) = measure_on_asyncio(|core, ticker| async move {
        let done = LoopFuture::new(&core);
        done.set_result(7);
        let (ticks, iteration) = (ticker.ticks(), core.iteration());
        for _ in 0..3 {
            assert_eq!(done.clone().await, 7);
        }
        (ticker.ticks() - ticks, core.iteration() - iteration)
    });
    assert_eq!((ticks, iterations), (0, 0));
}
// ANCHOR_END: no_turn

#[test]
fn await_on_a_finished_task_does_not_yield_to_the_loop_at_all() {
    let (ticks, iterations) = measure_on_asyncio(|core, ticker| async move {
        let task = core.spawn(async { 5 });
        yield_once().await; // the task runs meanwhile
        assert!(task.is_done());
        let (ticks, iteration) = (ticker.ticks(), core.iteration());
        assert_eq!(task.await, Ok(5));
        (ticker.ticks() - ticks, core.iteration() - iteration)
    });
    assert_eq!((ticks, iterations), (0, 0));
}

#[test]
fn sleep_zero_yields_exactly_one_iteration() {
    let lp = EventLoop::virtual_time();
    let timers = lp.handle();
    let ticker = Ticker::start(lp.core(), None);
    let t = ticker.clone();
    let core = lp.core().clone();
    let (ticks, iterations) = lp
        .run_until_complete(async move {
            let (ticks, iteration) = (t.ticks(), core.iteration());
            timers.sleep(Duration::ZERO).await;
            (t.ticks() - ticks, core.iteration() - iteration)
        })
        .unwrap();
    ticker.stop();
    assert_eq!((ticks, iterations), (1, 1));
}

#[test]
fn a_future_set_by_a_callback_resumes_its_waiter_two_iterations_later() {
    let (ticks, iterations) = measure_on_asyncio(|core, ticker| async move {
        let pending = LoopFuture::new(&core);
        let p = pending.clone();
        core.call_soon(move || p.set_result(()));
        let (ticks, iteration) = (ticker.ticks(), core.iteration());
        pending.await;
        (ticker.ticks() - ticks, core.iteration() - iteration)
    });
    // CPython: "await future set by call_soon: 2 iteration(s)"; one for the
    // callback, one for the step its wake-up queued
    assert_eq!((ticks, iterations), (2, 2));
}

#[test]
fn a_promise_awaited_on_the_asyncio_loop_still_takes_one_ready_queue_turn() {
    let (ticks, iterations) = measure_on_asyncio(|core, ticker| async move {
        let p = Promise::resolved(&core, ());
        let (ticks, iteration) = (ticker.ticks(), core.iteration());
        p.await.unwrap();
        (ticker.ticks() - ticks, core.iteration() - iteration)
    });
    // the same one entry in the ready queue; asyncio's rule makes it an iteration
    assert_eq!((ticks, iterations), (1, 1));
}
