//! `tokio::select!` and cancellation safety, on a current-thread runtime with the
//! paused clock. A writer sends two 4-byte messages, each in two halves 1 s apart;
//! a reader waits for whole messages while a 1 s tick keeps running beside it.

use std::cell::RefCell;
use std::io::ErrorKind;
use std::rc::Rc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};
use tokio::sync::mpsc;
use tokio::time::{Instant, Interval, interval_at, sleep};

/// Writes "ab" at 0.5 s, "cd" at 1.5 s, "ef" at 2.5 s and "gh" at 3.5 s, then
/// closes: two messages, each split in halves that the 1 s tick falls between.
fn spawn_writer(mut tx: DuplexStream) {
    tokio::spawn(async move {
        sleep(Duration::from_millis(500)).await;
        for (i, half) in [b"ab", b"cd", b"ef", b"gh"].into_iter().enumerate() {
            if i > 0 {
                sleep(Duration::from_secs(1)).await;
            }
            tx.write_all(half).await.unwrap();
        }
    }); // dropping `tx` at 3.5 s closes the stream
}

/// Ticks at 1, 2, 3, ... s: never at the same instant as a write.
fn tick_every_second() -> Interval {
    let second = Duration::from_secs(1);
    interval_at(Instant::now() + second, second)
}

type Log = Rc<RefCell<Vec<String>>>;

/// Logs "`name` dropped" when the future that holds it is dropped.
struct DropLog(Log, &'static str);

impl Drop for DropLog {
    fn drop(&mut self) {
        self.0.borrow_mut().push(format!("{} dropped", self.1));
    }
}

async fn job(log: Log, name: &'static str, secs: u64) -> &'static str {
    let _guard = DropLog(log.clone(), name);
    sleep(Duration::from_secs(secs)).await;
    log.borrow_mut().push(format!("{name}: done"));
    name
}

/// Chapter 6's `wait(FIRST_COMPLETED)` question, with `select!`: the loser does not
/// run on, as it does in asyncio; it is dropped when the winner completes.
#[tokio::test(start_paused = true)]
async fn select_drops_the_losing_branch_as_soon_as_one_completes() {
    let log = Log::default();
    let start = Instant::now();
    let winner = tokio::select! {
        name = job(log.clone(), "fast", 1) => name,
        name = job(log.clone(), "slow", 3) => name,
    };
    let at = start.elapsed().as_secs();
    log.borrow_mut().push(format!("select returned at {at} s"));
    sleep(Duration::from_secs(5)).await; // long past slow's 3 s
    assert_eq!(winner, "fast");
    assert_eq!(
        *log.borrow(),
        [
            "fast: done",
            "fast dropped",
            "slow dropped",
            "select returned at 1 s"
        ],
        "slow never finishes: select! dropped it at 1 s"
    );
}

// ANCHOR: lossy
#[tokio::test(start_paused = true)]
async fn read_exact_in_a_select_loop_loses_the_bytes_read_before_each_tick() {
    let (tx, mut rx) = duplex(64);
    spawn_writer(tx);
    let mut tick = tick_every_second();
    let (mut messages, mut ticks) = (Vec::new(), 0);
    let mut buf = [0u8; 4];
    let outcome = loop {
        tokio::select! {
            biased;
            // A new read_exact on every pass. When the tick wins, the one that
            // had read a half is dropped, and the half with it.
            read = rx.read_exact(&mut buf) => match read {
                Ok(_) => messages.push(buf),
                Err(e) => break e.kind(),
            },
            _ = tick.tick() => ticks += 1,
        }
    };
    assert!(
        messages.is_empty(),
        "8 bytes were sent; no message came out"
    );
    assert_eq!(outcome, ErrorKind::UnexpectedEof);
    assert_eq!(ticks, 3); // at 1, 2 and 3 s; the writer closed at 3.5 s
}
// ANCHOR_END: lossy

// ANCHOR: pinned
#[tokio::test(start_paused = true)]
async fn the_same_read_pinned_outside_the_loop_keeps_its_progress() {
    let (tx, mut rx) = duplex(64);
    spawn_writer(tx);
    let mut tick = tick_every_second();
    let (mut messages, mut ticks) = (Vec::new(), 0);
    let start = Instant::now();
    for _ in 0..2 {
        let mut buf = [0u8; 4];
        // One read_exact per message, made before the loop and polled
        // through `&mut`: losing a select! no longer drops it.
        let read = rx.read_exact(&mut buf);
        tokio::pin!(read);
        loop {
            tokio::select! {
                biased;
                done = &mut read => {
                    done.unwrap();
                    break;
                }
                _ = tick.tick() => ticks += 1,
            }
        }
        messages.push(buf);
    }
    assert_eq!(messages, [*b"abcd", *b"efgh"]);
    assert_eq!(start.elapsed(), Duration::from_millis(3500));
    assert_eq!(ticks, 3); // at 1, 2 and 3 s
}
// ANCHOR_END: pinned

#[tokio::test(start_paused = true)]
async fn a_reader_task_behind_an_mpsc_channel_loses_nothing_recv_is_cancel_safe() {
    let (tx, mut rx) = duplex(64);
    spawn_writer(tx);
    // The non-cancel-safe read_exact runs in a task of its own, never in select!.
    let (send, mut recv) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut buf = [0u8; 4];
        while rx.read_exact(&mut buf).await.is_ok() {
            send.send(buf).await.unwrap();
        }
    });
    let mut tick = tick_every_second();
    let (mut messages, mut ticks) = (Vec::new(), 0);
    loop {
        tokio::select! {
            biased;
            // `recv` is on tokio's list of cancel-safe methods: a dropped recv()
            // took nothing off the channel.
            message = recv.recv() => match message {
                Some(m) => messages.push(m),
                None => break,
            },
            _ = tick.tick() => ticks += 1,
        }
    }
    assert_eq!(messages, [*b"abcd", *b"efgh"]);
    assert_eq!(ticks, 3);
}

#[tokio::test(start_paused = true)]
async fn read_is_cancel_safe_what_it_has_not_returned_stays_in_the_stream() {
    let (tx, mut rx) = duplex(64);
    spawn_writer(tx);
    let mut tick = tick_every_second();
    let (mut received, mut ticks) = (Vec::new(), 0);
    let mut buf = [0u8; 4];
    loop {
        tokio::select! {
            biased;
            // `read` returns what is there at once, or takes nothing: the
            // progress lives in `received`, outside the future.
            n = rx.read(&mut buf) => match n.unwrap() {
                0 => break,
                n => received.extend_from_slice(&buf[..n]),
            },
            _ = tick.tick() => ticks += 1,
        }
    }
    assert_eq!(received, b"abcdefgh");
    assert_eq!(ticks, 3);
}

/// tokio's coop budget: a task whose futures are always ready is made to yield
/// after 128 operations on tokio's resources, so the other tasks get a turn.
#[tokio::test(start_paused = true)]
async fn the_coop_budget_makes_an_always_ready_receiver_yield_after_128_messages() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn drain(received: Arc<AtomicUsize>, unconstrained: bool) -> usize {
        let (send, mut recv) = mpsc::unbounded_channel();
        for i in 0..300 {
            send.send(i).unwrap();
        }
        drop(send);
        let (r, seen) = (received.clone(), Arc::new(AtomicUsize::new(usize::MAX)));
        let s = seen.clone();
        // Spawned, so it can run only when the draining task yields.
        tokio::spawn(
            async move { s.store(r.load(Ordering::SeqCst), Ordering::SeqCst) },
        );
        let draining = async move {
            while recv.recv().await.is_some() {
                received.fetch_add(1, Ordering::SeqCst);
            }
        };
        if unconstrained {
            tokio::task::unconstrained(draining).await;
        } else {
            draining.await;
        }
        tokio::task::yield_now().await;
        seen.load(Ordering::SeqCst)
    }

    let seen = drain(Arc::default(), false).await;
    // `Budget::initial()` in tokio/src/task/coop/mod.rs: 128 per poll of a task.
    assert_eq!(seen, 128, "the other task ran after one budget of messages");
    let seen = drain(Arc::default(), true).await;
    assert_eq!(
        seen, 300,
        "unconstrained: the other task waited for all 300"
    );
}
