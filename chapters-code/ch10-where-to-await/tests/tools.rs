//! The tools that catch a missing or misplaced `.await` before the program runs.
//!
//! Each test runs rustc or clippy on a small fixture (`tests/fixtures/`) and
//! asserts what the tool says and where it points; the fixed version of each
//! fixture is checked too, so a test fails if a lint stops firing or starts
//! firing on good code. The messages are those of the toolchain in use (1.95 when
//! written): if an upgrade rewords one, update the test and the chapter.

// Under tests/tools/, where cargo does not take it for a test target of its own.
#[path = "tools/compiler.rs"]
mod compiler;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use ch04_timers::EventLoop;
use compiler::{
    CLIPPY_INSTALL, Check, Diagnostic, Fixture, assert_nothing_points_at,
    assert_silent, only,
};

/// The note clippy adds to a lint that no flag or attribute turned on.
fn on_by_default(lint: &str) -> String {
    format!("`#[warn({lint})]` on by default")
}

/// clippy with every lint group on, pedantic, nursery and restriction included.
fn clippy_with_every_group() -> Check {
    Check::clippy()
        .warn("clippy::pedantic")
        .warn("clippy::nursery")
        .warn("clippy::restriction")
        .allow("clippy::blanket_clippy_restriction_lints")
}

fn assert_note(found: &Diagnostic, message: &str) {
    assert!(
        found.note(message).is_some(),
        "expected the note {message:?} in:\n{}",
        found.rendered
    );
}

#[test]
fn rustc_warns_when_an_async_fns_future_is_dropped_unawaited() {
    let fixture = Fixture::named("dropped_future.rs");
    let found = Check::rustc().on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("unused_must_use"));
    assert_eq!(warning.line, fixture.line("// warning: unused implementer"));
    assert_eq!(
        warning.message,
        "unused implementer of `Future` that must be used"
    );
    assert_note(
        warning,
        "futures do nothing unless you `.await` or poll them",
    );
}

#[test]
fn let_underscore_silences_rustc_but_not_clippys_let_underscore_future() {
    let fixture = Fixture::named("let_underscore_future.rs");
    assert_silent(&Check::rustc().on(&fixture));

    let found = Check::clippy().on(&fixture);
    let warning = only(&found);
    assert_eq!(
        warning.code.as_deref(),
        Some("clippy::let_underscore_future")
    );
    assert_eq!(warning.line, fixture.line("// warning (clippy only)"));
    assert_eq!(warning.message, "non-binding `let` on a future");
    assert_note(
        warning,
        "consider awaiting the future or dropping explicitly with `std::mem::drop`",
    );
    assert_note(warning, &on_by_default("clippy::let_underscore_future"));
}

#[test]
fn an_underscore_assignment_escapes_rustc_and_every_clippy_lint() {
    let fixture = Fixture::named("underscore_assignment.rs");
    let dropped = fixture.line("// dropped, unpolled, and no warning");
    assert_silent(&Check::rustc().on(&fixture));
    assert_silent(&Check::clippy().on(&fixture));
    let everything = clippy_with_every_group().on(&fixture);
    assert!(!everything.is_empty(), "restriction lints fire on any code");
    assert_nothing_points_at(&everything, dropped);
}

#[test]
fn an_awaited_future_draws_nothing_from_rustc_or_clippy() {
    let fixture = Fixture::named("future_awaited.rs");
    assert_silent(&Check::rustc().on(&fixture));
    assert_silent(&Check::clippy().on(&fixture));
}

#[test]
fn clippy_flags_a_mutex_guard_held_across_an_await() {
    let fixture = Fixture::named("mutex_guard_across_await.rs");
    let found = Check::clippy().on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("clippy::await_holding_lock"));
    assert_eq!(warning.line, fixture.line("// warning: guard held across"));
    assert_eq!(
        warning.message,
        "this `MutexGuard` is held across an await point"
    );
    let awaits = warning
        .note("these are all the await points this lock is held through")
        .expect("a note naming the awaits");
    assert_eq!(awaits.lines, [fixture.line("// ...this await")]);
    assert_note(warning, &on_by_default("clippy::await_holding_lock"));
}

#[test]
fn clippy_is_silent_when_the_guard_is_dropped_in_a_block_before_the_await() {
    let fixture = Fixture::named("mutex_guard_in_a_block.rs");
    assert_silent(&Check::clippy().on(&fixture));
}

#[test]
fn clippy_still_flags_a_guard_passed_to_drop_before_the_await() {
    // A documented false positive (rust-clippy#6446): the guard was borrowed
    // (`*guard += 1`), and a borrowed local counts as held until its scope ends.
    let fixture = Fixture::named("mutex_guard_passed_to_drop.rs");
    let found = Check::clippy().on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("clippy::await_holding_lock"));
    assert_eq!(warning.line, fixture.line("// warning: still held across"));
    let awaits = warning
        .note("these are all the await points this lock is held through")
        .expect("a note naming the awaits");
    assert_eq!(awaits.lines, [fixture.line("// ...this await")]);
}

#[test]
fn clippy_flags_a_refcell_borrow_held_across_an_await() {
    let fixture = Fixture::named("refcell_borrow_across_await.rs");
    let found = Check::clippy().on(&fixture);
    let warning = only(&found);
    assert_eq!(
        warning.code.as_deref(),
        Some("clippy::await_holding_refcell_ref")
    );
    assert_eq!(warning.line, fixture.line("// warning: borrow held across"));
    assert_eq!(
        warning.message,
        "this `RefCell` reference is held across an await point"
    );
    let awaits = warning
        .note("these are all the await points this reference is held through")
        .expect("a note naming the awaits");
    assert_eq!(awaits.lines, [fixture.line("// ...this await")]);
    assert_note(
        warning,
        "ensure the reference is dropped before calling `await`",
    );
    assert_note(warning, &on_by_default("clippy::await_holding_refcell_ref"));
}

#[test]
fn clippy_is_silent_when_the_borrow_ends_in_a_block_before_the_await() {
    let fixture = Fixture::named("refcell_borrow_in_a_block.rs");
    assert_silent(&Check::clippy().on(&fixture));
}

/// What `await_holding_refcell_ref` warns about, on our loop: while the first
/// task is suspended with the log borrowed, the next task to borrow it panics.
#[test]
#[expect(clippy::await_holding_refcell_ref, reason = "the mistake shown")]
fn a_borrow_held_across_an_await_panics_the_next_task_that_borrows() {
    let lp = EventLoop::virtual_time();
    let timers = lp.handle();
    let log: Rc<RefCell<Vec<&str>>> = Rc::default();
    let (first_log, second_log) = (log.clone(), log.clone());
    let first = lp.spawn(async move {
        let mut lines = first_log.borrow_mut();
        lines.push("first");
        timers.sleep(Duration::from_secs(1)).await; // suspended, still borrowing
        lines.push("first, after its await");
    });
    let second = lp.spawn(async move {
        second_log.borrow_mut().push("second");
    });
    lp.run_until_idle();
    let error = second.try_take().expect("done").expect_err("it panicked");
    assert_eq!(error.panic_message(), Some("RefCell already borrowed"));
    assert!(first.try_take().expect("done").is_ok());
    assert_eq!(*log.borrow(), ["first", "first, after its await"]);
}

/// What `await_holding_lock` warns about, on our one-threaded loop: the next task
/// finds the lock taken, by a task that cannot resume until that task yields.
/// `lock()` here would never return (std's `Mutex::lock`: it "might panic or
/// deadlock"); `try_lock` shows the same state without hanging the test.
#[test]
#[expect(clippy::await_holding_lock, reason = "the mistake shown")]
fn a_guard_held_across_an_await_keeps_the_lock_from_the_next_task() {
    let lp = EventLoop::virtual_time();
    let timers = lp.handle();
    let checked = Rc::new(Mutex::new(0));
    let (first_count, second_count) = (checked.clone(), checked.clone());
    let first = lp.spawn(async move {
        let mut count = first_count.lock().unwrap();
        *count += 1;
        timers.sleep(Duration::from_secs(1)).await; // suspended, still locked
        *count += 1;
    });
    let second = lp.spawn(async move {
        matches!(second_count.try_lock(), Err(TryLockError::WouldBlock))
    });
    lp.run_until_idle();
    assert_eq!(
        second.try_take().expect("done").ok(),
        Some(true),
        "lock taken"
    );
    assert!(first.try_take().expect("done").is_ok());
    assert_eq!(*checked.lock().unwrap(), 2);
}

#[test]
fn let_underscore_future_and_the_await_holding_lints_are_in_the_suspicious_group() {
    // Each fires on its fixture with the group on (the tests above); turning the
    // group off silences it: that is what membership means.
    for (name, lint) in [
        ("let_underscore_future.rs", "clippy::let_underscore_future"),
        ("mutex_guard_across_await.rs", "clippy::await_holding_lock"),
        (
            "refcell_borrow_across_await.rs",
            "clippy::await_holding_refcell_ref",
        ),
    ] {
        let fixture = Fixture::named(name);
        let on = Check::clippy().on(&fixture);
        assert_eq!(only(&on).code.as_deref(), Some(lint));
        assert_silent(&Check::clippy().allow("clippy::suspicious").on(&fixture));
    }
}

#[test]
fn unused_async_is_off_by_default() {
    let fixture = Fixture::named("async_fn_without_await.rs");
    assert_silent(&Check::clippy().on(&fixture));
}

#[test]
fn clippy_flags_an_async_fn_without_await_once_unused_async_is_on() {
    let fixture = Fixture::named("async_fn_without_await.rs");
    let found = Check::clippy().warn("clippy::unused_async").on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("clippy::unused_async"));
    assert_eq!(
        warning.line,
        fixture.line_after("// warning (when enabled)")
    );
    assert_eq!(
        warning.message,
        "unused `async` for function with no await statements"
    );
    assert_note(warning, "consider removing the `async` from this function");
}

#[test]
fn unused_async_is_pedantic() {
    let fixture = Fixture::named("async_fn_without_await.rs");
    let found = Check::clippy().warn("clippy::pedantic").on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("clippy::unused_async"));
    assert_note(
        warning,
        "`-W clippy::unused-async` implied by `-W clippy::pedantic`",
    );
}

#[test]
fn clippy_is_silent_on_the_plain_fn_that_replaces_it() {
    let fixture = Fixture::named("plain_fn.rs");
    assert_silent(&Check::clippy().warn("clippy::unused_async").on(&fixture));
}

#[test]
fn awaiting_a_blocking_call_or_a_plain_value_does_not_compile() {
    let fixture = Fixture::named("awaiting_non_futures.rs");
    let found = Check::rustc().on(&fixture);
    let [sleep, parse] = found.as_slice() else {
        panic!("expected two errors, got {found:#?}");
    };
    for (error, marker, not_a_future) in [
        (sleep, "// error: `()`", "`()` is not a future"),
        (parse, "// error: `bool`", "`bool` is not a future"),
    ] {
        assert_eq!(error.code.as_deref(), Some("E0277"));
        assert_eq!(error.level, "error");
        assert_eq!(error.line, fixture.line(marker));
        assert_eq!(error.message, not_a_future);
        assert_note(error, "remove the `.await`");
    }
    let labels = sleep.labels_on(sleep.line);
    assert!(labels.contains(&"this call returns `()`"), "{labels:?}");
    // For a plain function, rustc offers a second fix, the wrong one for a
    // function that does not wait: the cheat sheet's "just call it".
    assert_note(
        parse,
        "alternatively, consider making `fn parse_status` asynchronous",
    );
}

#[test]
fn no_lint_flags_a_blocking_call_inside_an_async_fn() {
    let fixture = Fixture::named("blocking_call_in_async_fn.rs");
    let sleep = fixture.line("// blocks the loop's thread");
    assert_silent(&Check::rustc().on(&fixture));
    assert_silent(&Check::clippy().on(&fixture));
    // Every group on: many lints fire on this file, none of them on the sleep.
    let everything = clippy_with_every_group().on(&fixture);
    assert!(!everything.is_empty(), "restriction lints fire on any code");
    assert_nothing_points_at(&everything, sleep);
}

#[test]
fn clippy_flags_thread_sleep_once_clippy_toml_disallows_it() {
    let fixture = Fixture::named("blocking_call_in_async_fn.rs");
    let found = Check::clippy().clippy_toml("no_thread_sleep").on(&fixture);
    let warning = only(&found);
    assert_eq!(warning.code.as_deref(), Some("clippy::disallowed_methods"));
    assert_eq!(warning.line, fixture.line("// blocks the loop's thread"));
    assert_eq!(
        warning.message,
        "use of a disallowed method `std::thread::sleep`"
    );
    assert_note(warning, "blocks the loop's thread: await a timer");
}

#[test]
fn a_future_holding_an_rc_across_an_await_is_not_send() {
    let fixture = Fixture::named("rc_held_across_await.rs");
    let found = Check::rustc().on(&fixture);
    let error = only(&found);
    assert_eq!(error.code, None, "this error has no E-number");
    assert_eq!(
        error.message,
        "future cannot be sent between threads safely"
    );
    assert_eq!(error.line, fixture.line("// error: future cannot be sent"));
    let value = fixture.line("// `Rc<String>`, not Send");
    let await_point = fixture.line("// ...held across this await");
    let held = error
        .note("future is not `Send` as this value is used across an await")
        .expect("a note naming the value and the await");
    let mut lines = held.lines.clone();
    lines.sort_unstable();
    assert_eq!(lines, [value, await_point]);
    assert_eq!(
        error.labels_on(value),
        ["has type `Rc<String>` which is not `Send`"]
    );
    assert_eq!(
        error.labels_on(await_point),
        ["await occurs here, with `line` maybe used later"]
    );
}

#[test]
fn a_future_that_drops_its_rc_in_a_block_before_the_await_is_send() {
    let fixture = Fixture::named("rc_dropped_in_a_block.rs");
    assert_silent(&Check::rustc().on(&fixture));
}

#[test]
fn a_future_that_passes_its_rc_to_drop_is_still_not_send() {
    // The same rule as clippy's: `line.len()` borrowed `line`, and a borrowed
    // local counts as live until its scope ends (rust-lang/rust#116680).
    let fixture = Fixture::named("rc_passed_to_drop.rs");
    let found = Check::rustc().on(&fixture);
    let error = only(&found);
    assert_eq!(
        error.message,
        "future cannot be sent between threads safely"
    );
    assert_eq!(error.line, fixture.line("// error: future cannot be sent"));
    assert_eq!(
        error.labels_on(fixture.line("// `Rc<String>`, still")),
        ["has type `Rc<String>` which is not `Send`"]
    );
}

#[test]
fn a_missing_tool_fails_the_test_saying_how_to_install_it() {
    let fixture = Fixture::named("future_awaited.rs");
    let missing = Check::program("clippy-driver-not-installed", CLIPPY_INSTALL);
    let payload = catch_unwind(AssertUnwindSafe(|| missing.on(&fixture)))
        .expect_err("a missing tool fails");
    let message = payload
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(message.contains("is not installed"), "{message}");
    assert!(message.contains(CLIPPY_INSTALL), "{message}");
}
