"""Exercise 4: make a blocking call safe with `asyncio.to_thread`.

`fetch_report(blocking_fetch)` is a request handler, a coroutine. It must call
`blocking_fetch()`, a plain function that blocks its thread (like `time.sleep`,
or a database driver with no async support), and return `"report: "` followed
by what it returned. While the call is in progress, the loop must go on running
other tasks: the checker runs a ticker task beside the handler, and
`blocking_fetch` returns only once the ticker has ticked three times.

The handler's task has set a `contextvars.ContextVar` (a request id) that
`blocking_fetch` reads on its thread: the id must reach it.
"""


async def fetch_report(blocking_fetch):
    raise NotImplementedError("exercise 4: run blocking_fetch off the loop")
