//! Exercise 1, reference solution: a bounded `gather`.

use std::future::Future;
use std::rc::Rc;

use ch03_ready_queue::Core;

use crate::{Semaphore, gather};

/// Runs `futures` with at most `n` at once; outputs in argument order.
pub async fn gather_limited<F>(
    core: &Rc<Core>,
    n: usize,
    futures: Vec<F>,
) -> Vec<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let sem = Semaphore::new(n);
    let limited = futures.into_iter().map(|future| {
        let sem = sem.clone();
        async move {
            let _permit = sem.acquire().await; // held until the future is done
            future.await
        }
    });
    gather(core, limited).await.expect("no job panics")
}
