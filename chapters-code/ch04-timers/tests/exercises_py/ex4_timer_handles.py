"""Checks exercise 4: `call_later`, `cancel` and CPython's compaction rule on the
Python twin. Every loop runs on the twin's virtual clock, so times are exact and
no test waits."""

import weakref


def run_until_idle(loop, limit=1000):
    """Runs iterations until nothing is ready and no timer is left."""
    for _ in range(limit):
        if not loop.ready and not loop.timers:
            return
        loop.run_once()
    raise AssertionError(f"the loop was still busy after {limit} iterations")


def test_call_later_runs_callbacks_in_deadline_order_at_their_deadlines(answer):
    loop = answer.Loop()
    log = []
    for name, delay in [("b", 2), ("a", 1), ("a2", 1)]:
        handle = loop.call_later(delay, lambda n=name: log.append((n, loop.time())))
        assert handle.when() == delay, (
            f"call_later({delay}, ...) at time 0.0: when() should be {delay}, "
            f"not {handle.when()}"
        )
    run_until_idle(loop)
    assert log == [("a", 1.0), ("a2", 1.0), ("b", 2.0)], (
        "timers due at 1, 1 and 2 s (scheduled b, a, a2) should run "
        f"a and a2 at 1.0, then b at 2.0; they ran as {log}"
    )


def test_call_later_counts_from_the_loops_time(answer):
    loop = answer.Loop()
    log = []

    def later():
        log.append(loop.time())

    loop.call_later(1, lambda: loop.call_later(0.5, later))
    run_until_idle(loop)
    assert log == [1.5], (
        "call_later(0.5, ...) called at 1.0 s is due at 1.5 s, "
        f"but the callback ran at {log}"
    )


def test_a_cancelled_timer_never_runs(answer):
    loop = answer.Loop()
    log = []
    doomed = loop.call_later(1, lambda: log.append("cancelled one"))
    loop.call_later(2, lambda: log.append("kept"))
    assert not doomed.cancelled(), "cancelled() is False before cancel()"
    doomed.cancel()
    assert doomed.cancelled(), "cancelled() is True after cancel()"
    run_until_idle(loop)
    assert log == ["kept"], f"only the timer that was not cancelled runs: {log}"


def test_cancel_drops_the_callback_at_once_and_leaves_a_dead_entry(answer):
    class Callback:
        def __call__(self):
            raise AssertionError("a cancelled callback ran")

    loop = answer.Loop()
    callback = Callback()
    alive = weakref.ref(callback)
    handle = loop.call_later(3600, callback)
    del callback
    assert alive() is not None, "the loop keeps a scheduled callback alive"
    handle.cancel()
    assert alive() is None, (
        "cancel() must drop the callback at once (asyncio sets it to None), so "
        "whatever it captured is freed; something still holds it"
    )
    assert len(loop.timers) == 1, (
        "cancel() leaves the entry in the heap, as asyncio does: a heap cannot "
        f"remove from its middle cheaply; the heap holds {len(loop.timers)}"
    )
    assert loop.cancelled_count == 1, (
        f"one cancelled entry in the heap, but cancelled_count is "
        f"{loop.cancelled_count}"
    )


def test_cancelling_twice_or_after_the_timer_ran_counts_nothing(answer):
    loop = answer.Loop()
    ran = loop.call_later(1, lambda: None)
    run_until_idle(loop)
    ran.cancel()
    assert loop.cancelled_count == 0, (
        "cancelling a timer that already ran changes nothing, but "
        f"cancelled_count is {loop.cancelled_count}"
    )
    twice = loop.call_later(5, lambda: None)
    twice.cancel()
    twice.cancel()
    assert loop.cancelled_count == 1, (
        f"a timer cancelled twice counts once, not {loop.cancelled_count}"
    )


def test_a_timer_may_cancel_another_due_in_the_same_iteration(answer):
    loop = answer.Loop()
    log = []
    handles = []

    def first():
        log.append("first")
        handles[1].cancel()  # due at 1 s too: already off the heap, queued

    handles.append(loop.call_later(1, first))
    handles.append(loop.call_later(1, lambda: log.append("second")))
    try:
        run_until_idle(loop)
    except Exception as error:
        raise AssertionError(
            "two timers due at 1 s, the first cancels the second: the loop "
            f"crashed with {type(error).__name__}: {error}. The second's entry "
            "had already left the heap for the ready queue when it was "
            "cancelled; whatever runs for it there must check the handle"
        ) from error
    assert log == ["first"], (
        "a timer cancelled by another due in the same iteration must not run: "
        f"the log is {log}"
    )
    assert loop.cancelled_count == 0, (
        "cancel() counts an entry only while it is in the heap (asyncio's "
        "_scheduled); this one had left it, but cancelled_count is "
        f"{loop.cancelled_count}"
    )


def test_a_dead_entry_that_leaves_with_the_due_timers_stays_counted(answer):
    loop = answer.Loop()
    loop.call_later(1, lambda: None)
    loop.call_later(1, lambda: None).cancel()  # dead, but not at the head
    run_until_idle(loop)
    assert not loop.timers, f"the heap should be empty: {loop.timers}"
    assert loop.cancelled_count == 1, (
        "the dead entry behind a live head left the heap with the due timers, "
        "and CPython does not take those off its count (it is an upper bound, "
        "reset by the next rebuild): cancelled_count should stay 1, not "
        f"{loop.cancelled_count}"
    )


def test_a_cancelled_timer_does_not_move_the_clock(answer):
    loop = answer.Loop()
    loop.call_later(3600, lambda: None).cancel()
    loop.call_later(1, lambda: None)
    run_until_idle(loop)
    assert loop.time() == 1.0, (
        "the loop must drop the cancelled 1-hour timer instead of waiting for "
        f"it: the clock ended at {loop.time()}, not 1.0"
    )
    assert loop.cancelled_count == 0, (
        "popping a cancelled entry off the heap takes it out of cancelled_count"
    )


def test_compaction_follows_cpythons_rule_at_its_three_edges(answer):
    # The chapter's CPython oracle, on your loop: same numbers, same answers.
    loop = answer.Loop()

    def one_iteration():
        loop.call_soon(lambda: None)  # something ready: the clock stays put
        loop.run_once()

    def scenario(n, cancel):
        handles = [loop.call_later(3600 + i, print) for i in range(n)]
        for h in handles[n - cancel:]:  # the latest deadlines: the head is live
            h.cancel()
        one_iteration()
        after = len(loop.timers)
        for h in handles:
            h.cancel()
        one_iteration()
        assert not loop.timers and loop.cancelled_count == 0, (
            "with every timer cancelled, the heap is empty after one iteration "
            f"and nothing is counted: {len(loop.timers)} entries, "
            f"cancelled_count {loop.cancelled_count}"
        )
        return after

    cases = [
        (100, 60, 100, "not more than 100 entries: only the head is cleaned"),
        (200, 120, 80, "more than 100, more than half cancelled: rebuilt"),
        (200, 100, 200, "exactly half cancelled: not rebuilt"),
    ]
    for n, cancel, expected, why in cases:
        after = scenario(n, cancel)
        assert after == expected, (
            f"{n} scheduled, {cancel} cancelled: expected {expected} entries "
            f"after one iteration ({why}), got {after}"
        )


def test_the_rebuilt_heap_still_runs_timers_in_order(answer):
    loop = answer.Loop()
    log = []
    handles = [
        loop.call_later(d, lambda d=d: log.append(d)) for d in range(150, 0, -1)
    ]
    for h in handles[::2]:  # 75 of 150 cancelled: exactly half, not rebuilt
        h.cancel()
    handles[1].cancel()  # 76 of 150: more than half, rebuilt
    loop.call_soon(lambda: None)
    loop.run_once()
    assert len(loop.timers) == 74, (
        f"76 of 150 cancelled: the heap is rebuilt with the 74 live timers, "
        f"but it holds {len(loop.timers)}"
    )
    run_until_idle(loop)
    assert log == sorted(log) and len(log) == 74, (
        "after the rebuild the 74 live timers still run in deadline order "
        "(heapq.heapify the new list)"
    )
