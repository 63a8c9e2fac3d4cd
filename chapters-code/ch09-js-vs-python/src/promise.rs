//! Promises on our loop: JavaScript's `Promise`, built on chapter 3's ready queue.
//!
//! A promise is pending, then fulfilled with a value or rejected with a reason,
//! once. What runs when it settles (a `then` callback, an `await` waiting on it)
//! is a *reaction*, and the ECMAScript spec never runs a reaction inline: it
//! queues a job (`HostEnqueuePromiseJob`), which is a microtask. Here a reaction
//! is queued with chapter 3's `call_soon`, or by waking a task, which queues its
//! next step on the same ready queue. So the promise does not know which loop
//! drains that queue: under the JavaScript policy its reactions run in the same
//! microtask checkpoint, under asyncio's snapshot rule in the next iteration.
//!
//! - [`Promise`]: `new`, `resolve`, `reject` (the first call wins, later ones are
//!   ignored, as in JavaScript), `then`, `catch`, `resolve_with`;
//! - [`take_unhandled_rejections`]: the rejections no reaction took, which
//!   Node's checkpoint turns into a panic;
//! - [`awaiting`]: `.await` on a promise, which always gives the loop one turn,
//!   and [`async_fn`], an async function: its body runs at once, up to its first
//!   `await`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::{Rc, Weak};
use std::task::Waker;

use ch03_ready_queue::{Core, panic_message};

pub mod awaiting;

pub use crate::promise::awaiting::{Await, async_fn};

// ANCHOR: promise
/// Why a promise was rejected: JavaScript's rejection reason, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rejected: {}", self.0)
    }
}

impl std::error::Error for Rejection {}

/// A value that will be there later, or a reason why not: JavaScript's `Promise`
/// on our loop's ready queue.
///
/// Cloning gives another handle to the same promise. Every reaction gets its own
/// copy of the value (`T: Clone`), as every JavaScript reaction sees the same
/// value; share a large one through an `Rc`.
pub struct Promise<T> {
    shared: Rc<Shared<T>>,
}

struct Shared<T> {
    core: Rc<Core>,
    state: RefCell<State<T>>,
    /// The spec's `[[AlreadyResolved]]`: set by the first `resolve`, `reject` or
    /// `resolve_with`. A promise that follows another is locked in while still
    /// pending.
    locked: Cell<bool>,
    /// The spec's `[[PromiseIsHandled]]`: set once a reaction is registered.
    /// Shared with the list of unhandled rejections, which reads it later.
    handled: Rc<Cell<bool>>,
}

enum State<T> {
    Pending(Vec<Reaction<T>>),
    Fulfilled(T),
    Rejected(Rejection),
}

/// What runs once the promise settles; either way, through the ready queue.
pub(crate) enum Reaction<T> {
    /// A `then` or `catch`: a microtask, queued with `call_soon`.
    Call(Box<dyn FnOnce(Result<T, Rejection>)>),
    /// An `await`: the waiting task's waker, which queues its next step.
    Resume(Waker),
}
// ANCHOR_END: promise

/// The outcome of a settled promise.
type Settled<T> = Result<T, Rejection>;

impl<T: Clone + 'static> Promise<T> {
    /// A pending promise on `core`'s loop: `new Promise(...)`, with `resolve` and
    /// `reject` as methods instead of the executor's arguments.
    pub fn new(core: &Rc<Core>) -> Self {
        Self::with_state(core, State::Pending(Vec::new()))
    }

    /// A promise fulfilled already: `Promise.resolve(value)`.
    pub fn resolved(core: &Rc<Core>, value: T) -> Self {
        Self::with_state(core, State::Fulfilled(value))
    }

    /// A promise rejected already: `Promise.reject(reason)`.
    pub fn rejected(core: &Rc<Core>, reason: impl Into<String>) -> Self {
        Self::with_state(core, State::Rejected(Rejection(reason.into())))
    }

    fn with_state(core: &Rc<Core>, state: State<T>) -> Self {
        let promise = Self {
            shared: Rc::new(Shared {
                core: core.clone(),
                locked: Cell::new(!matches!(state, State::Pending(_))),
                state: RefCell::new(state),
                handled: Rc::default(),
            }),
        };
        if let State::Rejected(reason) = &*promise.shared.state.borrow() {
            promise.shared.track_rejection(reason);
        }
        promise
    }

    /// Whether the promise has neither a value nor a reason yet.
    pub fn is_pending(&self) -> bool {
        matches!(*self.shared.state.borrow(), State::Pending(_))
    }

    /// The outcome, if settled: what a debugger shows, not what code should wait
    /// on (use `then` or `.await`).
    pub fn peek(&self) -> Option<Settled<T>> {
        match &*self.shared.state.borrow() {
            State::Pending(_) => None,
            State::Fulfilled(value) => Some(Ok(value.clone())),
            State::Rejected(reason) => Some(Err(reason.clone())),
        }
    }

    /// The loop whose ready queue runs this promise's reactions.
    pub fn core(&self) -> &Rc<Core> {
        &self.shared.core
    }
}

// ANCHOR: settle
impl<T: Clone + 'static> Promise<T> {
    /// Fulfils the promise with `value` and queues its reactions, none of which
    /// runs before this returns. Returns `false`, and changes nothing, if the
    /// promise was resolved already: JavaScript ignores a second `resolve`.
    pub fn resolve(&self, value: T) -> bool {
        self.resolve_once(Ok(value))
    }

    /// Rejects the promise with `reason`; like [`Promise::resolve`], only the first
    /// call counts.
    pub fn reject(&self, reason: impl Into<String>) -> bool {
        self.resolve_once(Err(Rejection(reason.into())))
    }

    /// The first of `resolve`, `reject` and `resolve_with` wins.
    pub(crate) fn resolve_once(&self, outcome: Settled<T>) -> bool {
        !self.shared.locked.replace(true) && self.settle(outcome)
    }

    fn settle(&self, outcome: Settled<T>) -> bool {
        let reactions = {
            let mut state = self.shared.state.borrow_mut();
            let State::Pending(reactions) = &mut *state else {
                return false;
            };
            let reactions = std::mem::take(reactions);
            *state = match outcome.clone() {
                Ok(value) => State::Fulfilled(value),
                Err(reason) => State::Rejected(reason),
            };
            reactions
        };
        if let Err(reason) = &outcome {
            self.shared.track_rejection(reason);
        }
        // In the order they were registered, each to the back of the ready queue.
        for reaction in reactions {
            self.shared.schedule(reaction, outcome.clone());
        }
        true
    }
}

impl<T: 'static> Shared<T> {
    fn schedule(&self, reaction: Reaction<T>, outcome: Settled<T>) {
        match reaction {
            Reaction::Call(job) => self
                .core
                .call_soon_named("promise reaction", move || job(outcome)),
            Reaction::Resume(waker) => waker.wake(),
        }
    }
}
// ANCHOR_END: settle

// ANCHOR: then
impl<T: Clone + 'static> Promise<T> {
    /// `promise.then(on_fulfilled)`: a new promise, fulfilled with what
    /// `on_fulfilled` returns. The callback is a microtask, queued when this promise
    /// settles, or now if it has; it never runs inside `then`. A rejection skips it
    /// and passes on to the new promise, one microtask later. A callback that
    /// panics rejects the new promise, as a `throw` in JavaScript does.
    pub fn then<U: Clone + 'static>(
        &self,
        on_fulfilled: impl FnOnce(T) -> U + 'static,
    ) -> Promise<U> {
        let next = Promise::new(&self.shared.core);
        let out = next.clone();
        self.react(Box::new(move |outcome| {
            out.resolve_once(
                outcome.and_then(|value| guarded(|| on_fulfilled(value))),
            );
        }));
        next
    }

    /// `promise.catch(on_rejected)`: a new promise, fulfilled with this one's value,
    /// or with what `on_rejected` makes of its reason.
    pub fn catch(&self, on_rejected: impl FnOnce(Rejection) -> T + 'static) -> Self {
        let next = Promise::new(&self.shared.core);
        let out = next.clone();
        self.react(Box::new(move |outcome| {
            out.resolve_once(
                outcome.or_else(|reason| guarded(|| on_rejected(reason))),
            );
        }));
        next
    }

    /// Registers a reaction: queued now if the promise is settled, else kept for
    /// `settle` to queue (the spec's `PerformPromiseThen`).
    fn react(&self, job: Box<dyn FnOnce(Settled<T>)>) {
        self.add_reaction(Reaction::Call(job));
    }

    pub(crate) fn add_reaction(&self, reaction: Reaction<T>) {
        self.shared.handled.set(true);
        let mut state = self.shared.state.borrow_mut();
        let outcome = match &mut *state {
            State::Pending(reactions) => return reactions.push(reaction),
            State::Fulfilled(value) => Ok(value.clone()),
            State::Rejected(reason) => Err(reason.clone()),
        };
        drop(state); // a waker may touch this promise
        self.shared.schedule(reaction, outcome);
    }
}
// ANCHOR_END: then

// ANCHOR: resolve_with
impl<T: Clone + 'static> Promise<T> {
    /// `resolve(other)` with a promise: this one follows `other`. The spec does not
    /// look at `other` now; it queues a job (`NewPromiseResolveThenableJob`) that
    /// calls `other.then(...)`. So even if `other` is fulfilled, this promise
    /// settles two microtasks later: the job, then the reaction. Meanwhile it is
    /// pending but locked in: `resolve` and `reject` are ignored. Returns `false`
    /// if this promise was resolved already. A promise resolved with itself is
    /// rejected with a `TypeError`, as the spec says.
    pub fn resolve_with(&self, other: &Promise<T>) -> bool {
        if Rc::ptr_eq(&self.shared, &other.shared) {
            // the spec's "selfResolutionError": it would wait for itself forever
            let error = "TypeError: Chaining cycle detected for promise";
            return self.resolve_once(Err(Rejection(error.into())));
        }
        if self.shared.locked.replace(true) {
            return false;
        }
        let (follower, leader) = (self.clone(), other.clone());
        self.shared
            .core
            .call_soon_named("resolve thenable", move || {
                leader.react(Box::new(move |outcome| {
                    follower.settle(outcome);
                }));
            });
        true
    }
}
// ANCHOR_END: resolve_with

// Rejections nobody handles.

thread_local! {
    /// The host's `HostPromiseRejectionTracker`: every promise rejected while it
    /// had no reaction, on any loop of this thread.
    static REJECTED: RefCell<Vec<Unhandled>> = const { RefCell::new(Vec::new()) };
}

/// A promise rejected with no reaction yet: whose loop, whether one came since.
struct Unhandled {
    core: Weak<Core>,
    handled: Rc<Cell<bool>>,
    reason: Rejection,
}

impl<T> Shared<T> {
    fn track_rejection(&self, reason: &Rejection) {
        if self.handled.get() {
            return;
        }
        REJECTED.with_borrow_mut(|list| {
            list.retain(|entry| entry.core.strong_count() > 0); // loops gone
            list.push(Unhandled {
                core: Rc::downgrade(&self.core),
                handled: self.handled.clone(),
                reason: reason.clone(),
            });
        });
    }
}

/// Takes the rejections of `core`'s promises that were rejected with no reaction
/// and have had none since, oldest first: what Node's `processPromiseRejections`
/// reports after a checkpoint. A rejection that got a reaction meanwhile is
/// dropped from the list.
pub fn take_unhandled_rejections(core: &Rc<Core>) -> Vec<Rejection> {
    let mut unhandled = Vec::new();
    REJECTED.with_borrow_mut(|list| {
        list.retain(|entry| {
            if !std::ptr::eq(entry.core.as_ptr(), Rc::as_ptr(core)) {
                return true;
            }
            if !entry.handled.get() {
                unhandled.push(entry.reason.clone());
            }
            false
        });
    });
    unhandled
}

/// Runs `f`, turning a panic into a rejection: JavaScript's `throw` inside a
/// reaction rejects the derived promise instead of reaching the loop.
fn guarded<R>(f: impl FnOnce() -> R) -> Settled<R> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|payload| Rejection(panicked(payload.as_ref())))
}

/// The reason a panic becomes: `panicked: <message>`.
pub(crate) fn panicked(payload: &(dyn std::any::Any + Send)) -> String {
    format!("panicked: {}", panic_message(payload))
}

impl<T> Clone for Promise<T> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &*self.shared.state.borrow() {
            State::Pending(_) => "pending",
            State::Fulfilled(_) => "fulfilled",
            State::Rejected(_) => "rejected",
        };
        f.debug_struct("Promise")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}
