"""Exercise 4, reference solution: each call on a thread of the loop's default
pool, all of them started before any is awaited."""

import asyncio


async def run_blocking_all(calls):
    """Runs every blocking call at once, off the loop; returns their results."""
    # to_thread builds a coroutine; gather wraps each in a Task, so all the
    # calls are submitted to the pool in the next loop iteration, before any of
    # them is awaited. gather keeps the order of its arguments.
    return await asyncio.gather(*(asyncio.to_thread(call) for call in calls))
