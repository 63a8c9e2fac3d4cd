"""Checks exercise 4, run_blocking_all(calls): results in order, off the loop,
all waiting at once, and the loop free meanwhile. No clock: a barrier and a
signal from the loop decide, and every wait has a limit."""

import asyncio
import threading

LIMIT = 2  # seconds any one wait may take before the test gives up on it


def run(answer, calls, beside=None):
    """asyncio.run(answer.run_blocking_all(calls)) on a helper thread, with the
    coroutine `beside()` (if any) running as a task next to it. Returns the
    results and the id of the loop's thread."""
    outcome = {}

    async def main():
        outcome["loop"] = threading.get_ident()
        helper = asyncio.create_task(beside()) if beside else None
        outcome["results"] = await answer.run_blocking_all(calls)
        if helper:
            await helper

    def drive():
        try:
            asyncio.run(main())
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=drive, daemon=True)
    thread.start()
    thread.join(timeout=10 * LIMIT)
    assert not thread.is_alive(), "run_blocking_all did not return in 20 s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["results"], outcome["loop"]


def test_the_results_come_back_in_order_from_other_threads(answer):
    threads = []
    c_done = threading.Event()

    def call(value):
        def blocking():
            threads.append(threading.get_ident())
            if value == "a":  # finishes last: after "c", or after LIMIT
                c_done.wait(timeout=LIMIT)
            if value == "c":
                c_done.set()
            return value

        return blocking

    results, loop = run(answer, [call("a"), call("b"), call("c")])
    assert results == ["a", "b", "c"], (
        f"expected the results in the order of the calls, ['a', 'b', 'c'], got "
        f"{results!r}. The calls finish in another order (here 'a' waits for "
        "'c'), but the results must follow the calls"
    )
    assert loop not in threads, (
        "a call ran on the loop's own thread: while it blocks, nothing else on "
        "the loop can run. Hand each call to another thread."
    )


def test_the_calls_wait_at_the_same_time(answer):
    n = 4
    barrier = threading.Barrier(n, timeout=LIMIT)
    lock = threading.Lock()
    meter = {"inside": 0, "peak": 0}

    def blocking():
        with lock:
            meter["inside"] += 1
            meter["peak"] = max(meter["peak"], meter["inside"])
        try:
            barrier.wait()  # opens only when all n calls wait at once
            return "met"
        except threading.BrokenBarrierError:
            return "alone"
        finally:
            with lock:
                meter["inside"] -= 1

    results, _ = run(answer, [blocking] * n)
    assert results == ["met"] * n, (
        f"the {n} calls never all waited at once (at most {meter['peak']} did "
        f"at the same time): start them all before you await any of them"
    )


def test_the_loop_keeps_running_while_they_block(answer):
    ticks = []
    signal = threading.Event()

    async def heartbeat():
        for tick in range(3):
            ticks.append(tick)
            await asyncio.sleep(0)
        signal.set()  # only a task that gets its turns on the loop sends this

    seen = []  # how many ticks each call saw by the time it stopped waiting

    def blocking():
        signalled = signal.wait(timeout=LIMIT)
        seen.append(len(ticks))
        return signalled

    results, _ = run(answer, [blocking, blocking], beside=heartbeat)
    assert results == [True, True], (
        f"the calls waited {LIMIT} s for a signal from a task on the loop, and "
        f"it never came (the task ticked {min(seen, default=0)} times "
        "meanwhile): the loop was blocked while the calls ran"
    )
