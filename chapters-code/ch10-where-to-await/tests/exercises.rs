//! Tests for the chapter 10 exercises. Run one with `cargo xtask exercise ch10 N`.
//!
//! They fail on the stubs (which call `todo!`) and pass on a correct answer. Every
//! loop runs on the virtual clock, and every wait for a thread is bounded, so a
//! wrong answer fails with a message; it never hangs.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use ch06_patterns::gather;
use ch07_executors::{EventLoop, ThreadedCore};
use ch10_where_to_await::exercises::ex1_predict_the_order::{
    LABELS, predicted_order,
};
use ch10_where_to_await::exercises::ex2_will_it_block::{
    SNIPPETS, Verdict, verdicts,
};
use ch10_where_to_await::exercises::ex3_background_tasks::{
    BackgroundTasks, Report,
};
use ch10_where_to_await::measure;

type Log = Rc<RefCell<Vec<&'static str>>>;

fn push(log: &Log, label: &'static str) {
    log.borrow_mut().push(label);
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

// ---- Exercise 1: predict the order
// -------------------------------------------------------------

/// A child of the gather: sleeps `s` seconds first if `s` is not 0, then logs.
async fn child(h: Rc<ThreadedCore>, log: Log, s: f64, label: &'static str) {
    if s > 0.0 {
        h.sleep(secs(s)).await;
    }
    push(&log, label);
}

// ANCHOR: order_scenario
/// Exercise 1's scenario: one `main` task on our loop.
fn order_scenario() -> Vec<&'static str> {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let main_log = log.clone();
    lp.spawn(async move {
        push(&main_log, "main: start");
        let (a_handle, a_log) = (h.clone(), main_log.clone());
        let a = h.spawn(async move {
            push(&a_log, "A: start");
            a_handle.sleep(Duration::ZERO).await;
            push(&a_log, "A: end");
        });
        push(&main_log, "main: A spawned");
        let b_log = main_log.clone();
        let b = async move { push(&b_log, "B: runs") }; // a future, not a task
        b.await;
        push(&main_log, "main: after B");
        let all = gather(
            h.core(),
            [
                child(h.clone(), main_log.clone(), 0.0, "C: runs"),
                child(h.clone(), main_log.clone(), 1.0, "D: after 1 s"),
            ],
        );
        push(&main_log, "main: gather built");
        all.await.unwrap();
        push(&main_log, "main: after gather");
        a.await.unwrap();
        push(&main_log, "main: end");
    });
    lp.run_until_idle();
    log.take()
}
// ANCHOR_END: order_scenario

/// The two orders side by side, numbered, with a mark where they differ.
fn side_by_side(predicted: &[&str], ran: &[&str]) -> String {
    let mut table = format!("      {:<22} our loop ran\n", "you predicted");
    for i in 0..predicted.len().max(ran.len()) {
        let (p, r) = (predicted.get(i), ran.get(i));
        let mark = if p == r { ' ' } else { '*' };
        let p = p.copied().unwrap_or("(nothing)");
        let r = r.copied().unwrap_or("(nothing)");
        table.push_str(&format!("{mark}{:>3}  {p:<22} {r}\n", i + 1));
    }
    table
}

#[test]
fn ex1_the_scenario_logs_in_the_order_you_predicted() {
    let ran = order_scenario();
    let mut labels = LABELS.to_vec();
    labels.sort_unstable();
    let mut ran_labels = ran.clone();
    ran_labels.sort_unstable();
    assert_eq!(
        ran_labels, labels,
        "LABELS in exercises/ex1_predict_the_order.rs differs from the labels the \
         scenario logs: restore it from solutions/ex1_predict_the_order.rs"
    );
    let predicted = predicted_order();
    let mut predicted_labels = predicted.clone();
    predicted_labels.sort_unstable();
    assert!(
        predicted_labels == labels,
        "your prediction must hold each of these labels once, in some order: \
         {LABELS:?}\nit holds: {predicted:?}"
    );
    assert!(
        predicted == ran,
        "the scenario ran in another order than you predicted (* marks the \
         differences):\n{}",
        side_by_side(&predicted, &ran)
    );
}

// ---- Exercise 2: will this block the loop?
// -----------------------------------------------------

/// A snippet as the test runs it: the line, in a task of its own.
type Snippet =
    Box<dyn FnOnce(Rc<ThreadedCore>) -> Pin<Box<dyn Future<Output = ()>>>>;

/// A snippet's text and the snippet itself, from one piece of code: the text is
/// compared with the stub's list, so the two cannot drift apart.
macro_rules! snippet {
    ($h:ident => $line:expr) => {
        (
            stringify!($line),
            Box::new(|$h: Rc<ThreadedCore>| {
                Box::pin(async move {
                    let _in_scope = &$h; // some snippets do not use it
                    let _output = $line;
                }) as Pin<Box<dyn Future<Output = ()>>>
            }) as Snippet,
        )
    };
}

// ANCHOR: snippets
/// Exercise 2's snippets, in the order of `SNIPPETS`.
fn snippets() -> Vec<(&'static str, Snippet)> {
    // `snippet!(h => line)` (defined above) gives the line's text, and a task
    // body that runs the line with `h`, the loop's handle.
    vec![
        snippet!(h => h.sleep(Duration::from_millis(10)).await),
        snippet!(h => std::thread::sleep(Duration::from_millis(10))),
        snippet!(h =>
            h.to_thread(|| std::thread::sleep(Duration::from_millis(10))).await),
        snippet!(h => h.sleep(Duration::ZERO).await),
        snippet!(h => async { (0..1_000u64).sum::<u64>() }.await),
        snippet!(h => h.spawn(async { 1 }).await),
        snippet!(h => drop(h.to_thread(|| 1))),
        snippet!(h => futures::future::join(async { 1 }, async { 2 }).await),
        snippet!(h => gather(h.core(), (1..=2).map(|n| async move { n })).await),
    ]
}

/// Runs `line` in a task on a fresh loop, beside a task that is ready when the
/// line begins: what happened to that task, and in how many iterations.
fn run_snippet(line: Snippet) -> (Verdict, u64) {
    let lp = EventLoop::virtual_time();
    let h = lp.handle();
    let measured = lp
        .run_until_complete(async move {
            let core = h.core().clone();
            measure(&core, line(h)).await
        })
        .expect("the snippet runs to its end");
    let verdict = match measured.others_ran {
        true => Verdict::OthersRun,
        false => Verdict::OthersWait,
    };
    (verdict, measured.iterations)
}
// ANCHOR_END: snippets

/// Whitespace does not count: `stringify!` spaces tokens its own way.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn ex2_your_verdicts_match_what_each_snippet_does_on_our_loop() {
    let snippets = snippets();
    let texts: Vec<String> =
        snippets.iter().map(|(text, _)| squeezed(text)).collect();
    let listed: Vec<String> = SNIPPETS.iter().map(|text| squeezed(text)).collect();
    assert_eq!(
        texts, listed,
        "SNIPPETS in exercises/ex2_will_it_block.rs differs from the test's list: \
         restore it from solutions/ex2_will_it_block.rs"
    );
    let yours = verdicts();
    let mut wrong = Vec::new();
    for (i, (_, line)) in snippets.into_iter().enumerate() {
        let (seen, iterations) = run_snippet(line);
        if yours[i] != seen {
            wrong.push(format!(
                "  {}. {}\n     you said {:?}; it was {seen:?} ({iterations} \
                 iterations of the loop began while it ran)",
                i + 1,
                SNIPPETS[i],
                yours[i]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} verdicts differ from what ran:\n{}",
        wrong.len(),
        SNIPPETS.len(),
        wrong.join("\n")
    );
}

// ---- Exercise 3: background tasks
// --------------------------------------------------------------

/// Logs its label when dropped, as the row tests' `DropGuard` does, unless its
/// task finished first: then the log names only the tasks that were cancelled.
struct DropGuard {
    log: Log,
    label: &'static str,
    finished: bool,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if !self.finished {
            push(&self.log, self.label);
        }
    }
}

/// A task that sleeps `s` seconds, then logs `label`; it logs `dropped` if it is
/// dropped before.
async fn sleeper(
    h: Rc<ThreadedCore>,
    log: Log,
    s: f64,
    label: &'static str,
    dropped: &'static str,
) {
    let mut guard = DropGuard {
        log: log.clone(),
        label: dropped,
        finished: false,
    };
    h.sleep(secs(s)).await;
    guard.finished = true;
    push(&log, label);
}

/// A task that sleeps `s` seconds, then panics with `message`.
async fn failing(h: Rc<ThreadedCore>, s: f64, message: &'static str) {
    h.sleep(secs(s)).await;
    panic!("{message}");
}

#[test]
fn ex3_ended_tasks_are_reaped_and_a_failure_comes_back_with_its_name() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let mut tasks = BackgroundTasks::new(&h);
    tasks.spawn(
        "ok",
        sleeper(h.clone(), log.clone(), 1.0, "ok done", "ok dropped"),
    );
    tasks.spawn(
        "bad",
        failing(h.clone(), 2.0, "no disk (task bad fails on purpose)"),
    );
    let slow = sleeper(h.clone(), log.clone(), 10.0, "slow done", "slow dropped");
    tasks.spawn("slow", slow);
    assert_eq!(tasks.len(), 3, "spawn keeps one handle per task");
    lp.run_until_complete(h.sleep(secs(3.0))).unwrap();
    assert_eq!(tasks.len(), 3, "nothing is forgotten before a reap");
    let failures: Vec<String> = tasks.reap().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        failures,
        ["task bad panicked: no disk (task bad fails on purpose)"],
        "reap hands back the failure of the task that panicked, and nothing else"
    );
    assert_eq!(tasks.len(), 1, "only slow is kept");
    assert!(tasks.reap().is_empty(), "a failure is handed back once");
    assert_eq!(
        *log.borrow(),
        ["ok done"],
        "ok finished at 1 s; reap must not cancel slow, still asleep"
    );
}

#[test]
fn ex3_shutdown_gives_the_grace_period_then_cancels_what_is_left() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let mut tasks = BackgroundTasks::new(&h);
    let quick = sleeper(h.clone(), log.clone(), 1.0, "quick done", "quick dropped");
    tasks.spawn("quick", quick);
    tasks.spawn(
        "bad",
        failing(h.clone(), 1.5, "no disk (task bad fails on purpose)"),
    );
    let slow = sleeper(h.clone(), log.clone(), 5.0, "slow done", "slow dropped");
    tasks.spawn("slow", slow);
    let report = lp.run_until_complete(tasks.shutdown(secs(2.0))).unwrap();
    assert_eq!(lp.time(), secs(2.0), "the grace period, and no more");
    assert_eq!(
        report.finished,
        ["quick"],
        "only quick returned within the grace period: bad panicked, slow still ran"
    );
    assert_eq!(
        report.cancelled,
        ["slow"],
        "slow still ran when the grace period ended: shutdown must cancel it"
    );
    let failures: Vec<String> =
        report.failures.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        failures,
        ["task bad panicked: no disk (task bad fails on purpose)"],
        "bad panicked at 1.5 s: the report keeps its failure"
    );
    assert_eq!(
        *log.borrow(),
        ["quick done", "slow dropped"],
        "slow was cancelled (dropped) at 2 s, never finished"
    );
    assert_eq!(lp.task_count(), 0, "nothing is left running");
}

#[test]
fn ex3_shutdown_returns_as_soon_as_every_task_has_ended() {
    let lp = EventLoop::virtual_time();
    let (h, log) = (lp.handle(), Log::default());
    let mut tasks = BackgroundTasks::new(&h);
    for (name, s) in [("one", 1.0), ("two", 2.0)] {
        tasks.spawn(name, sleeper(h.clone(), log.clone(), s, name, "dropped"));
    }
    let report = lp.run_until_complete(tasks.shutdown(secs(60.0))).unwrap();
    assert_eq!(lp.time(), secs(2.0), "it did not wait out the 60 s");
    let expected = Report {
        finished: vec!["one".into(), "two".into()],
        cancelled: vec![],
        failures: vec![],
    };
    assert_eq!(
        report, expected,
        "both ended within the grace period: nothing cancelled, nothing failed"
    );
    assert_eq!(*log.borrow(), ["one", "two"], "both ran to their end");
}
