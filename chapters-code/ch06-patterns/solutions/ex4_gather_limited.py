"""Exercise 4, reference solution: a bounded gather, in asyncio.

`gather_limited(coros, limit)` awaits every coroutine in `coros` concurrently,
but never more than `limit` of them at once, and returns their results in
argument order, as `asyncio.gather` does, whatever order they finish in. A new
job starts as soon as one ends: ten jobs, alternately 1 s and 0.5 s, with
`limit=3` end at 3 s; in batches of three they would end at 3.5 s. If a
coroutine raises, `gather_limited` raises that exception. Assume `limit >= 1`.
"""

import asyncio


async def gather_limited(coros, limit):
    """Runs `coros` with at most `limit` at once; results in argument order."""
    sem = asyncio.Semaphore(limit)

    async def limited(coro):
        async with sem:  # held until the coroutine is done
            return await coro

    return await asyncio.gather(*(limited(coro) for coro in coros))
