"""Checks exercise 4: a plain thread runs a coroutine on a running loop and
waits for it with a bound. Every wait here is bounded too."""

import asyncio
import threading

LIMIT = 5  # seconds: a caller still waiting after this long hangs


def from_a_plain_thread(answer, make_coro, timeout):
    """Runs a loop on this thread; a plain thread named "caller" calls
    `answer.call_from_thread(loop, make_coro(), timeout)`. Returns what the
    call returned or raised, and the loop (closed by then)."""
    outcome = {}

    async def main():
        loop = asyncio.get_running_loop()

        def caller():
            try:
                outcome["value"] = answer.call_from_thread(
                    loop, make_coro(), timeout
                )
            except BaseException as error:
                outcome["error"] = error

        thread = threading.Thread(target=caller, name="caller", daemon=True)
        thread.start()
        deadline = loop.time() + LIMIT
        while thread.is_alive():  # the loop keeps running meanwhile
            assert loop.time() < deadline, (
                f"call_from_thread had not returned after {LIMIT} s: "
                "wait for the result with a bound (a timeout)"
            )
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # a posted cancel runs in here
        outcome["tasks_left"] = asyncio.all_tasks() - {asyncio.current_task()}

    asyncio.run(main())  # at its end it cancels what is left, too late
    if isinstance(outcome.get("error"), NotImplementedError):
        raise outcome["error"]
    return outcome


def test_the_coroutine_runs_on_the_loop_and_its_result_comes_back(answer):
    ran_on = []

    async def lookup():
        ran_on.append(threading.current_thread().name)
        await asyncio.sleep(0.01)
        return 42

    outcome = from_a_plain_thread(answer, lookup, LIMIT)
    if "error" in outcome:
        raise outcome["error"]
    assert ran_on == [threading.main_thread().name], (
        f"the coroutine ran on {ran_on}, not on the loop's thread "
        f"({threading.main_thread().name}): hand it to the running loop"
    )
    assert outcome.get("value") == 42, (
        f"call_from_thread returned {outcome.get('value')!r}, expected 42"
    )


def test_an_exception_reaches_the_calling_thread(answer):
    async def lookup():
        await asyncio.sleep(0.01)
        raise FileNotFoundError("no such file")

    outcome = from_a_plain_thread(answer, lookup, LIMIT)
    error = outcome.get("error")
    assert isinstance(error, FileNotFoundError), (
        "the coroutine raised FileNotFoundError; the calling thread got "
        f"{error!r} instead (returned {outcome.get('value')!r})"
    )


def test_a_timeout_raises_and_cancels_the_task_on_the_loop(answer):
    seen = []

    async def slow_lookup():
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            seen.append(threading.current_thread().name)
            raise
        return "too late"

    outcome = from_a_plain_thread(answer, slow_lookup, 0.2)
    error = outcome.get("error")
    assert isinstance(error, TimeoutError), (
        "the task was still running after 0.2 s: call_from_thread must "
        f"raise TimeoutError, not {error!r} (returned {outcome.get('value')!r})"
    )
    assert not outcome["tasks_left"] and seen, (
        "after the timeout the task still ran on the loop: cancel it, so "
        "that the cancel reaches the task on the loop's thread"
    )
