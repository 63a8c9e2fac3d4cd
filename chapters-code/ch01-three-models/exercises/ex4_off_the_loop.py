"""Exercise 4: blocking calls, off the loop and side by side.

Write the coroutine run_blocking_all(calls). `calls` is a list of plain
functions that take no argument and block: think of a database driver with no
async API. Run them all from asyncio and return their results, in the order of
`calls`. Two rules:

- the loop keeps running while they block: other tasks get their turns;
- they wait at the same time, not one after another.

The checker counts, as the chapter's meter does: its calls meet at a barrier
that opens only when all of them are waiting at once, and they wait for a
signal that only a task on the loop can send.
"""


async def run_blocking_all(calls):
    """Runs every blocking call at once, off the loop; returns their results."""
    raise NotImplementedError("exercise 4: run the calls off the loop, at once")
