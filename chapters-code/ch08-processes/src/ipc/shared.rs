//! Memory that several processes map at once: the one module of this crate that
//! needs `unsafe`, and why.
//!
//! Everywhere else in the chapter, a value crosses from one process to another as
//! bytes copied by the kernel (a pipe, a socket). Each process reads only its own
//! memory, and Rust's rules hold inside each one. A shared mapping breaks that
//! picture: the same physical page appears in two address spaces, and another
//! process may write to it at any moment. The compiler cannot see that process, so
//! it cannot prove that a reference into the page is used safely. Making such a
//! reference is `unsafe`: the proof is a comment, written once, here.
//!
//! What the module can promise is about *this* process. It hands out nothing but
//! `&AtomicU64`, so every access this process makes to the page is one atomic
//! instruction, and no `&[u8]` or `&mut` into the page ever exists (memmap2's
//! [`MmapRaw`] gives raw pointers only). It can promise nothing about the others.
//! Any process that holds the memfd may store plain bytes into the page, or
//! `write(2)` into the file; [`SharedMemory::open`] accepts any memfd sealed against
//! shrinking, whoever made it. The SAFETY comment in [`SharedMemory::slot`] says
//! what that can and cannot do here: wrong values, not undefined behaviour. Exact
//! results, such as `fetch_add` from four processes losing no update, need every
//! process to change the slots with atomic instructions only, as the chapter's
//! children do through this type.
//!
//! The memory is a *memfd*: a file that lives in RAM and has no name in any
//! directory. It travels to a child as a file descriptor (its stdin, say), and it
//! disappears when the last descriptor and mapping are gone. It is *sealed* against
//! shrinking, so no process can cut the file under another's mapping (which would
//! kill the reader with `SIGBUS`).
//!
//! CPython's twins: `multiprocessing.Value` allocates from an `Arena`
//! (`Lib/multiprocessing/heap.py`), on Linux a temporary file in `/dev/shm`,
//! unlinked at once and passed to children as a file descriptor, as here. Its
//! `value += 1` is a read then a write, made exact by the lock `Value` carries.
//! `shared_memory.SharedMemory` is a named POSIX object (`shm_open`), which other
//! processes open by name and someone must `unlink()`.

#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::AtomicU64;

use memmap2::MmapRaw;
use rustix::fs::{
    MemfdFlags, SealFlags, fcntl_add_seals, fcntl_get_seals, ftruncate, memfd_create,
};

/// The size of one slot: a `u64`.
const SLOT: usize = size_of::<u64>();

/// A region of `u64` slots in a memfd, mapped shared: what one process writes to a
/// slot, every process that maps the same memfd sees.
#[derive(Debug)]
pub struct SharedMemory {
    map: MmapRaw,
    fd: OwnedFd,
}

impl SharedMemory {
    // ANCHOR: create
    /// `slots` slots, all zero, in a new memfd called `name` (a name only shown in
    /// `/proc/<pid>/fd`).
    pub fn create(name: &str, slots: usize) -> io::Result<Self> {
        let flags = MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING;
        let fd = memfd_create(name, flags)?;
        ftruncate(&fd, (slots * SLOT) as u64)?; // a new file's bytes are zero
        fcntl_add_seals(&fd, SealFlags::SHRINK | SealFlags::SEAL)?;
        Self::map(fd)
    }
    // ANCHOR_END: create

    /// Maps a memfd made by [`SharedMemory::create`] in another process. Anything
    /// else is refused: a file that another process may shrink is not safe to map.
    pub fn open(fd: OwnedFd) -> io::Result<Self> {
        let sealed =
            fcntl_get_seals(&fd).is_ok_and(|s| s.contains(SealFlags::SHRINK));
        if !sealed {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a memfd sealed against shrinking: another process could \
                 truncate it under the mapping",
            ));
        }
        Self::map(fd)
    }

    fn map(fd: OwnedFd) -> io::Result<Self> {
        let map = MmapRaw::map_raw(&fd)?; // MAP_SHARED, the file's whole length
        if map.len() == 0 || map.len() % SLOT != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a region of {} bytes is not whole u64 slots", map.len()),
            ));
        }
        Ok(Self { map, fd })
    }

    /// How many slots the region holds.
    pub fn slots(&self) -> usize {
        self.map.len() / SLOT
    }

    // ANCHOR: slot
    /// Slot `index`, shared with every process that maps this memfd.
    ///
    /// # Panics
    ///
    /// If `index` is not below [`SharedMemory::slots`].
    pub fn slot(&self, index: usize) -> &AtomicU64 {
        assert!(index < self.slots(), "slot {index} of {}", self.slots());
        let ptr = self.map.as_mut_ptr().cast::<u64>().wrapping_add(index);
        // SAFETY: `AtomicU64::from_ptr` needs a pointer that is aligned, valid
        // for the reference's whole life, and not accessed non-atomically while
        // the reference lives.
        // - Aligned: a mapping starts on a page boundary, and slots are 8 bytes.
        // - Valid: `index` is inside the mapping (asserted above). The mapping
        //   lives as long as `self`, which the returned reference borrows. No
        //   process can take the memory away: the memfd is sealed against
        //   shrinking (`create` seals it, `open` refuses one that is not), and a
        //   seal cannot be removed. A hole punched in the file reads as zeros.
        // - Atomic only, in this process: this type never makes a `&[u8]` or
        //   `&mut` into the mapping, and hands out `&AtomicU64` only, so every
        //   access this program's code makes is an atomic instruction.
        // - Other processes are the trust boundary, and nothing here checks
        //   them. A peer may store plain bytes into a slot; so may the kernel,
        //   on a `write(2)` to the memfd (which `fd()` lets safe code do). Rust's
        //   memory model covers the threads of one program, not other processes.
        //   What we assume, as all shared-memory IPC does, is that such a change
        //   reaches this process only as the value its atomic loads return: the
        //   compiler cannot assume that value (it must read the memory), and the
        //   CPU keeps the page coherent between all its cores. Every bit pattern
        //   is a valid `u64`, and no code of ours trusts a slot's value for
        //   memory safety (none is an index or a length). So a misbehaving peer
        //   can give this process wrong values (a slot torn between two plain
        //   writes, lost updates, a lock word cleared under its holder or never
        //   cleared, which `ProcessLock` gives up on), not undefined behaviour.
        unsafe { AtomicU64::from_ptr(ptr) }
    }
    // ANCHOR_END: slot

    /// The memfd, to hand to a child (dup it with `try_clone_to_owned`). Whoever
    /// holds it can change the slots without atomics (`write(2)`, a mapping of its
    /// own): see [`SharedMemory::slot`] for what that can and cannot do here.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
