"""The workloads of loop_vs_tokio.rs in CPython's asyncio, timed with time.perf_counter.

- spawn:  create N trivial tasks, then await them all, in order;
- yield:  one task awaits asyncio.sleep(0) N times (a bare yield: one loop iteration each);
- timers: N timers with distinct deadlines (1..=N ms, shuffled), all pending at once, each
          resolving a future, gathered. This is what asyncio.sleep(d) does inside
          (create_future + call_later), without a coroutine per sleep. The loop's clock is
          virtual here, as in the Rust bench: time() is a counter, and when the loop would
          block in select() for `timeout` seconds, the counter jumps by `timeout` instead
          (select(0) is still called, as on a real loop).

Each workload runs once to warm up, then REPS times; prints one JSON object:
{"python": "...", "n": N, "reps": R, "results": {workload: {"median_s": .., "min_s": .., "runs_s": [..]}}}
Run: python3 chapters-code/ch04-timers/benches/asyncio_bench.py   (a measurement, not an assertion)
"""

import asyncio
import json
import platform
import statistics
import sys
import time

N = 10_000
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def delay(i):
    """The i-th timer's delay in seconds: 1..=N ms, each once, shuffled (as in workloads.rs)."""
    return ((i * 7919) % N + 1) / 1000


async def trivial(i):
    return i


async def spawn():
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(trivial(i)) for i in range(N)]
    total = 0
    for task in tasks:
        total += await task
    return total


async def yield_():
    for _ in range(N):
        await asyncio.sleep(0)


async def timers():
    loop = asyncio.get_running_loop()
    futures = []
    for i in range(N):
        fut = loop.create_future()
        loop.call_later(delay(i), fut.set_result, None)
        futures.append(fut)
    return len(await asyncio.gather(*futures))


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector loop whose clock jumps instead of waiting."""

    def __init__(self):
        super().__init__()
        self._virtual_now = 0.0
        real_select = self._selector.select

        def select(timeout=None):
            if timeout is None:
                raise RuntimeError("the workload would wait forever")
            if timeout > 0:
                self._virtual_now += timeout
            return real_select(0)

        self._selector.select = select

    def time(self):
        return self._virtual_now


def measure(make_loop, workload):
    loop = make_loop()
    try:
        loop.run_until_complete(workload())  # warm-up
        runs = []
        for _ in range(REPS):
            start = time.perf_counter()
            loop.run_until_complete(workload())
            runs.append(time.perf_counter() - start)
    finally:
        loop.close()
    return {"median_s": statistics.median(runs), "min_s": min(runs), "runs_s": runs}


def main():
    results = {
        "spawn": measure(asyncio.new_event_loop, spawn),
        "yield": measure(asyncio.new_event_loop, yield_),
        "timers": measure(VirtualTimeLoop, timers),
    }
    print(json.dumps({"python": platform.python_version(), "n": N, "reps": REPS,
                      "results": results}))


if __name__ == "__main__":
    main()
