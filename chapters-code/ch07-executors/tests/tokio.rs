//! tokio's versions: `spawn_blocking`, `Handle::spawn` from another thread,
//! `block_in_place`.

use std::thread;

use test_support::{LIMIT, join_within};

// ANCHOR: tokio_spawn_blocking
#[test]
fn tokio_spawn_blocking_runs_on_a_blocking_pool_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let main = thread::current().id();
    let ran_on = rt
        .block_on(async {
            tokio::task::spawn_blocking(|| thread::current().id()).await
        })
        .unwrap();
    assert_ne!(ran_on, main);
}
// ANCHOR_END: tokio_spawn_blocking

// ANCHOR: tokio_handle_spawn
#[test]
fn tokio_handle_spawn_from_another_thread_runs_on_the_runtimes_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let spawning =
        thread::spawn(move || handle.spawn(async { thread::current().id() }));
    let task = join_within(spawning, LIMIT, "the spawning thread to end").unwrap();
    let ran_on = rt.block_on(task).unwrap();
    assert_eq!(ran_on, thread::current().id(), "the runtime's own thread");
}
// ANCHOR_END: tokio_handle_spawn

#[test]
fn tokio_block_in_place_needs_the_multi_thread_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let value = rt.block_on(async { tokio::task::block_in_place(|| 6 * 7) });
    assert_eq!(value, 42);
    let current = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        current.block_on(async { tokio::task::block_in_place(|| 1) })
    }));
    let payload =
        refused.expect_err("block_in_place panics on a current-thread runtime");
    let message = payload
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        message.contains("only when running on the multi-threaded runtime"),
        "{message:?}"
    );
}
