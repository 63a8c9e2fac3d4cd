"""Checks exercise 4: the handler runs its blocking call off the loop."""

import asyncio
import contextvars
import threading

request_id = contextvars.ContextVar("request_id", default="unset")


def run_beside_a_ticker(answer):
    """Runs the handler beside a ticker. The blocking call returns only once the
    ticker has ticked three times, or after 2 s if the loop is frozen."""
    ticks, ticked = [], threading.Event()
    seen = {}

    def blocking_fetch():
        seen["thread"] = threading.current_thread()
        seen["request_id"] = request_id.get()
        # bounded: on a frozen loop the ticker never ticks
        seen["ticker_ran"] = ticked.wait(2)
        return "2026-11 ready"

    async def ticker():
        for i in range(3):
            await asyncio.sleep(0)
            ticks.append(i)
        ticked.set()

    async def handler():
        request_id.set("req-42")
        return await answer.fetch_report(blocking_fetch)

    async def main():
        tick_task = asyncio.create_task(ticker())
        report = await asyncio.wait_for(handler(), 10)
        await asyncio.wait_for(tick_task, 10)
        return report

    return asyncio.run(main()), seen


def test_the_handler_returns_the_report(answer):
    report, _ = run_beside_a_ticker(answer)
    assert report == "report: 2026-11 ready", (
        f"fetch_report returned {report!r}; "
        "expected 'report: ' + the call's result"
    )


def test_the_loop_kept_ticking_while_the_call_blocked(answer):
    _, seen = run_beside_a_ticker(answer)
    assert seen.get("thread") is not threading.main_thread(), (
        "blocking_fetch ran on the loop's thread: it froze the loop; "
        "hand it to a thread"
    )
    assert seen.get("ticker_ran"), (
        "the ticker did not tick while blocking_fetch waited: "
        "the loop was frozen"
    )


def test_the_request_id_reaches_the_thread(answer):
    _, seen = run_beside_a_ticker(answer)
    assert seen.get("request_id") == "req-42", (
        f"blocking_fetch saw request_id {seen.get('request_id')!r}: "
        "run_in_executor does not copy the contextvars; asyncio.to_thread does"
    )
