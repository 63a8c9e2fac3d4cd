//! IPC between processes: a duplex pipe, a queue with many producers, a counter in
//! shared memory, and the isolation of each process's own memory.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use ch06_patterns::wait_for;
use ch08_processes::ipc::Children;
use ch08_processes::ipc::isolation::{self, Report};
use ch08_processes::ipc::pipe::{pipe, spawn_connected};
use ch08_processes::ipc::queue::{Message, PIPE_BUF, drain, put, spawn_producers};
use ch08_processes::ipc::shared::SharedMemory;
use ch08_processes::{Decoder, EventLoop, decode, encode, is_gone};
use rustix::io::Errno;
use test_support::{LIMIT, run_within};

const CHILD: &str = env!("CARGO_BIN_EXE_ch08-ipc-child");

fn child(args: &[&str]) -> Command {
    let mut command = Command::new(CHILD);
    command.args(args);
    command
}

fn all_gone(pids: &[u32]) -> bool {
    pids.iter().all(|&pid| is_gone(pid))
}

// ---------------------------------------------------------------------------
// Pipe

// ANCHOR: duplex_test
#[test]
fn a_value_sent_down_a_duplex_pipe_comes_back_as_the_childs_reply() {
    run_within(LIMIT, "the echo child's replies", || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let (child, mut channel) =
            spawn_connected(&io, child(&["echo"]), "echo channel").unwrap();
        let mut children = Children::new();
        children.push(child);
        let pids = children.pids();
        let (replies, statuses) = lp
            .run_until_complete(async move {
                let mut replies = Vec::new();
                for message in [(21_u64, "hi"), (50, "again")] {
                    channel.send(&message).await?;
                    replies.push(channel.recv::<(u64, String)>().await?);
                }
                drop(channel); // the child reads the end of its stdin, and exits
                let statuses = children.wait_all(&io).await?;
                io::Result::Ok((replies, statuses))
            })
            .expect("the loop runs")
            .expect("no I/O error");
        assert_eq!(
            replies,
            [
                Some((42, "HI".to_string())),
                Some((100, "AGAIN".to_string()))
            ]
        );
        assert!(statuses[0].success(), "the child saw the end and exited");
        assert!(all_gone(&pids));
    });
}
// ANCHOR_END: duplex_test

#[test]
fn a_recv_cut_short_by_a_timeout_loses_nothing_and_the_next_gets_the_reply() {
    run_within(LIMIT, "the echo child's reply after a timeout", || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let (child, mut channel) =
            spawn_connected(&io, child(&["echo"]), "echo channel").unwrap();
        let mut children = Children::new();
        children.push(child);
        let pids = children.pids();
        let (cut_short, reply) = lp
            .run_until_complete(async move {
                // The child says nothing until asked: the `recv` is dropped while
                // it waits.
                let waiting = channel.recv::<(u64, String)>();
                let cut = wait_for(io.timers(), waiting, Duration::from_millis(20));
                let cut_short = cut.await.is_err();
                channel.send(&(21_u64, "hi")).await?;
                let reply = channel.recv::<(u64, String)>().await?;
                drop(channel);
                children.wait_all(&io).await?;
                io::Result::Ok((cut_short, reply))
            })
            .expect("the loop runs")
            .expect("no I/O error");
        assert!(cut_short, "the first recv timed out");
        assert_eq!(reply, Some((42, "HI".to_string())), "exactly the reply");
        assert!(all_gone(&pids));
    });
}

#[test]
fn a_one_way_pipe_refuses_a_write_on_its_read_end_a_duplex_one_carries_both_ways() {
    let (read, write) = pipe(false).unwrap();
    assert_eq!(rustix::io::write(&read, b"back"), Err(Errno::BADF));
    assert_eq!(send_and_take(&write, &read, b"one way"), b"one way");

    let (a, b) = pipe(true).unwrap();
    assert_eq!(send_and_take(&a, &b, b"a to b"), b"a to b");
    assert_eq!(send_and_take(&b, &a, b"b to a"), b"b to a");
}

fn send_and_take(from: &OwnedFd, to: &OwnedFd, bytes: &[u8]) -> Vec<u8> {
    assert_eq!(rustix::io::write(from, bytes), Ok(bytes.len()));
    let mut buf = vec![0; 64];
    let n = rustix::io::read(to, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

// ---------------------------------------------------------------------------
// Queue

/// Starts `producers` children running `mode`, each sending `each` messages with a
/// body of `len` bytes into one pipe, drains it on the loop, and checks what came.
/// `stdin` gives each child its stdin (the shared lock, for `produce-locked`).
fn run_queue(
    mode: &'static str,
    producers: u32,
    each: u32,
    len: usize,
    stdin: impl Fn() -> Stdio + Send + 'static,
) {
    let what = format!("{producers} {mode} children and their {each} messages");
    run_within(LIMIT, &what, move || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let commands = (0..producers).map(|producer| {
            let args = [producer, each, len as u32].map(|n| n.to_string());
            let mut command = child(&[mode, &args[0], &args[1], &args[2]]);
            command.stdin(stdin());
            command
        });
        let (mut children, mut queue) = spawn_producers(&io, commands).unwrap();
        let pids = children.pids();
        let (messages, statuses) = lp
            .run_until_complete(async move {
                let messages = drain(&mut queue).await?;
                let statuses = children.wait_all(&io).await?;
                io::Result::Ok((messages, statuses))
            })
            .expect("the loop runs")
            .expect("every frame is a message");
        // ANCHOR: queue_checks
        assert!(statuses.iter().all(ExitStatus::success), "{statuses:?}");
        assert_eq!(messages.len(), (producers * each) as usize);
        assert!(
            messages.iter().all(Message::is_intact),
            "a message was mixed"
        );
        for producer in 0..producers {
            let seqs: Vec<u32> = messages
                .iter()
                .filter(|m| m.producer == producer)
                .map(|m| m.seq)
                .collect();
            // Each once, in the order its producer wrote them: a pipe is FIFO.
            assert_eq!(seqs, (0..each).collect::<Vec<_>>());
        }
        assert!(all_gone(&pids));
        // ANCHOR_END: queue_checks
    });
}

// ANCHOR: queue_test
#[test]
fn small_frames_from_four_producers_in_one_pipe_arrive_intact_and_exactly_once() {
    let largest = encode(&Message::new(3, 999, 4000)).unwrap();
    assert!(
        largest.len() <= PIPE_BUF,
        "every frame fits one atomic write"
    );
    run_queue("produce", 4, 1000, 4000, Stdio::null);
}
// ANCHOR_END: queue_test

#[test]
fn put_refuses_a_frame_over_pipe_buf_and_says_why() {
    let (_read, write) = pipe(false).unwrap();
    let frame = encode(&Message::new(0, 0, PIPE_BUF)).unwrap();
    let error = put(write.as_fd(), &frame).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        format!(
            "a frame of {} bytes is over PIPE_BUF (4096): the pipe may split \
             it, and another producer's frame land inside; use put_locked",
            frame.len()
        )
    );
}

// ANCHOR: split_test
/// One thread plays two producers and the consumer, so the order of every step is
/// fixed. With processes, the same split happens whenever the pipe fills in the
/// middle of a large frame: at a moment no one chooses.
#[test]
fn a_frame_larger_than_the_pipe_is_written_in_pieces_and_another_can_land_inside() {
    let (read, write) = pipe(false).unwrap();
    // Non-blocking, so a write into a full pipe returns what it wrote.
    rustix::io::ioctl_fionbio(&write, true).unwrap();
    rustix::io::ioctl_fionbio(&read, true).unwrap();
    let capacity = rustix::pipe::fcntl_getpipe_size(&write).unwrap();
    let big = encode(&Message::new(0, 0, capacity + 1000)).unwrap();
    let small = encode(&Message::new(1, 0, 10)).unwrap();

    let first = rustix::io::write(&write, &big).unwrap(); // producer 0 starts
    assert!(first < big.len(), "the pipe took only what fits");
    let mut stream = read_all_there(&read); // the consumer makes room
    put(write.as_fd(), &small).unwrap(); // producer 1: one small frame
    let rest = rustix::io::write(&write, &big[first..]).unwrap(); // producer 0
    assert_eq!(first + rest, big.len());
    stream.extend(read_all_there(&read));

    assert_eq!(&stream[first..first + small.len()], &small[..], "inside");
    let mut decoder = Decoder::new();
    decoder.push(&stream);
    let payload = decoder.next_frame().unwrap().expect("a frame's worth");
    let message: Message = decode(&payload).unwrap();
    assert_eq!((message.producer, message.seq), (0, 0));
    assert!(!message.is_intact(), "producer 1's bytes are in its body");
}
// ANCHOR_END: split_test

fn read_all_there(fd: &OwnedFd) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        match rustix::io::read(fd, &mut buf) {
            Ok(0) | Err(Errno::AGAIN) => return bytes,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(error) => panic!("read: {error}"),
        }
    }
}

#[test]
fn large_frames_from_four_producers_sharing_a_lock_arrive_intact_and_exactly_once() {
    let lock = SharedMemory::create("queue write lock", 1).unwrap();
    let memfd = lock.fd().try_clone_to_owned().unwrap();
    let stdin = move || Stdio::from(memfd.try_clone().unwrap());
    run_queue("produce-locked", 4, 25, 100_000, stdin);
    assert_eq!(lock.slot(0).load(Ordering::SeqCst), 0, "left unlocked");
}

// ---------------------------------------------------------------------------
// Shared memory

// ANCHOR: shared_counter_test
#[test]
fn four_children_adding_to_a_shared_counter_with_fetch_add_reach_the_exact_total() {
    const CHILDREN: u64 = 4;
    const TIMES: u64 = 100_000;
    run_within(LIMIT, "the adding children", || {
        // Slot 0 is the counter; slot 1 the start barrier, which every child
        // increments, then waits until it reads 4: their adds run at once.
        let shared = SharedMemory::create("counter", 2).unwrap();
        let args = ["add", &TIMES.to_string(), &CHILDREN.to_string()];
        let mut children = Children::new();
        for _ in 0..CHILDREN {
            let memfd = shared.fd().try_clone_to_owned().unwrap();
            let mut command = child(&args);
            children.push(command.stdin(Stdio::from(memfd)).spawn().unwrap());
        }
        let pids = children.pids();
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let statuses = lp
            .run_until_complete(async move { children.wait_all(&io).await })
            .expect("the loop runs")
            .expect("no I/O error");
        assert!(statuses.iter().all(ExitStatus::success), "{statuses:?}");
        assert_eq!(
            shared.slot(1).load(Ordering::SeqCst),
            CHILDREN,
            "all started"
        );
        assert_eq!(shared.slot(0).load(Ordering::SeqCst), CHILDREN * TIMES);
        assert!(all_gone(&pids), "every child was reaped");
    });
}
// ANCHOR_END: shared_counter_test

#[test]
fn shared_memory_refuses_a_descriptor_that_is_not_a_sealed_memfd() {
    let (read, _write) = pipe(false).unwrap();
    let unsealed =
        rustix::fs::memfd_create("unsealed", rustix::fs::MemfdFlags::CLOEXEC)
            .unwrap();
    rustix::fs::ftruncate(&unsealed, 8).unwrap();
    for fd in [read, unsealed] {
        let error = SharedMemory::open(fd).unwrap_err();
        assert_eq!(
            error.to_string(),
            "not a memfd sealed against shrinking: another process could truncate \
             it under the mapping"
        );
    }
}

// ---------------------------------------------------------------------------
// Isolation

// ANCHOR: isolation_test
/// The child is `ch08-ipc-child isolation`, which runs `isolation::child_side`.
#[test]
fn a_spawned_child_starts_with_fresh_globals_and_its_changes_stay_in_the_child() {
    isolation::append("parent");
    let report = run_within(LIMIT, "the isolation child's report", || {
        let lp = EventLoop::new();
        let io = lp.io().clone();
        let (child, mut channel) =
            spawn_connected(&io, child(&["isolation"]), "isolation channel")
                .unwrap();
        let mut children = Children::new();
        children.push(child);
        lp.run_until_complete(async move {
            let report = channel.recv::<Report>().await?;
            children.wait_all(&io).await?;
            io::Result::Ok(report)
        })
        .expect("the loop runs")
        .expect("no I/O error")
        .expect("the child reported")
    });
    assert_eq!(
        report.started_with,
        [] as [&str; 0],
        "not a copy of the parent's"
    );
    assert_eq!(report.ended_with, ["child"]);
    assert_eq!(
        isolation::global_list(),
        ["parent"],
        "the parent's is unchanged"
    );
}
// ANCHOR_END: isolation_test
