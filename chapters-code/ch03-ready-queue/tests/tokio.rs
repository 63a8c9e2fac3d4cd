//! The chapter's scenarios on tokio, for comparison. Orders asserted here are what
//! tokio's current-thread scheduler does today, not what it promises.

use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<String>>>;

/// A tokio current-thread runtime: one thread, like our loop.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn tokio_current_thread_order_of_two_yielding_tasks_is_observed_not_promised() {
    let rt = current_thread_runtime();
    let seen: Log = Arc::default();
    rt.block_on(async {
        let handles: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|name| {
                let s = seen.clone();
                tokio::spawn(async move {
                    s.lock().unwrap().push(format!("{name}0"));
                    tokio::task::yield_now().await;
                    s.lock().unwrap().push(format!("{name}1"));
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    // Observed with the tokio of Cargo.lock: `yield_now` defers its wake-up until
    // the scheduler has looked at other work, so B resumes first. Not a promise: if
    // an upgrade changes it, update this test and the chapter.
    assert_eq!(*seen.lock().unwrap(), ["A0", "B0", "B1", "A1"]);
}

// ANCHOR: tokio_spawn
#[test]
fn tokio_spawn_runs_a_task_nobody_awaits() {
    let rt = current_thread_runtime();
    let seen: Log = Arc::default();
    let s = seen.clone();
    rt.block_on(async move {
        drop(tokio::spawn(
            async move { s.lock().unwrap().push("ran".into()) },
        ));
        assert!(seen.lock().unwrap().is_empty(), "not inside spawn");
        tokio::task::yield_now().await;
        assert_eq!(*seen.lock().unwrap(), ["ran"]);
    });
}
// ANCHOR_END: tokio_spawn

#[test]
fn tokio_refuses_a_runtime_inside_a_runtime() {
    let rt = current_thread_runtime();
    let message = rt.block_on(async {
        let inner = current_thread_runtime();
        let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            inner.block_on(async {});
        }));
        let payload = refused.unwrap_err();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        // Dropping a runtime inside a runtime panics too: leak it out of async
        // context.
        std::mem::forget(inner);
        message
    });
    assert!(
        message.contains("Cannot start a runtime from within a runtime"),
        "{message}"
    );
}

#[test]
fn tokio_join_errors_say_panicked_or_cancelled() {
    let rt = current_thread_runtime();
    rt.block_on(async {
        let bad = tokio::spawn(async { panic!("boom") });
        assert!(bad.await.unwrap_err().is_panic());
        let slow = tokio::spawn(std::future::pending::<()>());
        slow.abort();
        assert!(slow.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn tokio_abort_drops_the_future_when_the_runtime_next_runs_the_task() {
    struct Guard(Log);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.lock().unwrap().push("guard dropped".into());
        }
    }
    let rt = current_thread_runtime();
    let seen: Log = Arc::default();
    rt.block_on(async {
        let s = seen.clone();
        let sleeper = tokio::spawn(async move {
            let _guard = Guard(s);
            std::future::pending::<()>().await;
        });
        tokio::task::yield_now().await; // the sleeper runs up to its pending await
        sleeper.abort();
        assert!(
            seen.lock().unwrap().is_empty(),
            "abort only marks the task and schedules it; the future is still alive"
        );
        assert!(sleeper.await.unwrap_err().is_cancelled());
        assert_eq!(*seen.lock().unwrap(), ["guard dropped"]);
    });
}

/// Holds an `Rc` across an `.await`, so the future is not `Send`.
async fn holds_an_rc_across_an_await() -> usize {
    let shared = std::rc::Rc::new(vec![1, 2, 3]);
    tokio::task::yield_now().await;
    shared.len()
}

#[test]
fn tokio_local_set_spawn_local_runs_a_future_that_is_not_send() {
    let rt = current_thread_runtime();
    let local = tokio::task::LocalSet::new();
    // `tokio::spawn(holds_an_rc_across_an_await())` does not compile: `spawn`
    // wants `F: Send`. `spawn_local` wants only `'static`.
    let len = local.block_on(&rt, async {
        tokio::task::spawn_local(holds_an_rc_across_an_await())
            .await
            .unwrap()
    });
    assert_eq!(len, 3);
}
