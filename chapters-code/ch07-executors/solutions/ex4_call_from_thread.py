"""Exercise 4: call the loop from a plain thread, and wait with a bound
(reference solution)."""

import asyncio
import concurrent.futures


def call_from_thread(loop, coro, timeout):
    # Posts a callback with call_soon_threadsafe; on the loop's thread it wraps
    # the coroutine in a task, chained to the concurrent future we get back.
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result(timeout)  # blocks this thread only, with a bound
    except concurrent.futures.TimeoutError:  # TimeoutError itself since 3.11
        future.cancel()  # _chain_future posts the task's cancel to the loop
        raise TimeoutError(f"no result after {timeout} s") from None
