//! Chapter 3's twin against our loop: the scenario that `src/programs/twin_ch03.py`
//! runs on the twin and on asyncio, run here on `ch03_ready_queue::EventLoop`.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_lazy_futures::countdown::Countdown;
use ch03_ready_queue::{EventLoop, LoopFuture};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

#[test]
fn our_loop_logs_what_the_twin_and_asyncio_log() {
    let lp = EventLoop::new();
    let log = Log::default();
    let fut = LoopFuture::<u32>::new(&lp);

    let (l, f, core) = (log.clone(), fut.clone(), lp.handle());
    let _a = lp.spawn(async move {
        push(&l, "A0");
        let from_a = l.clone();
        core.call_soon(move || push(&from_a, "callback queued by A"));
        Countdown::new(1).await; // asyncio.sleep(0): wakes itself, Pending once
        push(&l, "A1 sets the result");
        f.set_result(42);
        push(&l, "A1 goes on");
    });
    let l = log.clone();
    let _b = lp.spawn(async move {
        push(&l, "B0");
        let value = fut.await;
        push(&l, format!("B1 got {value}"));
    });
    let l = log.clone();
    lp.call_soon(move || push(&l, "callback"));

    let mut n = 0;
    while lp.ready_len() > 0 {
        n += 1;
        let line = format!("iteration {n}: {} ready", lp.ready_len());
        push(&log, line);
        lp.run_once();
    }

    let printed = book_tests::twins::oracle_output("ch03-ready-queue.md", "twin_ch03.py");
    assert_eq!(*log.borrow(), printed);
}
