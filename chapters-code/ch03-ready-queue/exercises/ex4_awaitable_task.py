"""Exercise 4: a task you can await, as asyncio's can be.

The twin's `create_task` (src/programs/twin_ch03.py) steps a coroutine and
drops what it returns. Write `spawn(loop, coro)`: it queues the coroutine's first
step, as `create_task` does, and returns a twin `Future` that the task resolves
with the coroutine's return value. Another coroutine can then `await` it. As in
asyncio, the awaiter resumes in the iteration after the task returns, never
inside it.
"""

from twin_ch03 import Future  # noqa: F401 (your answer needs it)


def spawn(loop, coro):
    """Queues coro's first step; returns a Future of what coro returns."""
    raise NotImplementedError(
        "exercise 4: step coro as create_task does, and resolve a Future "
        "with its return value"
    )
