//! The pipe-buffer deadlock: a parent that waits for a child's exit before reading
//! its stdout, while the child writes more than the pipe holds. Shown stuck (under
//! a timeout: a real deadlock never resolves, so this cannot fail by chance), then
//! fixed by reading while waiting.

mod common;

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use ch06_patterns::wait_for;
use ch08_processes::subprocess::Subprocess;
use ch08_processes::{EventLoop, is_gone};
use common::run_bounded;

// ANCHOR: writer
/// 4 MiB on stdout, as 4096 lines of 1023 zeros and a newline: 64 times what a
/// Linux pipe holds by default (16 pages of 4 KiB; still 4 times on a machine with
/// 64 KiB pages). One process writes it all (`echo` is a builtin of `sh`), so that
/// process is the child we wait for.
const WRITE_4_MIB: &str = r#"line=$(printf "%01023d" 0); i=0
while [ $i -lt 4096 ]; do echo "$line"; i=$((i + 1)); done"#;
const LINES: usize = 4096;
const BYTES: usize = 4 << 20;
// ANCHOR_END: writer
const NO_ARGS: [&str; 0] = [];

// ANCHOR: stuck
#[test]
fn a_parent_that_waits_before_reading_never_sees_a_child_that_fills_the_pipe_exit() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (pid, waited, status, killed) = run_bounded(&lp, async move {
        let mut child = Subprocess::exec(&io, "sh", ["-c", WRITE_4_MIB])?;
        let pid = child.id();
        // The naive parent: wait for the exit first, read the output after.
        // The child blocks in `write` once the pipe is full, and never exits.
        let wait = child.wait();
        let waited = wait_for(io.timers(), wait, Duration::from_millis(300)).await;
        let status = child.try_wait()?; // still running?
        child.kill()?;
        let killed = child.wait().await?;
        io::Result::Ok((pid, waited.is_ok(), status, killed))
    })
    .expect("no I/O error");
    assert!(!waited, "the wait for the exit timed out");
    assert_eq!(status, None, "the child had not exited");
    assert_eq!(killed.signal(), Some(9), "until we killed it (SIGKILL)");
    assert!(is_gone(pid), "the child was killed and reaped");
}
// ANCHOR_END: stuck

// ANCHOR: fixed
#[test]
fn reading_stdout_while_waiting_lets_the_child_exit_with_every_byte_read() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let handle = lp.handle();
    let (lines, bytes, status) = run_bounded(&lp, async move {
        let mut child = Subprocess::exec(&io, "sh", ["-c", WRITE_4_MIB])?;
        let mut stdout = child.stdout.take().expect("piped");
        // Another task empties the pipe while this one waits for the exit.
        let reading = handle.spawn(async move {
            let (mut lines, mut bytes) = (0, 0);
            while let Some(line) = stdout.next_line().await? {
                (lines, bytes) = (lines + 1, bytes + line.len() + 1);
            }
            io::Result::Ok((lines, bytes))
        });
        let status = child.wait().await?;
        let (lines, bytes) = reading.await.expect("the reader ran")?;
        io::Result::Ok((lines, bytes, status))
    })
    .expect("no I/O error");
    assert_eq!(status.code(), Some(0));
    assert_eq!((lines, bytes), (LINES, BYTES), "every line, every byte");
}
// ANCHOR_END: fixed

#[test]
fn communicate_reads_while_it_waits_so_the_same_child_exits_with_every_byte_read() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (lines, status) = run_bounded(&lp, async move {
        let mut child = Subprocess::exec(&io, "sh", ["-c", WRITE_4_MIB])?;
        child.communicate(b"").await
    })
    .expect("no I/O error");
    assert_eq!(status.code(), Some(0));
    let bytes: usize = lines.iter().map(|line| line.len() + 1).sum();
    assert_eq!(
        (lines.len(), bytes),
        (LINES, BYTES),
        "every line, every byte"
    );
}

// ANCHOR: cat
#[test]
fn communicate_feeds_and_drains_at_once_so_4_mib_through_cat_cannot_deadlock() {
    // `cat` writes back what it reads. A parent that wrote all of its input
    // before reading would fill both pipes: cat blocked writing, we blocked
    // writing, each waiting for the other to read.
    let line = format!("{:01023}", 0);
    let input = format!("{line}\n").repeat(LINES);
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let (lines, status) = run_bounded(&lp, async move {
        let mut cat = Subprocess::exec(&io, "cat", NO_ARGS)?;
        cat.communicate(input.as_bytes()).await
    })
    .expect("no I/O error");
    assert_eq!(status.code(), Some(0));
    assert_eq!(lines.len(), LINES, "every line came back");
    assert!(lines.iter().all(|echoed| *echoed == line), "as it was sent");
}
// ANCHOR_END: cat
