//! The selector: which registered sockets are ready, and who is waiting for them.
//!
//! asyncio's loop sits on Python's `selectors` module (`Lib/selectors.py`):
//! `register(fileobj, events, data)`, `select(timeout)`, `unregister(fileobj)`. Ours
//! sits on [`mio`], which is epoll on Linux and kqueue on macOS and the BSDs (tokio
//! sits on it too). The selector keeps a table of registrations; each may have a
//! *reader* and a *writer* waiting, as asyncio's `add_reader` / `add_writer` keep a
//! callback per direction.
//!
//! A selector is not a queue. It holds no events of its own: `select` asks the
//! kernel which of the registered file descriptors are ready *now* (or waits until
//! one is, or until the timeout), and hands back the waiters of the ready ones.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use mio::unix::SourceFd;
use mio::{Events, Poll, Token};
use slotmap::{Key as _, KeyData, SlotMap};

/// The token of the cross-thread [`Notifier`]: never a registration's key.
const NOTIFY_TOKEN: Token = Token(usize::MAX);

slotmap::new_key_type! {
    /// A registration's key: asyncio's `SelectorKey`, reduced to a slot of the table
    /// and the slot's version (as chapter 3's task keys), so a key kept after
    /// `deregister` never reaches the socket that reuses the slot. It is also the
    /// registration's mio token.
    pub struct FdKey;
}

/// The mio token for `key`: its slot and version, packed into the `usize` mio
/// carries.
fn token(key: FdKey) -> Token {
    Token(usize::try_from(key.data().as_ffi()).expect("a 64-bit usize"))
}

/// The key a token came from.
fn key_of(token: Token) -> FdKey {
    KeyData::from_ffi(token.0 as u64).into()
}

/// Which direction a waiter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Readable: a read (or an accept) would not block. asyncio's `add_reader`.
    Read,
    /// Writable: a write (or a connect's completion) would not block. `add_writer`.
    Write,
}

/// A registered file descriptor that the kernel reported ready, with the waiters it
/// wakes.
#[derive(Debug)]
pub struct Readiness {
    /// Its key.
    pub key: FdKey,
    /// The name it was registered with (for traces; never an fd number).
    pub name: String,
    /// The kernel said: readable (or closed for reading, or an error).
    pub readable: bool,
    /// The kernel said: writable (or closed for writing, or an error).
    pub writable: bool,
    /// The reader that was waiting, now taken out of the table.
    pub reader: Option<Waker>,
    /// The writer that was waiting, now taken out of the table.
    pub writer: Option<Waker>,
}

struct Registration {
    fd: RawFd,
    name: String,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

impl Registration {
    /// `fd`, registered under `name`, with nobody waiting yet.
    fn new(fd: RawFd, name: &str) -> Self {
        Self {
            fd,
            name: name.to_string(),
            reader: None,
            writer: None,
        }
    }

    /// How many directions have a waiter: 0, 1 or 2.
    fn waiters(&self) -> usize {
        usize::from(self.reader.is_some()) + usize::from(self.writer.is_some())
    }
}

#[derive(Default)]
struct Table {
    registrations: SlotMap<FdKey, Registration>,
    by_fd: HashMap<RawFd, FdKey>,
    /// Waiters over all registrations, kept as they come and go: the loop asks every
    /// iteration whether anyone waits, and the answer must not cost a walk of the
    /// table.
    waiting: usize,
}

impl Table {
    /// The waiters that `event` wakes, taken out of the table: `None` if nobody
    /// waits for what it reports, or if its registration is gone.
    ///
    /// mio registers edge-triggered (`EPOLLET`, kqueue's `EV_CLEAR`): the kernel
    /// reports a change of readiness once, and an fd nobody waits for is simply
    /// skipped. That is safe because our I/O futures always try the system call
    /// first and wait only after `WouldBlock`: any readiness that arrives after
    /// that is a new edge.
    fn take_waiters(&mut self, event: &mio::event::Event) -> Option<Readiness> {
        let key = key_of(event.token());
        // `None` if it was deregistered meanwhile:
        let registration = self.registrations.get_mut(key)?;
        // An error or a hang-up wakes both sides: their next system call reports it.
        let failed = event.is_error();
        let readable = event.is_readable() || event.is_read_closed() || failed;
        let writable = event.is_writable() || event.is_write_closed() || failed;
        let reader = readable.then(|| registration.reader.take()).flatten();
        let writer = writable.then(|| registration.writer.take()).flatten();
        if reader.is_none() && writer.is_none() {
            return None; // nobody waits: the next read or write will just succeed
        }
        self.waiting -=
            usize::from(reader.is_some()) + usize::from(writer.is_some());
        Some(Readiness {
            key,
            name: registration.name.clone(),
            readable,
            writable,
            reader,
            writer,
        })
    }
}

/// The error for a second registration of `fd`, naming the registration it has.
fn already_registered(fd: RawFd, owner: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "file descriptor {fd} is already registered with this selector \
             (as {owner:?}); deregister it first, or keep one owner per socket"
        ),
    )
}

/// Wakes a selector blocked in `select` from any thread: `Poller::notify()` in the
/// `polling` crate, asyncio's self-pipe (`_write_to_self`). Chapter 7 needs it.
#[derive(Clone)]
pub struct Notifier(Arc<mio::Waker>);

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Notifier")
    }
}

impl Notifier {
    /// Makes the selector's current (or next) `select` return at once, with no
    /// events.
    pub fn notify(&self) -> io::Result<()> {
        self.0.wake()
    }
}

/// An OS readiness selector: epoll on Linux, kqueue on macOS.
pub struct Selector {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    table: RefCell<Table>,
    notifier: OnceCell<Notifier>,
}

impl fmt::Debug for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selector")
            .field("registered", &self.registered())
            .field("waiting", &self.waiting())
            .finish_non_exhaustive()
    }
}

impl Selector {
    /// A new selector: one `epoll_create1` (or `kqueue`).
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            poll: RefCell::new(Poll::new()?),
            events: RefCell::new(Events::with_capacity(1024)),
            table: RefCell::default(),
            notifier: OnceCell::new(),
        })
    }

    // ANCHOR: register
    /// Registers `fd` under `name`: one `epoll_ctl(EPOLL_CTL_ADD)` for both
    /// directions, kept until [`Selector::deregister`]. Refuses an fd that is
    /// already registered, as `selectors` raises `KeyError`; epoll itself refuses a
    /// regular file (`EPERM`), and the error is passed on.
    pub fn register(&self, fd: BorrowedFd<'_>, name: &str) -> io::Result<FdKey> {
        let raw = fd.as_raw_fd();
        let mut table = self.table.borrow_mut();
        if let Some(&key) = table.by_fd.get(&raw) {
            return Err(already_registered(raw, &table.registrations[key].name));
        }
        let key = table.registrations.insert(Registration::new(raw, name));
        let both = mio::Interest::READABLE | mio::Interest::WRITABLE;
        let (poll, source) = (self.poll.borrow(), &mut SourceFd(&raw));
        let added = poll.registry().register(source, token(key), both);
        if let Err(error) = added {
            table.registrations.remove(key); // the kernel refused it: forget it
            return Err(error);
        }
        table.by_fd.insert(raw, key);
        Ok(key)
    }
    // ANCHOR_END: register

    /// Removes the registration at `key` (`epoll_ctl(EPOLL_CTL_DEL)`), dropping its
    /// waiters. Returns its name, or `None` if `key` was not registered.
    pub fn deregister(&self, key: FdKey) -> Option<String> {
        let mut table = self.table.borrow_mut();
        let registration = table.registrations.remove(key)?;
        table.by_fd.remove(&registration.fd);
        table.waiting -= registration.waiters();
        drop(table);
        // The fd is still open (its owner deregisters before closing it). If it were
        // closed, the kernel would have dropped it from the interest list already:
        // nothing to undo.
        let _ = self
            .poll
            .borrow()
            .registry()
            .deregister(&mut SourceFd(&registration.fd));
        Some(registration.name)
    }

    /// Makes `waker` the waiter for `interest` on `key`, replacing any other
    /// (asyncio's `add_reader` replaces the previous callback too). Returns `false`
    /// if `waker` was already the waiter, or `key` is not registered.
    pub fn set_waiter(&self, key: FdKey, interest: Interest, waker: &Waker) -> bool {
        let mut table = self.table.borrow_mut();
        let Some(registration) = table.registrations.get_mut(key) else {
            return false;
        };
        let slot = match interest {
            Interest::Read => &mut registration.reader,
            Interest::Write => &mut registration.writer,
        };
        if slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            return false;
        }
        let was_empty = slot.replace(waker.clone()).is_none();
        table.waiting += usize::from(was_empty);
        true
    }

    /// Removes the waiter for `interest` on `key` (asyncio's `remove_reader`).
    /// Returns whether there was one.
    pub fn clear_waiter(&self, key: FdKey, interest: Interest) -> bool {
        let mut table = self.table.borrow_mut();
        let Some(registration) = table.registrations.get_mut(key) else {
            return false;
        };
        let had_one = match interest {
            Interest::Read => registration.reader.take().is_some(),
            Interest::Write => registration.writer.take().is_some(),
        };
        table.waiting -= usize::from(had_one);
        had_one
    }

    // ANCHOR: select
    /// Waits until a registered fd is ready, a [`Notifier`] fires, or `timeout`
    /// passes (`None`: no timeout), then returns the ready fds that someone waits
    /// for, in key order, with their waiters taken out: `epoll_wait`, then a
    /// look-up in the table.
    pub fn select(&self, timeout: Option<Duration>) -> io::Result<Vec<Readiness>> {
        let mut events = self.events.borrow_mut();
        match self.poll.borrow_mut().poll(&mut events, timeout) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                return Ok(Vec::new());
            }
            result => result?,
        }
        let mut table = self.table.borrow_mut();
        let mut ready: Vec<Readiness> = events
            .iter()
            // the notifier's event is only there to end the wait
            .filter(|event| event.token() != NOTIFY_TOKEN)
            .filter_map(|event| table.take_waiters(event)) // None: nobody waits
            .collect();
        ready.sort_by_key(|r| r.key); // the kernel's order varies; ours does not
        Ok(ready)
    }
    // ANCHOR_END: select

    /// A handle that wakes this selector from another thread. Created once, then
    /// shared.
    pub fn notifier(&self) -> io::Result<Notifier> {
        if let Some(notifier) = self.notifier.get() {
            return Ok(notifier.clone());
        }
        let waker = mio::Waker::new(self.poll.borrow().registry(), NOTIFY_TOKEN)?;
        Ok(self
            .notifier
            .get_or_init(|| Notifier(Arc::new(waker)))
            .clone())
    }

    /// How many file descriptors are registered: `len(selector.get_map())`.
    pub fn registered(&self) -> usize {
        self.table.borrow().by_fd.len()
    }

    /// How many directions have a waiter, over all registrations.
    pub fn waiting(&self) -> usize {
        self.table.borrow().waiting
    }

    /// The name `key` was registered with.
    pub fn name(&self, key: FdKey) -> Option<String> {
        let table = self.table.borrow();
        table.registrations.get(key).map(|r| r.name.clone())
    }
}
