//! The chapter's two timelines, as functions the tests and the diagrams share: three
//! sleeps of 1, 2 and 3 s awaited one after another, and the same three gathered.

use std::time::Duration;

use ch04_timers::{Event, EventLoop, render_mermaid};

use crate::gather::join_handles;

// ANCHOR: sequential_vs_concurrent
/// `for d in [1, 2, 3]: await sleep(d)` in one task; returns the traced loop and the
/// time at which the task finished.
pub fn sequential_sleeps() -> (EventLoop, Duration) {
    let lp = EventLoop::virtual_time_traced();
    let handle = lp.handle();
    let end = lp
        .run_until_complete(async move {
            for secs in [1, 2, 3] {
                handle.sleep(Duration::from_secs(secs)).await; // one at a time
            }
            handle.time()
        })
        .expect("the sleeps finish");
    (lp, end)
}

/// `await gather(sleep(1), sleep(2), sleep(3))`: three tasks, one per sleep, all
/// waiting at once.
pub fn concurrent_sleeps() -> (EventLoop, Duration) {
    let lp = EventLoop::virtual_time_traced();
    let handle = lp.handle();
    let end = lp
        .run_until_complete(async move {
            let tasks = [1, 2, 3].map(|secs| {
                let sleep = handle.sleep(Duration::from_secs(secs));
                handle.spawn_named(format!("sleep {secs}s"), sleep)
            });
            join_handles(tasks.into()).await.expect("no task fails");
            handle.time()
        })
        .expect("the sleeps finish");
    (lp, end)
}
// ANCHOR_END: sequential_vs_concurrent

/// Chapter 4's diagram of a trace, keeping only what a timeline needs: tasks spawned
/// and polled, timers set and due, and the clock's jumps (iterations, wake-ups and
/// callbacks are left out to keep it small).
pub fn timeline_mermaid(events: &[Event]) -> String {
    use ch03_ready_queue::Event as E;
    let kept: Vec<Event> = events
        .iter()
        .filter(|event| {
            matches!(
                event,
                Event::Loop(E::Spawned { .. } | E::Poll { .. } | E::Polled { .. })
                    | Event::TimerScheduled { .. }
                    | Event::TimerFired { .. }
                    | Event::ClockAdvanced { .. }
            )
        })
        .cloned()
        .collect();
    render_mermaid(&kept)
}
