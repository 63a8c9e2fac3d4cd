//! The scenarios the chapter draws and checks, and a guard for waiting on other
//! threads.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::event_loop::EventLoop;
use crate::pool::JobError;

/// Waits until `cond` holds, for at most 10 s; `false` if it never did. A guard
/// against hanging when a claim is false, never a timing assertion: on success it
/// returns as soon as `cond` holds.
pub fn wait_until(cond: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        if Instant::now() > deadline {
            return false;
        }
        thread::yield_now();
    }
    true
}

/// What [`to_thread_round_trip`] saw.
#[derive(Debug)]
pub struct RoundTrip {
    /// The traced loop, to read its events.
    pub lp: EventLoop,
    /// What the awaiting task got.
    pub output: Result<u32, JobError>,
    /// The helper thread saw the loop asleep in `select` before it let the job
    /// finish.
    pub saw_loop_parked: bool,
}

/// One `to_thread` round trip, in an order that is the same on every run: the task
/// sends the job to the default pool and waits; the job waits at a gate that a
/// helper thread opens only once the loop sleeps in `select`; the job's result comes
/// back as a `set_result` callback through the inbox, which wakes the loop, and the
/// task is polled again.
pub fn to_thread_round_trip() -> RoundTrip {
    let lp = EventLoop::traced();
    let core = lp.handle();
    let (open, gate) = mpsc::channel::<()>();
    let to_loop = lp.threadsafe();
    let helper = thread::spawn(move || {
        let parked = wait_until(|| to_loop.is_parked());
        let _ = open.send(()); // open the gate in any case, so nothing hangs
        parked
    });
    let output = lp
        .run_until_complete(async move {
            core.to_thread(move || {
                gate.recv_timeout(Duration::from_secs(10))
                    .expect("the gate opens");
                6 * 7
            })
            .await
        })
        .expect("the task finishes");
    let saw_loop_parked = helper.join().expect("the helper thread ends");
    RoundTrip {
        lp,
        output,
        saw_loop_parked,
    }
}
