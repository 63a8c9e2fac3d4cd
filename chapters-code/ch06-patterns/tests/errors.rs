//! The first error: asyncio's `gather` leaves the other children running;
//! `try_join_all` drops them.

mod common;

use ch06_patterns::{gather, gather_settled};
use common::{DropGuard, run_logged, run_virtual, secs};

// ANCHOR: gather_first_error
#[test]
fn gather_returns_the_first_error_and_does_not_cancel_the_others() {
    let (lp, outcome, log) = run_logged(|handle, l| async move {
        let (h1, h2, l2) = (handle.clone(), handle.clone(), l.clone());
        let failing = Box::pin(async move {
            h1.sleep(secs(1.0)).await;
            if h1.time() == secs(1.0) {
                panic!("boom at 1 s"); // asyncio: raise
            }
        })
            as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
        let sibling = Box::pin(async move {
            let _guard = DropGuard(l2.clone(), "sibling");
            h2.sleep(secs(3.0)).await;
            l2.borrow_mut()
                .push(format!("sibling finished at {:?}", h2.time()));
        });
        let result = gather(&handle, [failing, sibling]).await;
        l.borrow_mut()
            .push(format!("gather returned at {:?}", handle.time()));
        result
    });
    let error = outcome.expect_err("the first task panicked");
    assert_eq!(error.panic_message(), Some("boom at 1 s"));
    assert_eq!(
        *log.borrow(),
        ["gather returned at 1s"],
        "the sibling is still running"
    );
    assert_eq!(lp.task_count(), 1, "and still in the loop");
    lp.run_until_idle();
    assert_eq!(
        *log.borrow(),
        [
            "gather returned at 1s",
            "sibling finished at 3s",
            "sibling dropped"
        ],
        "nobody cancelled it: it ran to the end"
    );
}
// ANCHOR_END: gather_first_error

#[test]
fn gather_settled_waits_for_all_and_keeps_every_outcome() {
    let (lp, results) = run_virtual(|handle| async move {
        let jobs = [1u64, 2, 3].map(|n| {
            let h = handle.clone();
            async move {
                h.sleep(secs(n as f64)).await;
                assert!(n != 2, "job 2 fails");
                n * 10
            }
        });
        gather_settled(&handle, jobs).await
    });
    assert_eq!(results[0], Ok(10));
    assert_eq!(
        results[1].as_ref().unwrap_err().panic_message(),
        Some("job 2 fails")
    );
    assert_eq!(results[2], Ok(30));
    assert_eq!(lp.time(), secs(3.0));
}

#[test]
fn try_join_all_drops_the_other_futures_at_the_first_error() {
    let (lp, outcome, log) = run_logged(|handle, l| async move {
        let (h1, h2, l2) = (handle.clone(), handle.clone(), l.clone());
        let failing = Box::pin(async move {
            h1.sleep(secs(1.0)).await;
            Err::<u32, _>("boom at 1 s")
        })
            as std::pin::Pin<
                Box<dyn std::future::Future<Output = Result<u32, &str>>>,
            >;
        let sibling = Box::pin(async move {
            let _guard = DropGuard(l2.clone(), "sibling");
            h2.sleep(secs(3.0)).await;
            l2.borrow_mut().push("sibling finished".into());
            Ok(3)
        });
        let result = futures::future::try_join_all([failing, sibling]).await;
        l.borrow_mut()
            .push(format!("try_join_all returned at {:?}", handle.time()));
        result
    });
    assert_eq!(outcome, Err("boom at 1 s"));
    assert_eq!(
        *log.borrow(),
        ["sibling dropped", "try_join_all returned at 1s"],
        "the sibling was dropped (cancelled) before the error came back"
    );
    assert_eq!(lp.live_timers(), 0, "its 3 s sleep went with it");
    assert_eq!(lp.task_count(), 0);
}
