"""Checks exercise 4, run_by_hand(coro): results, step counts, a clear refusal."""

import asyncio
import inspect
import threading


timed_out = []  # set once a call has not returned: one wait of 5 s is enough


def call(function, *args):
    """Calls function(*args) on a helper thread, so that a driver that loops
    forever fails the test instead of hanging it. Returns (value, error)."""
    if timed_out:
        for arg in args:  # never to be run: close it, so Python does not warn
            if inspect.iscoroutine(arg):
                arg.close()
    assert not timed_out, (
        "skipped: run_by_hand already failed to return within 5 s in an "
        "earlier check (its thread may still be spinning)"
    )
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # StopIteration too: report it
            outcome["error"] = error

    helper = threading.Thread(target=run, daemon=True)
    helper.start()
    helper.join(timeout=5)
    if helper.is_alive():
        timed_out.append(function)  # the later checks fail at once
    assert not helper.is_alive(), (
        "run_by_hand did not return within 5 s: stop when send() raises "
        "StopIteration, and give up at once when it yields anything but None"
    )
    if isinstance(outcome.get("error"), NotImplementedError):
        raise outcome["error"]  # still the stub: say so, not "raised"
    return outcome.get("value"), outcome.get("error")


async def answer_at_once():
    return 42


async def two_sleeps(log):
    log.append("before")
    await asyncio.sleep(0)
    log.append("between")
    await asyncio.sleep(0)
    log.append("after")
    return "done"


async def inner():
    await asyncio.sleep(0)
    return 20


async def outer():
    first = await inner()  # awaiting a coroutine is no step of its own
    second = await inner()
    return first + second


def test_a_coroutine_that_never_suspends_takes_one_step(answer):
    value, error = call(answer.run_by_hand, answer_at_once())
    assert error is None, f"run_by_hand raised {error!r}"
    assert value == (42, 1), (
        f"expected (42, 1): one send(None) runs the whole body and raises "
        f"StopIteration(42); got {value!r}"
    )


def test_each_sleep_0_costs_one_more_step(answer):
    log = []
    coro = two_sleeps(log)
    assert log == [], "calling the coroutine function ran nothing"
    value, error = call(answer.run_by_hand, coro)
    assert error is None, f"run_by_hand raised {error!r}"
    assert log == ["before", "between", "after"], f"the body ran as {log}"
    assert value == ("done", 3), (
        f"expected ('done', 3): two suspensions, so three send(None) calls, "
        f"the last one raising StopIteration; got {value!r}"
    )


def test_nested_coroutines_yield_through_to_the_driver(answer):
    value, error = call(answer.run_by_hand, outer())
    assert error is None, f"run_by_hand raised {error!r}"
    assert value == (40, 3), (
        "expected (40, 3): each inner sleep(0) yields up through outer to you, "
        f"and awaiting inner() adds no step of its own; got {value!r}"
    )


def test_an_error_inside_the_coroutine_passes_through(answer):
    async def failing():
        await asyncio.sleep(0)
        raise ValueError("bad period")

    _, error = call(answer.run_by_hand, failing())
    assert isinstance(error, ValueError), (
        f"expected the coroutine's own ValueError to reach the caller, got "
        f"{error!r}"
    )


def test_a_future_is_refused_by_step_and_the_coroutine_closed(answer):
    loop = asyncio.new_event_loop()  # never run: it only makes the future
    try:
        future = loop.create_future()
        cleaned_up = []

        async def waits_for_a_future():
            try:
                await asyncio.sleep(0)  # step 1 yields None
                return await future  # step 2 yields the future itself
            finally:
                cleaned_up.append(True)

        coro = waits_for_a_future()
        _, error = call(answer.run_by_hand, coro)
    finally:
        loop.close()
    assert isinstance(error, RuntimeError), (
        f"a coroutine that awaits a Future yields the Future to its driver; "
        f"expected run_by_hand to raise RuntimeError, got {error!r}"
    )
    message = str(error)
    assert "await wasn't used with future" not in message, (
        "you sent None back into a coroutine that was waiting for a Future, "
        "and the Future found itself still pending: look at what send() "
        "returned before you send again"
    )
    assert "step 2" in message and "Future" in message, (
        f"the message should name the step and what it yielded (step 2, "
        f"a Future); it was: {message!r}"
    )
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED, (
        "close the coroutine before raising: it is left "
        f"{inspect.getcoroutinestate(coro)}"
    )
    assert cleaned_up == [True], "closing the coroutine runs its finally block"
