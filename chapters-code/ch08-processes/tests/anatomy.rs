//! The loop drawing of this chapter, generated and held against a traced `run_once`
//! (see chapter 3's `tests/anatomy.rs`). When the steps change, run `UPDATE_EXPECT=1
//! cargo test -p ch08-processes --test anatomy` and review the diff.

use std::io::Write;
use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::time::Duration;

use ch03_ready_queue::anatomy::{ids, mermaid, steps_taken};
use ch08_processes::anatomy::{ITERATION, step_of};
use ch08_processes::{EventLoop, LineReader, Pipe};

#[test]
fn the_drawing_follows_a_traced_iteration() {
    let lp = EventLoop::virtual_time_traced();
    let io = lp.io().clone();
    // A child process whose line of output arrives while a task waits for it, a
    // post from another thread, and a due timer: the next iteration takes every
    // step.
    let mut child = Command::new("sh")
        .args(["-c", "read go; echo ready"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sh");
    let stdout = child.stdout.take().expect("piped");
    let probe = stdout.as_fd().try_clone_to_owned().expect("dup the pipe");
    let mut lines = LineReader::new(Pipe::new(&io, stdout, "child stdout").unwrap());
    let reader = lp.spawn(async move { lines.next_line().await });
    lp.run_once(); // the task's first poll: nothing to read yet, so it waits
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(b"go\n").expect("the child reads its stdin");
    ch05_io::wait_readable(&probe).expect("the child writes its line");
    let handle = lp.threadsafe();
    std::thread::spawn(move || handle.call_soon_threadsafe(|| {}).unwrap())
        .join()
        .unwrap();
    lp.call_later(Duration::ZERO, || {});
    lp.clear_events();
    lp.run_once();
    assert_eq!(steps_taken(&lp.events(), step_of), ids(&ITERATION));
    let trace = format!("{:?}", lp.events());
    assert!(
        trace.contains("FdReady { name: \"child stdout\""),
        "{trace}"
    );
    let line = lp.run_until_complete(reader).unwrap();
    let line = line.expect("the task ran").expect("no I/O error");
    assert_eq!(line.as_deref(), Some("ready"));
    child.wait().expect("reap sh");
}

#[test]
fn diagram_loop() {
    expect_test::expect_file!["../../../src/generated/ch08-loop.mmd"]
        .assert_eq(&mermaid(&ITERATION, 8));
}
