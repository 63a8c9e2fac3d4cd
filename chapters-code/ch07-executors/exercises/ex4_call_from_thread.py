"""Exercise 4: call the loop from a plain thread, and wait with a bound.

`call_from_thread(loop, coro, timeout)` is called on a plain thread, not the
loop's: a callback from a C library, a GUI thread, a test. `loop` is running
on its own thread. Run the coroutine `coro` as a task on that loop, block the
calling thread until the task ends, and return its result, or raise its
exception. The wait is bounded: if the task has not ended after `timeout`
seconds, cancel the task (it runs on the loop, so the cancel must reach it
there) and raise `TimeoutError`.
"""


def call_from_thread(loop, coro, timeout):
    raise NotImplementedError(
        "exercise 4: post the coroutine to the loop, then wait with a bound"
    )
