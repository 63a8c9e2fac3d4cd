import asyncio


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """time() is a number we move; select() jumps it instead of sleeping."""

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


CHECKS = [("2026-09", 1), ("2026-10", 2), ("2026-11", 3)]


async def check_status(period, seconds):  # chapter 2's, with a timer inside
    await asyncio.sleep(seconds)
    return f"{period}: ready at {asyncio.get_running_loop().time()}"


async def one_after_another():
    for period, seconds in CHECKS:
        await check_status(period, seconds)
    print("one after another: t =", asyncio.get_running_loop().time())


async def together():
    await asyncio.gather(*(check_status(p, s) for p, s in CHECKS))
    print("together:          t =", asyncio.get_running_loop().time())


async def timeout():
    loop = asyncio.get_running_loop()

    async def slow():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print("inner: CancelledError at t =", loop.time())
            raise

    try:
        await asyncio.wait_for(slow(), timeout=2)
    except asyncio.TimeoutError as error:  # builtin TimeoutError since 3.11
        print("caller:", type(error).__name__, "at t =", loop.time())


async def fast_enough():
    loop = asyncio.get_running_loop()

    async def quick():
        await asyncio.sleep(1)
        return 7

    value = await asyncio.wait_for(quick(), timeout=5)
    live = [h for h in loop._scheduled if not h.cancelled()]  # CPython-private
    print("value:", value, "at t =", loop.time(), "live timers:", len(live))


for scenario in (one_after_another, together, timeout, fast_enough):
    loop = VirtualTimeLoop()
    loop.run_until_complete(scenario())
    loop.close()
