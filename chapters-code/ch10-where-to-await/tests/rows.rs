//! Every row of the notes' cheat sheet that earlier chapters do not test yet, on
//! our loop (chapter 7's `EventLoop`), and the task group built beside them. Rows
//! that an earlier chapter tests already are linked from the book, not repeated.
//!
//! The diagram is rendered from a real trace. When its scenario changes, run
//! `UPDATE_EXPECT=1 cargo test -p ch10-where-to-await --test rows` and review the
//! diff.

#[path = "rows/calls.rs"]
mod calls;
#[path = "rows/shutdown.rs"]
mod shutdown;
#[path = "rows/support.rs"]
mod support;
#[path = "rows/task_group.rs"]
mod task_group;
#[path = "rows/threads.rs"]
mod threads;

use ch03_ready_queue::{LoopEvent, render_mermaid};
use ch07_executors::EventLoop;
use expect_test::expect_file;

/// The coroutine both halves await.
async fn c() -> u32 {
    42
}

/// A task `main` awaits `c()`, then awaits `spawn(c())`. Only the second shows in
/// the trace: the first ran inside `main`'s step, where the loop cannot see it.
fn await_vs_spawn() -> (EventLoop, (u32, u32)) {
    let lp = EventLoop::virtual_time_traced();
    let h = lp.handle();
    let main = lp.spawn_named("main", async move {
        let direct = c().await;
        let spawned = h.spawn_named("c", c()).await.unwrap();
        (direct, spawned)
    });
    lp.run_until_idle();
    (lp, main.try_take().unwrap().unwrap())
}

#[test]
fn diagram_await_vs_spawn() {
    let (lp, both) = await_vs_spawn();
    assert_eq!(both, (42, 42), "the same result either way");
    assert_eq!(
        lp.iteration(),
        3,
        "main's step, c's step, main's second step"
    );
    // Filtered: the loop and its tasks only (no selector, no pool thread).
    let events = lp.events();
    let tasks = events.iter().filter_map(|e| e.loop_event()).cloned();
    expect_file!["../../../src/generated/ch10-await-vs-spawn.mmd"]
        .assert_eq(&render_mermaid(&tasks.collect::<Vec<_>>()));
}
