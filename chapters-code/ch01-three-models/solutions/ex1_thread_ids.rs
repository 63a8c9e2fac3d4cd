//! Exercise 1, a reference answer: one `Mutex<Vec<_>>` shared by every thread.

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

/// Returns the ids of `n` threads, each written by its thread into one shared list.
pub fn collect_thread_ids(n: usize) -> Vec<ThreadId> {
    let ids = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let ids = Arc::clone(&ids);
            // The Mutex makes each push whole: two threads never grow the Vec at
            // once.
            thread::spawn(move || ids.lock().unwrap().push(thread::current().id()))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    // Every clone has been dropped with its thread, so we hold the only Arc left.
    Arc::try_unwrap(ids).unwrap().into_inner().unwrap()
}
