//! The notes' mappings between JavaScript and asyncio, each checked on both
//! policies of our loop: what holds, and where the analogy stops.

use std::cell::RefCell;
use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};
use std::time::Duration;

use ch03_ready_queue::LoopFuture;
use ch03_ready_queue::Tracing;
use ch04_timers::VirtualClock;
use ch05_io::Interest;
use ch09_js_vs_python::promise::{Promise, async_fn};
use ch09_js_vs_python::{MicrotaskLoop, NodeCore, NodeLoop};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

// (1) "Ready Queue ~ microtask queue": the same content, a different drain.

// ANCHOR: same_queue_different_drain
#[test]
fn a_callback_queued_by_a_callback_runs_before_a_due_timer_under_js() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Log::default();
    let (s, js) = (seen.clone(), lp.handle());
    lp.queue_microtask(move || {
        push(&s, "A");
        let s = s.clone();
        js.queue_microtask(move || push(&s, "B (queued by A)"));
    });
    let s = seen.clone();
    lp.set_timeout(Duration::ZERO, move || push(&s, "timer"));
    lp.run_until_idle();
    // Node: "A, B (queued by A), timer": the checkpoint ran B, queued while it
    // ran, before the next macrotask
    assert_eq!(*seen.borrow(), ["A", "B (queued by A)", "timer"]);
}

#[test]
fn a_callback_queued_by_a_callback_waits_for_the_next_iteration_under_asyncio() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let seen = Log::default();
    let (s, core) = (seen.clone(), lp.core().clone());
    lp.call_soon(move || {
        push(&s, format!("A in iteration {}", core.iteration()));
        let (s, lp) = (s.clone(), core.clone());
        core.call_soon(move || {
            push(&s, format!("B in iteration {}", lp.iteration()))
        });
    });
    let s = seen.clone();
    lp.call_later(Duration::ZERO, move || push(&s, "timer"));
    lp.run_until_idle();
    // CPython: "A, timer, B (queued by A)"
    assert_eq!(
        *seen.borrow(),
        ["A in iteration 1", "timer", "B in iteration 2"]
    );
}
// ANCHOR_END: same_queue_different_drain

// (2) asyncio.sleep(0) yields to the loop, as setImmediate does; an `await` on a
// promise, like queueMicrotask, does not.

/// A waker that logs when the selector wakes it: asyncio's `add_reader` callback.
struct LogOnWake(Arc<Mutex<Vec<String>>>, &'static str);

impl Wake for LogOnWake {
    fn wake(self: Arc<Self>) {
        self.0.lock().unwrap().push(self.1.to_string());
    }
}

#[test]
fn a_sleep_zero_chain_lets_a_ready_socket_and_a_due_timer_run_after_its_second_link()
{
    let lp = ch05_io::EventLoop::virtual_time();
    let io = lp.handle();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (reader, mut writer) = UnixStream::pair().unwrap();
    writer.write_all(b"x").unwrap(); // readable before the chain starts
    let s = seen.clone();
    lp.run_until_complete(async move {
        let key = io.register(reader.as_fd(), "reader").unwrap();
        let waker = Waker::from(Arc::new(LogOnWake(s.clone(), "socket readable")));
        io.add_waiter(key, Interest::Read, &waker);
        let t = s.clone();
        io.call_later(Duration::ZERO, move || {
            t.lock().unwrap().push("timer".into())
        });
        for link in 1..=1000 {
            s.lock().unwrap().push(format!("link {link}"));
            io.sleep(Duration::ZERO).await;
        }
        io.deregister(key);
    })
    .unwrap();
    let seen = seen.lock().unwrap();
    // CPython: "socket readable after link 2", "timer ran after link 2". The
    // step was queued before the poll that found the socket and the timer, so
    // in the next iteration it runs first (link 2), then they do
    assert_eq!(
        seen[..5],
        ["link 1", "link 2", "socket readable", "timer", "link 3"]
    );
}

#[test]
fn an_await_chain_on_promises_runs_to_its_end_before_a_due_timer() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Log::default();
    let (s, t) = (seen.clone(), seen.clone());
    let core = lp.core().clone();
    lp.run_script(|| {
        lp.set_timeout(Duration::ZERO, move || push(&t, "timer"));
        drop(async_fn(lp.core(), "chain", async move {
            for link in 1..=1000 {
                push(&s, format!("link {link}"));
                Promise::resolved(&core, ()).await?;
            }
            Ok(())
        }));
    });
    lp.run_until_idle();
    let seen = seen.borrow();
    assert_eq!(seen.len(), 1001);
    assert_eq!(seen[999..], ["link 1000", "timer"]);
}

/// Node's loop on a virtual clock we can move, as a busy script would.
fn node_loop() -> (NodeLoop, VirtualClock) {
    let clock = VirtualClock::new();
    (NodeLoop::with_clock(clock.clone(), Tracing::Off), clock)
}

/// Runs a 1,000-link chain on Node's loop, each link awaiting `yield_once()`,
/// with a timer made due before the first link; returns the order.
fn chain_beside_a_due_timer(
    yield_once: impl Fn(&Rc<NodeCore>) -> Promise<()> + 'static,
) -> Vec<String> {
    let (lp, clock) = node_loop();
    let seen = Log::default();
    let (s, t, node) = (seen.clone(), seen.clone(), lp.handle());
    lp.run_script(|| {
        lp.set_timeout(Duration::ZERO, move || push(&t, "timer"));
        clock.advance(Duration::from_millis(5)); // busy: the timer is due
        drop(async_fn(lp.core(), "chain", async move {
            for link in 1..=1000 {
                push(&s, format!("link {link}"));
                yield_once(&node).await?;
            }
            Ok(())
        }));
    });
    lp.run_until_idle();
    Rc::try_unwrap(seen).unwrap().into_inner()
}

#[test]
fn on_node_an_await_null_chain_runs_to_its_end_before_a_due_timer() {
    let order = chain_beside_a_due_timer(|node| Promise::resolved(node.core(), ()));
    // Node: "await null: timer ran after link 1000"
    assert_eq!(order[999..], ["link 1000", "timer"]);
}

#[test]
fn on_node_a_chain_yielding_through_set_immediate_lets_a_due_timer_in() {
    let order = chain_beside_a_due_timer(|node| {
        let next = Promise::new(node.core());
        let resolve = next.clone();
        node.set_immediate(move || {
            resolve.resolve(());
        });
        next
    });
    // Node: "await setImmediate: timer ran after link 1": the first turn's timers
    // phase comes before its check phase, which resumes the chain.
    assert_eq!(order[..3], ["link 1", "timer", "link 2"]);
}

// (3) "Promises (done callbacks) -> Ready Queue": through `call_soon`, never
// inline, in both worlds.

#[test]
fn a_done_callback_runs_from_the_ready_queue_in_the_next_iteration_under_asyncio() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let seen = Log::default();
    let future = LoopFuture::new(lp.core());
    let (s, core) = (seen.clone(), lp.core().clone());
    future.add_done_callback(move |v: &i32| {
        push(
            &s,
            format!("done callback: {v} (iteration {})", core.iteration()),
        )
    });
    let (s, f, core) = (seen.clone(), future.clone(), lp.core().clone());
    lp.call_soon(move || {
        let s2 = s.clone();
        core.call_soon(move || push(&s2, "queued before set_result"));
        f.set_result(1);
        push(
            &s,
            format!("set_result returned (iteration {})", core.iteration()),
        );
        let s3 = s.clone();
        f.add_done_callback(move |_| push(&s3, "added after done"));
        push(&s, "add_done_callback returned");
    });
    lp.run_until_idle();
    assert_eq!(
        *seen.borrow(),
        [
            "set_result returned (iteration 1)",
            "add_done_callback returned",
            "queued before set_result",
            "done callback: 1 (iteration 2)",
            "added after done",
        ]
    );
}

#[test]
fn a_finished_tasks_done_callback_runs_in_the_iteration_after_it_finished() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let seen = Log::default();
    let (s, core) = (seen.clone(), lp.core().clone());
    let task = lp.spawn(async move {
        push(
            &s,
            format!("task finishes in iteration {}", core.iteration()),
        );
    });
    let (s, core) = (seen.clone(), lp.core().clone());
    task.add_done_callback(move || {
        push(
            &s,
            format!("done callback in iteration {}", core.iteration()),
        )
    });
    lp.run_until_idle();
    assert_eq!(
        *seen.borrow(),
        [
            "task finishes in iteration 1",
            "done callback in iteration 2"
        ]
    );
}

#[test]
fn the_same_done_callback_runs_in_the_same_checkpoint_under_js() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Log::default();
    let future = LoopFuture::new(lp.core());
    let s = seen.clone();
    future.add_done_callback(move |v: &i32| push(&s, format!("done callback: {v}")));
    let s = seen.clone();
    lp.set_timeout(Duration::ZERO, move || push(&s, "timer"));
    let s = seen.clone();
    lp.run_script(|| {
        future.set_result(1);
        push(&s, "set_result returned");
    });
    lp.run_until_idle();
    assert_eq!(
        *seen.borrow(),
        ["set_result returned", "done callback: 1", "timer"]
    );
}

// (4) Eager tasks ~ JavaScript async functions, up to the first await.

#[test]
fn create_task_runs_nothing_before_the_next_iteration_as_in_python_3_11() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let core = lp.core().clone();
    let order = lp
        .run_until_complete(async move {
            let seen = Log::default();
            let (s, c) = (seen.clone(), core.clone());
            let task = core.spawn(async move {
                push(&s, "body starts");
                let done = LoopFuture::new(&c);
                done.set_result(());
                done.await;
                push(&s, "after await done future");
            });
            push(&seen, "spawn returned");
            task.await.unwrap();
            Rc::try_unwrap(seen).unwrap().into_inner()
        })
        .unwrap();
    assert_eq!(
        order,
        ["spawn returned", "body starts", "after await done future"]
    );
}

#[test]
fn an_eager_task_runs_through_an_await_on_a_done_future_as_in_python_3_12() {
    let lp = ch04_timers::EventLoop::virtual_time();
    let timers = lp.handle();
    let order = lp
        .run_until_complete(async move {
            let seen = Log::default();
            let (s, t) = (seen.clone(), timers.clone());
            let task = timers.spawn_eager("body", async move {
                push(&s, "body starts");
                let done = LoopFuture::new(&t);
                done.set_result(());
                done.await; // done: no suspension, the body goes on
                push(&s, "after await done future");
                t.sleep(Duration::ZERO).await; // the first real suspension
                push(&s, "after await sleep(0)");
            });
            push(&seen, "spawn_eager returned");
            task.await.unwrap();
            Rc::try_unwrap(seen).unwrap().into_inner()
        })
        .unwrap();
    assert_eq!(
        order,
        [
            "body starts",
            "after await done future",
            "spawn_eager returned",
            "after await sleep(0)",
        ]
    );
}

#[test]
fn an_async_fn_stops_at_its_first_await_even_on_a_resolved_promise() {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Log::default();
    lp.run_script(|| {
        let (s, core) = (seen.clone(), lp.core().clone());
        drop(async_fn(lp.core(), "body", async move {
            push(&s, "body starts");
            Promise::resolved(&core, ()).await?;
            push(&s, "after await resolved promise");
            Ok(())
        }));
        push(&seen, "the call returned");
    });
    assert_eq!(
        *seen.borrow(),
        [
            "body starts",
            "the call returned",
            "after await resolved promise",
        ]
    );
}
