~class VirtualTimeLoop(asyncio.SelectorEventLoop):
~    """Chapter 4's loop: select() moves time() instead of blocking."""
~
~    def __init__(self):
~        super().__init__()
~        self._now = 0.0
~        select = self._selector.select
~
~        def jump(timeout=None):
~            if timeout:  # the loop would block this long: move time instead
~                self._now += timeout
~            return select(0)
~
~        self._selector.select = jump
~
~    def time(self):
~        return self._now
~
~
~def run_virtual(coro):
~    """Run coro on a new VirtualTimeLoop, then close the loop."""
~    loop = VirtualTimeLoop()
~    try:
~        return loop.run_until_complete(coro)
~    finally:
~        loop.close()
~
~
~def now():
~    """The running loop's clock: virtual seconds since the loop started."""
~    return asyncio.get_running_loop().time()
~
