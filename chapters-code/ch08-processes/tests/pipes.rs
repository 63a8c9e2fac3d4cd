//! The building blocks of the chapter, on the loop: a child's stdout read line by
//! line through the selector, and its exit learned from a pidfd.

use std::process::{Command, Stdio};

use ch08_processes::{EventLoop, LineReader, Pipe, is_gone, wait_exit};

#[test]
fn a_childs_lines_and_exit_status_arrive_through_the_selector() {
    let lp = EventLoop::new();
    let io = lp.io().clone();
    let mut child = Command::new("sh")
        .args(["-c", "echo one; echo two; exit 3"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sh");
    let pid = child.id();
    let stdout = child.stdout.take().expect("piped");
    let (lines, status) = lp
        .run_until_complete(async move {
            let mut reader = LineReader::new(Pipe::new(&io, stdout, "sh stdout")?);
            let mut lines = Vec::new();
            while let Some(line) = reader.next_line().await? {
                lines.push(line);
            }
            let status = wait_exit(&io, &mut child).await?;
            std::io::Result::Ok((lines, status))
        })
        .expect("the loop runs")
        .expect("no I/O error");
    assert_eq!(lines, ["one", "two"]);
    assert_eq!(status.code(), Some(3));
    assert!(is_gone(pid), "the child was reaped: no zombie is left");
}
