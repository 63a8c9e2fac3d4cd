"""Checks exercise 4: `gather_limited(coros, limit)`. Every loop runs on a
virtual clock (chapter 4's idea: the selector moves time instead of waiting),
so the times are exact and no test waits."""

import asyncio


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """Chapter 4's loop: select() moves time() instead of blocking."""

    def __init__(self):
        super().__init__()
        self._now = 0.0
        select = self._selector.select

        def jump(timeout=None):
            if timeout:  # the loop would block this long: move time instead
                self._now += timeout
            return select(0)

        self._selector.select = jump

    def time(self):
        return self._now


def run_virtual(coro, limit=60.0):
    """Runs `coro` on a fresh virtual-time loop; fails if it is not done by
    `limit` virtual seconds (an answer that never finishes)."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(asyncio.wait_for(coro, limit))
    except asyncio.TimeoutError:
        raise AssertionError(
            f"gather_limited had not finished after {limit} s of virtual time"
        ) from None
    finally:
        loop.close()


def ten_jobs(answer, limit):
    """Ten jobs (job i returns i; even ones take 1 s, odd ones 0.5 s) under
    gather_limited(limit). Returns the results, the peak and the end time."""
    inside = peak = 0

    async def job(i):
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        try:
            await asyncio.sleep(1 if i % 2 == 0 else 0.5)
        finally:
            inside -= 1
        return i

    async def main():
        loop = asyncio.get_running_loop()
        jobs = [job(i) for i in range(10)]
        results = await answer.gather_limited(jobs, limit)
        return results, loop.time()

    results, end = run_virtual(main())
    return results, peak, end


def test_never_more_than_limit_at_once(answer):
    for limit in (1, 3, 10):
        _, peak, _ = ten_jobs(answer, limit)
        assert peak <= limit, f"with limit={limit}, {peak} jobs ran at once"
        assert peak == limit, (
            f"with limit={limit}, up to {limit} jobs should run at once, "
            f"but at most {peak} did: are they awaited one by one?"
        )


def test_results_in_argument_order(answer):
    results, _, _ = ten_jobs(answer, 3)
    assert results == list(range(10)), (
        "results must come in argument order, as gather's do, "
        f"not in the order the jobs finish: got {results}"
    )


def test_the_finish_time_is_that_of_a_bounded_gather(answer):
    _, _, end = ten_jobs(answer, 10)
    assert end == 1.0, f"with room for all ten, all run at once: 1 s, not {end}"
    _, _, end = ten_jobs(answer, 1)
    assert end == 7.5, f"one at a time: 5 x 1 s + 5 x 0.5 s = 7.5 s, not {end}"
    _, _, end = ten_jobs(answer, 3)
    assert end == 3.0, (
        "three at a time, the next job starting as soon as one ends: 3 s "
        f"(in batches of three it would be 3.5 s), not {end}"
    )


def test_a_failure_comes_out(answer):
    async def fails():
        await asyncio.sleep(1)
        raise ValueError("boom")

    async def fine():
        await asyncio.sleep(2)
        return "fine"

    try:
        run_virtual(answer.gather_limited([fine(), fails()], 2))
    except ValueError as error:
        assert str(error) == "boom", (
            f"the job's own ValueError should come out, not {error!r}"
        )
    else:
        raise AssertionError(
            "a job raised ValueError('boom'): gather_limited must raise it"
        )
