//! Exercise 2: `Promise.all` on our promises. Reference solution.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch03_ready_queue::Core;

use crate::promise::{Promise, async_fn};

// ANCHOR: promise_all
/// `Promise.all(promises)`: a promise of every value, in order, or of the first
/// rejection.
pub fn promise_all<T: Clone + 'static>(
    core: &Rc<Core>,
    promises: Vec<Promise<T>>,
) -> Promise<Vec<T>> {
    let all = Promise::new(core);
    if promises.is_empty() {
        all.resolve(Vec::new()); // fulfilled before the caller sees it, as in JS
        return all;
    }
    let slots = Rc::new(RefCell::new(vec![None; promises.len()]));
    let remaining = Rc::new(Cell::new(promises.len()));
    for (index, promise) in promises.into_iter().enumerate() {
        let (all, slots, remaining) =
            (all.clone(), slots.clone(), remaining.clone());
        // One reaction per input, registered now: the async function runs to its
        // `.await` inside this call, and resumes one microtask after the input
        // settles, fulfilled or rejected, like `then(resolveElement, reject)`.
        drop(async_fn(core, "Promise.all element", async move {
            match promise.await {
                Ok(value) => {
                    slots.borrow_mut()[index] = Some(value);
                    remaining.set(remaining.get() - 1);
                    if remaining.get() == 0 {
                        let values = slots.take().into_iter().flatten().collect();
                        all.resolve(values);
                    }
                }
                Err(reason) => {
                    // Only the first rejection counts: `reject` ignores the rest.
                    all.reject(reason.0);
                }
            }
            Ok(())
        }));
    }
    all
}
// ANCHOR_END: promise_all
