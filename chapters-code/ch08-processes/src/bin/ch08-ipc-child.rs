//! The child program of the IPC examples (`ch08_processes::ipc`). Its first
//! argument says what to do:
//!
//! - `echo`: for each `(n, text)` on the channel in stdin, replies `(2n, TEXT)`;
//! - `produce <producer> <count> <len>`: writes `count` messages into the queue
//!   on stdout, each in one `write`;
//! - `produce-locked <producer> <count> <len>`: the same, of any size, holding the
//!   lock in slot 0 of the shared memory on stdin;
//! - `add <times> <children>`: adds 1 to slot 0 of the shared memory on stdin,
//!   `times` times, once all `children` have arrived at the start barrier in slot 1;
//! - `isolation`: appends to its own global list, and reports it on the channel
//!   in stdin;
//! - `take-lock`: prints whether it could take `ipc::start::LOCK` at once;
//! - `wait-for-eof`: reads stdin until its end.
//!
//! Every mode ends when its work is done or its stdin ends, and every spin on shared
//! memory gives up after `ipc::SPIN_LIMIT`, so no child outlives a parent that dies
//! by more than that. A problem exits with status 2 and a message on stderr.

use std::io::{self, Read};
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use ch08_processes::encode;
use ch08_processes::ipc::pipe::ChildConnection;
use ch08_processes::ipc::queue::{Message, ProcessLock, put, put_locked};
use ch08_processes::ipc::shared::SharedMemory;
use ch08_processes::ipc::{isolation, spin_until, start};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&words) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ch08-ipc-child {}: {error}", words.join(" "));
            ExitCode::from(2)
        }
    }
}

fn run(words: &[&str]) -> io::Result<()> {
    match words {
        ["echo"] => echo(),
        ["produce", producer, count, len] => {
            produce(number(producer)?, number(count)?, number(len)?, false)
        }
        ["produce-locked", producer, count, len] => {
            produce(number(producer)?, number(count)?, number(len)?, true)
        }
        ["add", times, children] => add(number(times)?, number(children)?),
        ["isolation"] => isolation(),
        ["take-lock"] => {
            println!("took the lock: {}", start::lock_is_free());
            Ok(())
        }
        ["wait-for-eof"] => io::stdin().read_to_end(&mut Vec::new()).map(drop),
        _ => Err(io::Error::new(io::ErrorKind::InvalidInput, "unknown mode")),
    }
}

fn echo() -> io::Result<()> {
    let mut channel = ChildConnection::from_stdin()?;
    while let Some((n, text)) = channel.recv::<(u64, String)>()? {
        channel.send(&(n * 2, text.to_uppercase()))?;
    }
    Ok(()) // the parent closed its end
}

fn produce(producer: u32, count: u32, len: usize, locked: bool) -> io::Result<()> {
    let shared = if locked { Some(shared_stdin()?) } else { None };
    let queue = io::stdout();
    for seq in 0..count {
        let frame =
            encode(&Message::new(producer, seq, len)).map_err(io::Error::other)?;
        match &shared {
            Some(shared) => {
                put_locked(queue.as_fd(), &frame, ProcessLock::new(shared.slot(0)))?
            }
            None => put(queue.as_fd(), &frame)?,
        }
    }
    Ok(())
}

// ANCHOR: add
fn add(times: u64, children: u64) -> io::Result<()> {
    let shared = shared_stdin()?;
    let (counter, arrived) = (shared.slot(0), shared.slot(1));
    // A start barrier: no child adds before every child has started, so the
    // children's adds run at the same time, not one child after another.
    arrived.fetch_add(1, Ordering::SeqCst);
    spin_until("every child to start", || {
        arrived.load(Ordering::SeqCst) == children
    })?;
    for _ in 0..times {
        // One atomic read-modify-write: no other process's add can fall between
        // the read and the write, so none is lost.
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
// ANCHOR_END: add

fn isolation() -> io::Result<()> {
    ChildConnection::from_stdin()?.send(&isolation::child_side())
}

fn shared_stdin() -> io::Result<SharedMemory> {
    SharedMemory::open(io::stdin().as_fd().try_clone_to_owned()?)
}

fn number<T: std::str::FromStr>(word: &str) -> io::Result<T> {
    word.parse().map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("not a number: {word}"))
    })
}
