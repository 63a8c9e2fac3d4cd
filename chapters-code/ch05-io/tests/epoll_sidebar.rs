//! Under the selector, on Linux: the raw epoll calls, through rustix's safe
//! wrappers. What a selector does, and the three ways epoll can report readiness:
//! level-triggered (the default, and what Python's `selectors.EpollSelector` uses),
//! one-shot (`EPOLLONESHOT`: reported once, then disarmed until `EPOLL_CTL_MOD`
//! re-arms it; the `polling` crate's default), and edge-triggered (`EPOLLET`:
//! reported when readiness *changes*; what mio, tokio and our selector use). See
//! epoll(7).
#![cfg(target_os = "linux")]

use std::io::Write;
use std::os::unix::net::UnixStream;

use rustix::buffer::spare_capacity;
use rustix::event::Timespec;
use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};
use rustix::io::Errno;

const NOW: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 0,
};

/// One `epoll_wait` that does not block; returns how many events it reported.
fn wait_now(epfd: &impl std::os::fd::AsFd) -> usize {
    let mut events = Vec::with_capacity(8);
    epoll::wait(epfd, spare_capacity(&mut events), Some(&NOW)).unwrap();
    events.len()
}

// ANCHOR: raw_epoll
#[test]
fn raw_epoll_reports_a_socket_with_data() {
    let epfd = epoll::create(CreateFlags::CLOEXEC).unwrap(); // epoll_create1
    let (mut writer, reader) = UnixStream::pair().unwrap();
    // epoll_ctl(ADD): watch `reader` for input; 7 comes back with every event.
    epoll::add(&epfd, &reader, EventData::new_u64(7), EventFlags::IN).unwrap();
    assert_eq!(wait_now(&epfd), 0, "nothing sent yet: nothing ready");

    writer.write_all(b"ping").unwrap();
    let mut events = Vec::with_capacity(8);
    // blocks until ready
    epoll::wait(&epfd, spare_capacity(&mut events), None).unwrap();
    assert_eq!(events.len(), 1);
    // copies: the struct is packed
    let (data, flags) = (events[0].data, events[0].flags);
    assert_eq!(data.u64(), 7);
    assert!(flags.contains(EventFlags::IN));
}
// ANCHOR_END: raw_epoll

// ANCHOR: modes
/// How many times epoll reports the same unread byte, over three waits, in each
/// mode.
fn reports(mode: EventFlags) -> [usize; 3] {
    let epfd = epoll::create(CreateFlags::CLOEXEC).unwrap();
    let (mut writer, reader) = UnixStream::pair().unwrap();
    epoll::add(&epfd, &reader, EventData::new_u64(1), EventFlags::IN | mode)
        .unwrap();
    writer.write_all(b"x").unwrap();
    let first = wait_now(&epfd);
    let second = wait_now(&epfd); // the byte is still unread
    if mode.contains(EventFlags::ONESHOT) {
        // Re-arm, as the `polling` crate's `modify` does after every event.
        epoll::modify(&epfd, &reader, EventData::new_u64(1), EventFlags::IN | mode)
            .unwrap();
    } else {
        writer.write_all(b"y").unwrap(); // new data: a new edge
    }
    let third = wait_now(&epfd);
    [first, second, third]
}

#[test]
fn level_oneshot_and_edge_triggered_count_differently() {
    // Level: reported as long as the byte is unread, and again after more data.
    assert_eq!(reports(EventFlags::empty()), [1, 1, 1]);
    // One-shot: reported once, then silent until re-armed with EPOLL_CTL_MOD.
    assert_eq!(reports(EventFlags::ONESHOT), [1, 0, 1]);
    // Edge: reported once per change; more data is a new edge.
    assert_eq!(reports(EventFlags::ET), [1, 0, 1]);
}
// ANCHOR_END: modes

// ANCHOR: refusals
#[test]
fn epoll_refuses_a_regular_file_and_a_second_add() {
    let epfd = epoll::create(CreateFlags::CLOEXEC).unwrap();
    let file = std::fs::File::open("Cargo.toml").unwrap();
    let refused = epoll::add(&epfd, &file, EventData::new_u64(1), EventFlags::IN);
    assert_eq!(
        refused,
        Err(Errno::PERM),
        "a regular file is always ready: EPERM"
    );

    let (_writer, reader) = UnixStream::pair().unwrap();
    epoll::add(&epfd, &reader, EventData::new_u64(2), EventFlags::IN).unwrap();
    let again = epoll::add(&epfd, &reader, EventData::new_u64(3), EventFlags::IN);
    assert_eq!(again, Err(Errno::EXIST), "the same fd twice: EEXIST");
}
// ANCHOR_END: refusals
