//! The cost claims of the chapter's last section, counted: once the loop's queues
//! have grown to their working size, an iteration with nothing due allocates
//! nothing, and firing a timer allocates nothing beyond the box its callback got
//! when it was scheduled.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use ch04_timers::EventLoop;

/// A callback that allocates nothing when it runs.
fn bump(counter: &Rc<Cell<u32>>) -> impl FnOnce() + 'static {
    let counter = counter.clone();
    move || counter.set(counter.get() + 1)
}

/// Lets the ready queue, the heap and its slab grow to a working size before
/// anything is counted.
fn warmed_up_loop(counter: &Rc<Cell<u32>>) -> EventLoop {
    let lp = EventLoop::virtual_time();
    for _ in 0..8 {
        lp.call_soon(bump(counter));
        lp.call_later(Duration::from_secs(1), bump(counter));
    }
    for _ in 0..8 {
        lp.run_once();
    }
    lp
}

#[test]
fn an_iteration_with_nothing_due_allocates_nothing() {
    let counter = Rc::new(Cell::new(0));
    let lp = warmed_up_loop(&counter);
    // a timer that is not due
    lp.call_later(Duration::from_secs(100), bump(&counter));
    lp.call_soon(bump(&counter)); // boxed here, before counting starts
    let before = counter.get();
    let counted = allocation_counter::measure(|| lp.run_once());
    assert_eq!(counter.get(), before + 1, "the ready callback ran");
    assert_eq!(counted.count_total, 0, "run_once allocated: {counted:?}");
}

#[test]
fn firing_a_timer_allocates_nothing_more() {
    let counter = Rc::new(Cell::new(0));
    let lp = warmed_up_loop(&counter);
    lp.call_later(Duration::from_secs(1), bump(&counter)); // its box is made here
    let before = counter.get();
    // the clock jumps; it fires
    let counted = allocation_counter::measure(|| lp.run_once());
    assert_eq!(
        counter.get(),
        before + 1,
        "the timer fired in this iteration"
    );
    assert_eq!(
        counted.count_total, 0,
        "firing the timer allocated: {counted:?}"
    );
}
