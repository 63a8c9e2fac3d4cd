//! Exercise 2: `Promise.all` on our promises.
//!
//! `promise_all(core, promises)` returns one promise for a list of them. It is
//! fulfilled with every value, in the list's order (not the order they settled
//! in), once the last one is fulfilled. It is rejected as soon as any one of them
//! is rejected, with that reason, even while others are still pending; a later
//! rejection changes nothing. An empty list gives a promise fulfilled already,
//! with an empty list.
//!
//! It must also settle when Node's `Promise.all` does, counted in microtask
//! turns: a `then` on the result of an empty list runs one turn later (as on
//! `Promise.resolve`); on the result of a list of fulfilled promises, or of one
//! with a rejected promise in it, two turns later, however long the list.

use std::rc::Rc;

use ch03_ready_queue::Core;

use crate::promise::Promise;

/// `Promise.all(promises)`: a promise of every value, in order, or of the first
/// rejection.
pub fn promise_all<T: Clone + 'static>(
    core: &Rc<Core>,
    promises: Vec<Promise<T>>,
) -> Promise<Vec<T>> {
    let _ = (core, promises);
    todo!(
        "exercise 2: one reaction per input, a slot per value, a count of the rest"
    )
}
