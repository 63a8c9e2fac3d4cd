//! Async functions whose bodies leave a trace, so we can see when (and whether) they
//! ran.

use std::future::Future;

use crate::event_log::EventLog;

// ANCHOR: greet
/// Records `"body of greet ran"`, then returns a greeting.
///
/// Calling `greet` records nothing: the call only builds a future that holds `log`
/// and `name`. The first poll runs the body.
pub async fn greet(log: EventLog, name: &str) -> String {
    log.record("body of greet ran");
    format!("hello, {name}")
}
// ANCHOR_END: greet

// ANCHOR: eager_prefix
/// A plain `fn` that returns a future: the code *before* the `async` block runs at
/// call time.
///
/// Only `async fn` bodies (and `async` blocks) are deferred. A function that does
/// work and then returns a future does that work eagerly; the call is not lazy just
/// because the result is.
pub fn eager_prefix(log: EventLog) -> impl Future<Output = ()> {
    log.record("prefix ran at call time");
    async move {
        log.record("async block ran at first poll");
    }
}
// ANCHOR_END: eager_prefix
