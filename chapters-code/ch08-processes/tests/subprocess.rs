//! `Subprocess`: a child's lines read through the selector while other tasks run,
//! its exit status learned from a pidfd with no thread, and no child left behind.

mod common;

use std::cell::RefCell;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::rc::Rc;
use std::thread;
use std::time::{Duration, Instant};

use ch06_patterns::wait_for;
use ch08_processes::subprocess::Subprocess;
use ch08_processes::{EventLoop, is_gone};
use common::{run_bounded, runs_alone, threads};
use test_support::LIMIT;

const SIGKILL: i32 = 9;
const NO_ARGS: [&str; 0] = [];

// ANCHOR: lines
#[test]
fn a_childs_lines_arrive_one_by_one_while_another_task_runs() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let log = Rc::new(RefCell::new(Vec::<String>::new()));
    // The child's second line waits for our answer, which only the ticker sends.
    let script = r#"echo ready; read answer; echo "got $answer""#;
    let mut proc = Subprocess::exec(&io, "sh", ["-c", script]).expect("start sh");
    let (mut stdin, log2) = (proc.stdin.take().expect("piped"), log.clone());
    let ticker = async move {
        for i in 1..=3 {
            log2.borrow_mut().push(format!("tick {i}"));
            io.sleep(Duration::from_millis(1)).await;
        }
        stdin.write_all(b"42\n").await?;
        log2.borrow_mut().push("parent answered".into());
        io::Result::Ok(())
    };
    let (handle, log3) = (lp.handle(), log.clone());
    let status = run_bounded(&lp, async move {
        let stdout = proc.stdout.as_mut().expect("piped");
        let first = stdout.next_line().await?.expect("a first line");
        log3.borrow_mut().push(format!("child: {first}"));
        let ticking = handle.spawn(ticker);
        let second = stdout.next_line().await?.expect("a second line");
        log3.borrow_mut().push(format!("child: {second}"));
        ticking.await.expect("the ticker ran")?;
        proc.wait().await
    })
    .expect("no I/O error");
    let expected = [
        "child: ready",
        "tick 1",
        "tick 2",
        "tick 3",
        "parent answered",
        "child: got 42",
    ];
    assert_eq!(*log.borrow(), expected);
    assert_eq!(status.code(), Some(0));
}
// ANCHOR_END: lines

// ANCHOR: status
#[test]
fn wait_returns_the_exit_code_or_the_signal_that_killed_the_child() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (exited, killed) = run_bounded(&lp, async move {
        let mut three = Subprocess::exec(&io, "sh", ["-c", "exit 3"])?;
        let exited = three.wait().await?;
        let mut cat = Subprocess::exec(&io, "cat", NO_ARGS)?;
        cat.kill()?; // before `wait` closes its stdin, which would end it with 0
        let killed = cat.wait().await?;
        io::Result::Ok((exited, killed))
    })
    .expect("no I/O error");
    assert_eq!((exited.code(), exited.signal()), (Some(3), None));
    assert_eq!((killed.code(), killed.signal()), (None, Some(SIGKILL)));
    assert_eq!(killed.to_string(), "signal: 9 (SIGKILL)");
}
// ANCHOR_END: status

// ANCHOR: pidfd
#[test]
fn the_childs_exit_comes_from_a_pidfd_in_the_selector_with_no_thread_started() {
    if !runs_alone(
        "the_childs_exit_comes_from_a_pidfd_in_the_selector_with_no_thread_started",
    ) {
        return; // a copy of this binary ran it alone, and passed
    }
    let lp = EventLoop::new();
    let io = lp.io().clone();
    // The child exits (with 7) when its stdin closes, which we do while it waits.
    // (Taken out of `proc`, so that `wait` cannot close it first.)
    let mut proc =
        Subprocess::exec(&io, "sh", ["-c", "read line; exit 7"]).expect("start sh");
    let stdin = proc.stdin.take();
    let (threads_before, fds_before) = (threads(), io.registered());
    let waiter = lp.spawn(async move { proc.wait().await }); // runs first
    let ((threads_during, fds_during), status) = run_bounded(&lp, async move {
        // The waiter has registered the pidfd, and is parked.
        let during = (threads(), io.registered());
        drop(stdin); // end of input: the child exits
        (during, waiter.await)
    });
    let status = status.expect("the waiter ran").expect("no I/O error");
    assert_eq!(status.code(), Some(7));
    assert_eq!(fds_during, fds_before + 1, "the pidfd joined the selector");
    assert_eq!(threads_during, threads_before, "no thread was started");
    assert_eq!(threads(), threads_before, "and none is left");
}
// ANCHOR_END: pidfd

// ANCHOR: drop
#[test]
fn dropping_a_subprocess_kills_and_reaps_a_child_still_running() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let fds = io.registered();
    let cat = Subprocess::exec(&io, "cat", NO_ARGS).expect("start cat");
    let pid = cat.id();
    assert_eq!(
        io.registered(),
        fds + 2,
        "stdin and stdout are in the selector"
    );
    assert!(!is_gone(pid), "cat waits for its stdin");
    drop(cat);
    assert!(is_gone(pid), "killed and reaped: not running, not a zombie");
    assert_eq!(io.registered(), fds, "both pipes left the selector");
}
// ANCHOR_END: drop

#[test]
fn std_and_tokio_leave_a_dropped_child_running_where_subprocess_kills_it() {
    let child = Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("start sleep");
    let pid = child.id();
    drop(child);
    let std_left_it = !is_gone(pid);
    // Nothing owns the child any more: kill and reap it by hand.
    assert_eq!(kill_and_reap(pid), Some(SIGKILL), "std's child ran on");
    assert!(std_left_it);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let pid = runtime.block_on(async {
        let child = tokio::process::Command::new("sleep").arg("60").spawn();
        child.expect("start sleep").id().expect("running")
    }); // the `tokio::process::Child` is dropped here
    drop(runtime);
    let tokio_left_it = !is_gone(pid);
    assert_eq!(kill_and_reap(pid), Some(SIGKILL), "tokio's child ran on");
    assert!(tokio_left_it);
}

/// Kills our child `pid`, reaps it and returns the signal that ended it.
fn kill_and_reap(pid: u32) -> Option<i32> {
    use rustix::process::{Pid, Signal, WaitOptions, kill_process, waitpid};
    let pid = Pid::from_raw(pid.try_into().expect("a pid")).expect("not 0");
    let _ = kill_process(pid, Signal::KILL);
    let deadline = Instant::now() + LIMIT;
    loop {
        match waitpid(Some(pid), WaitOptions::NOHANG).expect("our child") {
            Some((_, status)) => return status.terminating_signal(),
            None if Instant::now() > deadline => panic!("{pid:?} outlived SIGKILL"),
            None => thread::sleep(Duration::from_millis(1)),
        }
    }
}

#[test]
fn dropping_a_wait_cut_short_by_a_timeout_still_kills_and_reaps_the_child() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let fds = io.registered();
    let (pid, timed_out) = run_bounded(&lp, async move {
        let mut sleep = Subprocess::exec(&io, "sleep", ["60"])?;
        let pid = sleep.id();
        let timers = io.timers();
        let waited = wait_for(timers, sleep.wait(), ms(20)).await;
        io::Result::Ok((pid, waited.is_err())) // `sleep` is dropped here
    })
    .expect("no I/O error");
    assert!(timed_out, "sleep 60 does not exit within the test");
    assert!(is_gone(pid), "killed and reaped");
    assert_eq!(
        lp.io().registered(),
        fds,
        "no pipe or pidfd left registered"
    );
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ANCHOR: wait_closes_stdin
#[test]
fn wait_closes_stdin_first_so_a_child_that_reads_it_to_the_end_exits() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (status, pid) = run_bounded(&lp, async move {
        // `cat` copies its stdin until the end: it exits only once stdin closes.
        let mut cat = Subprocess::exec(&io, "cat", NO_ARGS)?;
        let status = cat.wait().await?; // a wait that left stdin open: never
        io::Result::Ok((status, cat.id()))
    })
    .expect("no I/O error");
    assert_eq!(status.code(), Some(0), "cat saw the end of its input");
    assert!(is_gone(pid), "and was reaped");
}
// ANCHOR_END: wait_closes_stdin

// ANCHOR: cancel_safe
#[test]
fn a_next_line_cut_short_by_a_timeout_loses_nothing_and_the_next_returns_the_line() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (cut_short, line, end) = run_bounded(&lp, async move {
        // The child prints its line only once we answer.
        let script = r#"read go; echo "the one line""#;
        let mut proc = Subprocess::exec(&io, "sh", ["-c", script])?;
        let stdout = proc.stdout.as_mut().expect("piped");
        // Nothing to read yet: `wait_for` drops the read while it waits.
        let cut = wait_for(io.timers(), stdout.next_line(), ms(20)).await;
        let stdin = proc.stdin.as_mut().expect("piped");
        stdin.write_all(b"go\n").await?;
        let stdout = proc.stdout.as_mut().expect("piped");
        let line = stdout.next_line().await?;
        let end = stdout.next_line().await?;
        proc.wait().await?;
        io::Result::Ok((cut.is_err(), line, end))
    })
    .expect("no I/O error");
    assert!(cut_short, "the first next_line timed out");
    // A reader that grew its buffer before the read, and was dropped at the
    // read, would return 64 KiB of zero bytes in front of the line.
    assert_eq!(line.as_deref(), Some("the one line"), "exactly the line");
    assert_eq!(end, None, "and then the end of the stream");
}
// ANCHOR_END: cancel_safe

// ANCHOR: not_found
#[test]
fn a_program_that_does_not_exist_is_an_error_that_names_it() {
    let lp = EventLoop::new();
    let error = Subprocess::exec(lp.io(), "no-such-program", ["--flag"])
        .expect_err("there is no such program");
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
    assert_eq!(
        error.to_string(),
        "cannot start \"no-such-program\": No such file or directory (os error 2)"
    );
}
// ANCHOR_END: not_found

#[test]
fn communicate_writes_stdin_reads_every_line_and_returns_the_status() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (lines, status) = run_bounded(&lp, async move {
        let mut sort = Subprocess::exec(&io, "sort", NO_ARGS)?;
        sort.communicate(b"pear\napple\nfig\n").await
    })
    .expect("no I/O error");
    assert_eq!(lines, ["apple", "fig", "pear"]);
    assert_eq!(status.code(), Some(0));
}
