"""Exercise 4, reference solution: a task you can await, as asyncio's can be."""

from twin_ch03 import Future


def spawn(loop, coro):
    """Queues coro's first step; returns a Future of what coro returns."""
    result = Future(loop)

    def step(_future=None):
        try:
            awaited = coro.send(None)
        except StopIteration as stop:
            result.set_result(stop.value)  # schedules the awaiters' steps
            return
        if awaited is None:
            loop.call_soon(step)
        else:
            awaited.callbacks.append(step)

    loop.call_soon(step)
    return result
