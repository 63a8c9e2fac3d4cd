//! Exercise 2, reference solution: wait for several tasks, asyncio.gather-style.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use crate::{JoinError, JoinHandle};

/// Waits for every task; their results, in the order of `handles`.
pub fn join_all<T: 'static>(
    mut handles: Vec<JoinHandle<T>>,
) -> impl Future<Output = Vec<Result<T, JoinError>>> {
    let mut results: Vec<Option<Result<T, JoinError>>> =
        handles.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        for (handle, slot) in handles.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                if let Poll::Ready(result) = Pin::new(handle).poll(cx) {
                    *slot = Some(result);
                }
            }
        }
        if results.iter().all(Option::is_some) {
            Poll::Ready(
                results
                    .iter_mut()
                    .map(|r| r.take().expect("all ready"))
                    .collect(),
            )
        } else {
            Poll::Pending
        }
    })
}
