//! Exercise 1: threads share memory.
//!
//! Write `collect_thread_ids(n)`: start `n` threads; each pushes its own
//! `std::thread::current().id()` onto ONE list that all of them share; return that
//! list once every thread has finished. The parent must see all `n` ids, all
//! different, none its own.

use std::thread::ThreadId;

/// Returns the ids of `n` threads, each written by its thread into one shared list.
pub fn collect_thread_ids(n: usize) -> Vec<ThreadId> {
    todo!(
        "exercise 1: start {n} threads that each push their id onto one shared Vec"
    )
}
