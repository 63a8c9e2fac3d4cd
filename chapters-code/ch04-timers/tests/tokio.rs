//! The chapter's scenarios on tokio with the paused clock: time jumps, as on our
//! virtual clock, so the times are exact.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::{Instant, sleep, timeout};

#[tokio::test(start_paused = true)]
async fn tokio_three_sleeps_one_after_another_take_6s() {
    let start = Instant::now();
    for s in [1, 2, 3] {
        sleep(Duration::from_secs(s)).await;
    }
    assert_eq!(start.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn tokio_three_sleeps_together_take_3s() {
    let start = Instant::now();
    tokio::join!(
        sleep(Duration::from_secs(1)),
        sleep(Duration::from_secs(2)),
        sleep(Duration::from_secs(3)),
    );
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

struct Guard(Arc<Mutex<Vec<&'static str>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.lock().unwrap().push("inner dropped");
    }
}

// ANCHOR: tokio_timeout
#[test]
fn tokio_timeout_drops_the_inner_future_at_the_deadline() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    rt.block_on(async move {
        let start = Instant::now();
        let inner_log = l.clone();
        let result = timeout(Duration::from_secs(2), async move {
            let _guard = Guard(inner_log);
            sleep(Duration::from_secs(10)).await;
        })
        .await;
        assert!(result.is_err(), "Elapsed");
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        l.lock().unwrap().push("caller resumed");
    });
    assert_eq!(*log.lock().unwrap(), ["inner dropped", "caller resumed"]);
}
// ANCHOR_END: tokio_timeout

#[tokio::test(start_paused = true)]
async fn tokio_timeout_returns_the_value_when_the_inner_future_wins() {
    let start = Instant::now();
    let value = timeout(Duration::from_secs(5), async {
        sleep(Duration::from_secs(1)).await;
        7
    })
    .await;
    assert_eq!(value, Ok(7));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}
