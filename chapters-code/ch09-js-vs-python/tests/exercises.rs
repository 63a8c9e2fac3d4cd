//! Tests for the chapter 9 exercises. Run one with `cargo xtask exercise ch09 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. Every
//! loop runs on the virtual clock, and every loop a test drives by hand stops after
//! a bounded number of turns, so a wrong answer fails with a message; it never
//! hangs.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

use ch03_ready_queue::{Core, panic_message};
use ch09_js_vs_python::exercises::ex1_predict_the_order::{
    ASYNCIO_LABELS, NODE_LABELS, asyncio_order, node_order,
};
use ch09_js_vs_python::exercises::ex2_promise_all::promise_all;
use ch09_js_vs_python::exercises::ex3_microtask_budget::run_once_with_budget;
use ch09_js_vs_python::promise::{Promise, Rejection};
use ch09_js_vs_python::{MicrotaskLoop, NodeLoop};

type Log = Rc<RefCell<Vec<&'static str>>>;

/// A callback that logs `label`.
fn note(log: &Log, label: &'static str) -> impl FnOnce() + 'static {
    let log = log.clone();
    move || log.borrow_mut().push(label)
}

// ---- Exercise 1: predict the order
// -------------------------------------------------------------

// ANCHOR: node_scenario
/// Exercise 1, first scenario, on our Node loop: everything is scheduled from
/// inside an I/O callback (a socket with a byte waiting).
fn node_scenario() -> Vec<&'static str> {
    let lp = NodeLoop::virtual_time();
    let (node, log) = (lp.handle(), Log::default());
    let (reader, mut writer) = UnixStream::pair().expect("a socketpair");
    writer.write_all(b"x").expect("the socket becomes readable");
    let io = (node.clone(), log.clone());
    lp.on_readable(reader, "socket", move |_socket| {
        let (node, log) = io;
        log.borrow_mut().push("I/O callback starts");
        node.set_timeout(Duration::ZERO, note(&log, "setTimeout 0"));
        node.set_immediate(note(&log, "setImmediate"));
        node.queue_microtask(note(&log, "queueMicrotask"));
        let (then_node, then_log) = (node.clone(), log.clone());
        Promise::resolved(node.core(), ()).then(move |()| {
            then_log.borrow_mut().push("promise then");
            then_node.next_tick(note(&then_log, "nextTick queued by then"));
        });
        node.next_tick(note(&log, "nextTick"));
        log.borrow_mut().push("I/O callback ends");
    })
    .expect("watch the socket");
    lp.run_until_idle();
    log.take()
}
// ANCHOR_END: node_scenario

// ANCHOR: asyncio_scenario
/// Exercise 1, second scenario, on chapter 4's asyncio-policy loop: a callback
/// queued with `call_soon` and a task spawned after it.
fn asyncio_scenario() -> Vec<&'static str> {
    let lp = ch04_timers::EventLoop::virtual_time();
    let log = Log::default();
    let (timers, first_log) = (lp.handle(), log.clone());
    lp.call_soon(move || {
        first_log.borrow_mut().push("first callback");
        timers.call_later(Duration::ZERO, note(&first_log, "call_later(0)"));
        timers.call_soon(note(&first_log, "call_soon"));
    });
    let (timers, task_log) = (lp.handle(), log.clone());
    lp.spawn(async move {
        task_log.borrow_mut().push("task: step 1");
        timers.sleep(Duration::ZERO).await;
        task_log.borrow_mut().push("task: step 2");
        timers.sleep(Duration::ZERO).await;
        task_log.borrow_mut().push("task: step 3");
    });
    lp.run_until_idle();
    log.take()
}
// ANCHOR_END: asyncio_scenario

/// The two orders side by side, numbered, with a mark where they differ.
fn side_by_side(predicted: &[&str], ran: &[&str], loop_name: &str) -> String {
    let mut table = format!("      {:<26} {loop_name} ran\n", "you predicted");
    for i in 0..predicted.len().max(ran.len()) {
        let (p, r) = (predicted.get(i), ran.get(i));
        let mark = if p == r { ' ' } else { '*' };
        let p = p.copied().unwrap_or("(nothing)");
        let r = r.copied().unwrap_or("(nothing)");
        table.push_str(&format!("{mark}{:>3}  {p:<26} {r}\n", i + 1));
    }
    table
}

/// Compares a prediction with what the scenario logged on our loop.
fn check_prediction(
    scenario: &str,
    labels: &[&str],
    predicted: Vec<&str>,
    ran: Vec<&str>,
    loop_name: &str,
) {
    let mut expected_labels = labels.to_vec();
    let mut ran_labels = ran.clone();
    expected_labels.sort_unstable();
    ran_labels.sort_unstable();
    assert_eq!(
        ran_labels, expected_labels,
        "the {scenario} logs each label once (a bug in the test, not in your answer)"
    );
    let missing: Vec<&str> = labels
        .iter()
        .filter(|label| !predicted.contains(label))
        .copied()
        .collect();
    let mut predicted_labels = predicted.clone();
    predicted_labels.sort_unstable();
    assert!(
        predicted_labels == expected_labels,
        "your prediction for the {scenario} must hold each of these labels once, \
         in some order: {labels:?}\nit holds: {predicted:?}\nmissing: {missing:?}"
    );
    assert!(
        predicted == ran,
        "the {scenario} ran in another order than you predicted (* marks the \
         differences):\n{}",
        side_by_side(&predicted, &ran, loop_name)
    );
}

#[test]
fn ex1_the_node_scenario_runs_in_the_order_you_predicted() {
    check_prediction(
        "Node scenario",
        &NODE_LABELS,
        node_order(),
        node_scenario(),
        "our NodeLoop",
    );
}

#[test]
fn ex1_the_asyncio_scenario_runs_in_the_order_you_predicted() {
    check_prediction(
        "asyncio scenario",
        &ASYNCIO_LABELS,
        asyncio_order(),
        asyncio_scenario(),
        "chapter 4's EventLoop",
    );
}

// ---- Exercise 2: Promise.all
// -------------------------------------------------------------------

/// A promise's state, in words, for messages.
fn state(promise: &Promise<Vec<i32>>) -> String {
    match promise.peek() {
        None => "pending".to_string(),
        Some(Ok(values)) => format!("fulfilled with {values:?}"),
        Some(Err(Rejection(reason))) => format!("rejected with {reason:?}"),
    }
}

/// `N` pending promises on `core`.
fn pending<const N: usize>(core: &Rc<Core>) -> [Promise<i32>; N] {
    std::array::from_fn(|_| Promise::new(core))
}

#[test]
fn ex2_the_values_come_in_the_lists_order_whatever_order_they_settle_in() {
    let lp = MicrotaskLoop::virtual_time();
    let [p1, p2, p3] = pending(lp.core());
    let (inputs, mut all) = (vec![p1.clone(), p2.clone(), p3.clone()], None);
    lp.run_script(|| all = Some(promise_all(lp.core(), inputs)));
    let all = all.expect("the script ran");
    assert!(
        all.is_pending(),
        "no input has settled yet: {}",
        state(&all)
    );
    for (promise, value) in [(&p3, 30), (&p1, 10)] {
        promise.resolve(value);
        lp.microtask_checkpoint();
        assert!(
            all.is_pending(),
            "the result settled before its last input: {}",
            state(&all)
        );
    }
    p2.resolve(20);
    lp.microtask_checkpoint();
    assert!(
        all.peek() == Some(Ok(vec![10, 20, 30])),
        "the inputs were fulfilled with 10, 20, 30, in the order 30, 10, 20: the \
         result must be fulfilled with [10, 20, 30], in the list's order; it is \
         {}",
        state(&all)
    );
}

#[test]
fn ex2_the_first_rejection_wins_even_while_other_inputs_are_pending() {
    let lp = MicrotaskLoop::virtual_time();
    let [a, b, c] = pending(lp.core());
    let (inputs, mut all) = (vec![a.clone(), b.clone(), c.clone()], None);
    lp.run_script(|| all = Some(promise_all(lp.core(), inputs)));
    let all = all.expect("the script ran");
    let c_failed = Some(Err(Rejection("c failed".into())));
    c.reject("c failed");
    lp.microtask_checkpoint();
    assert!(
        all.peek() == c_failed,
        "the last input was rejected while the first two were pending: the result \
         must be rejected at once, with \"c failed\"; it is {}",
        state(&all)
    );
    a.reject("a failed");
    b.resolve(2);
    lp.microtask_checkpoint();
    assert!(
        all.peek() == c_failed,
        "a later rejection, or the other inputs settling, changes nothing; the \
         result became {}",
        state(&all)
    );
    assert!(lp.is_stalled(), "nothing is left queued on the loop");
}

#[test]
fn ex2_an_empty_list_gives_a_promise_fulfilled_already() {
    let lp = MicrotaskLoop::virtual_time();
    let mut all = None;
    lp.run_script(|| all = Some(promise_all(lp.core(), Vec::new())));
    let all = all.expect("the script ran");
    assert!(
        all.peek() == Some(Ok(vec![])),
        "Node's Promise.all([]) is fulfilled with [] when it returns; right after \
         the call, yours is {}",
        state(&all)
    );
}

/// A callback that counts its runs and queues itself again, up to 100 ticks: one
/// tick always waits in the microtask queue, so the ticks counted while waiting
/// for something are the microtask turns it took.
#[derive(Clone, Default)]
struct Ticker {
    ticks: Rc<Cell<u32>>,
}

impl Ticker {
    fn start(core: &Rc<Core>) -> Self {
        let ticker = Ticker::default();
        ticker.clone().queue(core.clone());
        ticker
    }

    fn queue(self, core: Rc<Core>) {
        core.clone().call_soon_named("tick", move || {
            self.ticks.set(self.ticks.get() + 1);
            if self.ticks.get() < 100 {
                self.queue(core);
            }
        });
    }
}

/// In one script: a ticker, then `promise_all(make(core))`, then a reaction on
/// its result. Returns how many ticks ran between the call and the reaction, and
/// whether it was fulfilled.
fn ticks_until_settled(
    make: impl FnOnce(&Rc<Core>) -> Vec<Promise<i32>>,
) -> Option<(u32, bool)> {
    let lp = MicrotaskLoop::virtual_time();
    let seen = Rc::new(Cell::new(None));
    lp.run_script(|| {
        let ticker = Ticker::start(lp.core());
        let all = promise_all(lp.core(), make(lp.core()));
        let before = ticker.ticks.get();
        let (fulfilled, ticks) = (seen.clone(), ticker.ticks.clone());
        all.then(move |_| fulfilled.set(Some((ticks.get() - before, true))));
        let (rejected, ticks) = (seen.clone(), ticker.ticks);
        all.catch(move |_| {
            rejected.set(Some((ticks.get() - before, false)));
            Vec::new()
        });
    });
    seen.get()
}

/// What [`ticks_until_settled`] saw, in words.
fn settled(seen: Option<(u32, bool)>) -> String {
    match seen {
        None => "never settled".to_string(),
        Some((ticks, true)) => {
            format!("was fulfilled, {ticks} tick(s) after the call")
        }
        Some((ticks, false)) => {
            format!("was rejected, {ticks} tick(s) after the call")
        }
    }
}

/// Fulfilled promises of `values`.
fn fulfilled(
    core: &Rc<Core>,
    values: impl IntoIterator<Item = i32>,
) -> Vec<Promise<i32>> {
    values
        .into_iter()
        .map(|v| Promise::resolved(core, v))
        .collect()
}

// ANCHOR: turns
#[test]
fn ex2_a_then_on_the_result_runs_as_many_turns_later_as_in_node() {
    // Node v20: a then on Promise.all([]) runs 1 tick later; on Promise.all of
    // fulfilled promises, 2 ticks later, however many they are.
    for (n, node_ticks) in [(0, 1), (2, 2), (5, 2)] {
        let seen = ticks_until_settled(|core| fulfilled(core, 1..=n));
        assert!(
            seen == Some((node_ticks, true)),
            "a reaction on promise_all of {n} fulfilled promise(s) should see it \
             fulfilled {node_ticks} tick(s) after the call, as in Node; yours {}",
            settled(seen)
        );
    }
}

#[test]
fn ex2_a_rejected_input_rejects_the_result_two_turns_later_as_in_node() {
    // Node v20: a catch on Promise.all([fulfilled, rejected]) runs 2 ticks later.
    let seen = ticks_until_settled(|core| {
        vec![Promise::resolved(core, 1), Promise::rejected(core, "x")]
    });
    assert!(
        seen == Some((2, false)),
        "a reaction on promise_all([fulfilled 1, rejected]) should see it rejected \
         2 ticks after the call, as in Node; yours {}. Each input's one reaction \
         must see a rejection in the turn it would see a value",
        settled(seen)
    );
}
// ANCHOR_END: turns

// ---- Exercise 3: a microtask budget
// ------------------------------------------------------------

const LINKS: usize = 1_000;

/// At most this many turns in a test: far more than a correct answer needs.
const MAX_TURNS: usize = 10_000;

/// Queues link `i` of a chain of `n` as a microtask: it logs itself and queues the
/// next.
fn link(core: &Rc<Core>, log: &Rc<RefCell<Vec<String>>>, i: usize, n: usize) {
    let (next_core, log) = (core.clone(), log.clone());
    core.call_soon(move || {
        log.borrow_mut().push(format!("link {i}"));
        if i < n {
            link(&next_core, &log, i + 1, n);
        }
    });
}

/// Runs `turn` until the loop has nothing left to do; what each turn returned.
fn until_idle(
    lp: &MicrotaskLoop,
    turn: impl Fn(&MicrotaskLoop) -> usize,
) -> Vec<usize> {
    let mut ran = Vec::new();
    while !lp.is_stalled() {
        assert!(
            ran.len() < MAX_TURNS,
            "the loop still had work after {MAX_TURNS} turns: does each turn run \
             the next macrotask and some microtasks?"
        );
        ran.push(turn(lp));
    }
    ran
}

// ANCHOR: budget_scenario
/// The starvation scenario: a timer starts a chain of [`LINKS`] microtasks, each
/// queueing the next, while a second timer is due too. Runs the loop with `turn`
/// until it is idle; returns the log.
fn chain_and_due_timer(turn: impl Fn(&MicrotaskLoop) -> usize) -> Vec<String> {
    let lp = MicrotaskLoop::virtual_time();
    let log = Rc::new(RefCell::new(Vec::new()));
    let (core, start_log) = (lp.core().clone(), log.clone());
    lp.set_timeout_named("start", Duration::ZERO, move || {
        start_log.borrow_mut().push("start".to_string());
        link(&core, &start_log, 1, LINKS);
    });
    let timer_log = log.clone();
    lp.set_timeout_named("timer", Duration::ZERO, move || {
        timer_log.borrow_mut().push("timer".to_string());
    });
    until_idle(&lp, turn);
    log.take()
}
// ANCHOR_END: budget_scenario

/// `start`, the links, and `timer` after link `after`.
fn timer_after_link(after: usize) -> Vec<String> {
    let mut expected = vec!["start".to_string()];
    expected.extend((1..=LINKS).map(|i| format!("link {i}")));
    expected.insert(after.min(LINKS) + 1, "timer".to_string());
    expected
}

/// What ran just before the timer, for messages.
fn before_timer(log: &[String]) -> &str {
    match log.iter().position(|entry| entry == "timer") {
        Some(0) => "nothing",
        Some(at) => &log[at - 1],
        None => "never: the timer did not run",
    }
}

#[test]
fn ex3_with_a_budget_of_n_the_due_timer_runs_after_link_n() {
    for budget in [1, 7, 128] {
        let log = chain_and_due_timer(|lp| run_once_with_budget(lp, budget));
        assert!(
            log == timer_after_link(budget),
            "with a budget of {budget}, the timer should run right after link \
             {budget}; it ran after {} ({} entries logged, {} expected)",
            before_timer(&log),
            log.len(),
            LINKS + 2
        );
    }
}

#[test]
fn ex3_a_budget_larger_than_the_chain_keeps_javascripts_order() {
    let js_order = chain_and_due_timer(|lp| {
        lp.run_once();
        0
    });
    assert_eq!(
        js_order,
        timer_after_link(LINKS),
        "run_once drains the chain"
    );
    for budget in [LINKS, 5 * LINKS, usize::MAX] {
        let log = chain_and_due_timer(|lp| run_once_with_budget(lp, budget));
        assert!(
            log == js_order,
            "with a budget of {budget} (the chain has {LINKS} links), the order \
             should be JavaScript's, the timer after link {LINKS}; it ran after {}",
            before_timer(&log)
        );
    }
}

#[test]
fn ex3_the_microtasks_left_over_all_run_in_order_without_waiting_for_a_timer() {
    let lp = MicrotaskLoop::virtual_time();
    let log = Rc::new(RefCell::new(Vec::new()));
    let (core, start_log) = (lp.core().clone(), log.clone());
    lp.queue_macrotask("start", move || link(&core, &start_log, 1, LINKS));
    let (js, timer_log) = (lp.handle(), log.clone());
    lp.set_timeout(Duration::from_millis(5), move || {
        timer_log
            .borrow_mut()
            .push(format!("timer at {:?}", js.time()));
    });
    let per_turn = until_idle(&lp, |lp| run_once_with_budget(lp, 128));
    let mut expected: Vec<String> =
        (1..=LINKS).map(|i| format!("link {i}")).collect();
    expected.push("timer at 5ms".to_string());
    assert!(
        *log.borrow() == expected,
        "every link once, in order, then the 5 ms timer; {} entries logged, the \
         first out of place: {:?}",
        log.borrow().len(),
        log.borrow()
            .iter()
            .zip(&expected)
            .find(|(got, want)| got != want)
    );
    // 1,000 = 7 * 128 + 104; the timer's turn runs no microtask.
    let mut expected_turns = vec![128; 7];
    expected_turns.extend([104, 0]);
    assert!(
        per_turn == expected_turns,
        "with a budget of 128, each turn should return how many microtasks it ran: \
         128 seven times, then the last 104, then 0 in the timer's turn. A turn \
         with microtasks left over runs them at once, without waiting for the \
         timer. Yours returned {per_turn:?}"
    );
}

#[test]
fn ex3_a_budget_of_0_is_refused() {
    let lp = MicrotaskLoop::virtual_time();
    lp.queue_microtask(|| {});
    let outcome = catch_unwind(AssertUnwindSafe(|| run_once_with_budget(&lp, 0)));
    let message = match outcome {
        Err(payload) => panic_message(payload.as_ref()),
        Ok(ran) => panic!("a budget of 0 should panic; the turn returned {ran}"),
    };
    assert!(
        message.contains("a microtask budget must be 1+"),
        "a budget of 0 should panic with \"a microtask budget must be 1+\" (no \
         microtask would ever run); it panicked with: {message}"
    );
}
