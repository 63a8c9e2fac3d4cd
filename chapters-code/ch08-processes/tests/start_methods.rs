//! How `std::process::Command` starts a child: a new program, which inherits no
//! lock and no descriptor it was not given, whatever the parent's threads hold.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use ch08_processes::ipc::Children;
use ch08_processes::ipc::pipe::pipe;
use ch08_processes::ipc::start;
use ch08_processes::is_gone;
use test_support::{LIMIT, join_within, recv_within, run_within};

const CHILD: &str = env!("CARGO_BIN_EXE_ch08-ipc-child");

// ANCHOR: lock_test
#[test]
fn a_child_started_while_another_thread_holds_a_lock_finds_the_lock_free() {
    let (held, is_held) = mpsc::channel();
    let (release, is_released) = mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        let _guard = start::LOCK.lock().unwrap();
        held.send(()).unwrap();
        let _ = is_released.recv_timeout(LIMIT);
    });
    recv_within(&is_held, LIMIT, "the holder taking the lock").unwrap();
    assert!(
        !start::lock_is_free(),
        "held by another thread as the child starts"
    );

    let output = run_within(LIMIT, "the take-lock child", || {
        Command::new(CHILD).arg("take-lock").output()
    })
    .unwrap();

    release.send(()).unwrap();
    join_within(holder, LIMIT, "the holder").unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "took the lock: true\n"
    );
}
// ANCHOR_END: lock_test

#[test]
fn a_child_inherits_only_the_descriptors_it_was_given() {
    let (read, write) = pipe(false).unwrap();
    let mut children = Children::new(); // killed and reaped if an assert fails
    children.push(
        Command::new(CHILD)
            .arg("wait-for-eof")
            .stdin(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let pid = children.pids()[0];
    drop(write);
    // Had the child inherited `write`, this read would wait for the child to exit,
    // and the child waits for us: the guard would fail the test.
    let n = run_within(LIMIT, "the end of the pipe", move || {
        rustix::io::read(&read, &mut [0; 1])
    })
    .unwrap();
    assert_eq!(n, 0, "end of stream: the parent held the only write end");
    assert!(!is_gone(pid), "while the child still runs");
    drop(children);
    assert!(is_gone(pid), "killed and reaped");
}
