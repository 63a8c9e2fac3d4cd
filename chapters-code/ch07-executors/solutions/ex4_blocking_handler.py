"""Exercise 4: a blocking call, made safe. Reference solution."""

import asyncio


async def fetch_report(blocking_fetch):
    # to_thread runs it on the default pool and copies the contextvars;
    # loop.run_in_executor(None, blocking_fetch) would not copy them.
    return "report: " + await asyncio.to_thread(blocking_fetch)
