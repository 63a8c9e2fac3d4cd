//! `as_completed` and `FuturesUnordered`: results in completion order.

mod common;

use std::time::Duration;

use ch06_patterns::as_completed;
use common::{run_virtual, secs};
use futures::StreamExt;
use futures::stream::FuturesUnordered;

#[test]
fn as_completed_yields_in_completion_order_at_the_completion_times() {
    let (_, seen) = run_virtual(|handle| async move {
        let jobs = [3, 1, 2].map(|s| {
            let h = handle.clone();
            async move {
                h.sleep(Duration::from_secs(s)).await;
                s
            }
        });
        let mut results = as_completed(&handle, jobs);
        let mut seen = Vec::new();
        while let Some(result) = results.next().await {
            seen.push((result.unwrap(), handle.time()));
        }
        seen
    });
    assert_eq!(seen, [(1, secs(1.0)), (2, secs(2.0)), (3, secs(3.0))]);
}

#[test]
fn as_completed_reports_a_failed_task_in_its_turn() {
    let (_, seen) = run_virtual(|handle| async move {
        let jobs = [2u64, 1].map(|s| {
            let h = handle.clone();
            async move {
                h.sleep(Duration::from_secs(s)).await;
                assert!(s != 1, "the 1 s job fails");
                s
            }
        });
        as_completed(&handle, jobs)
            .map(|r| r.map_err(|e| e.panic_message().unwrap().to_string()))
            .collect::<Vec<_>>()
            .await
    });
    assert_eq!(seen, [Err("the 1 s job fails".to_string()), Ok(2)]);
}

#[test]
fn futures_unordered_on_our_loop_yields_in_completion_order() {
    let (lp, order) = run_virtual(|handle| async move {
        let pending: FuturesUnordered<_> = [3, 1, 2]
            .into_iter()
            .map(|s| {
                let h = handle.clone();
                async move {
                    h.sleep(Duration::from_secs(s)).await;
                    s
                }
            })
            .collect();
        // one task: the futures are polled inside it
        pending.collect::<Vec<_>>().await
    });
    assert_eq!(order, [1, 2, 3]);
    assert_eq!(lp.time(), secs(3.0));
}
