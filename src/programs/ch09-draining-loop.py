# asyncio's loop, then the same loop with JavaScript's drain added
import asyncio

class DrainingLoop(asyncio.SelectorEventLoop):
    def _run_once(self):
        super()._run_once()  # poll, due timers to the ready queue, snapshot
        # the checkpoint: what those callbacks queued, and what that queued
        while self._ready:
            handle = self._ready.popleft()
            if not handle._cancelled:
                handle._run()

log = []

def link(loop, i):
    log.append(f"link {i}")
    if i < 1000:
        loop.call_soon(link, loop, i + 1)

def start(loop):
    loop.call_later(0, log.append, "timer")  # due from now on
    loop.call_soon(link, loop, 1)

for name, loop in [("snapshot", asyncio.SelectorEventLoop()),
                   ("drained", DrainingLoop())]:
    log.clear()
    loop.call_soon(start, loop)
    loop.run_until_complete(asyncio.sleep(0.05))
    loop.close()
    print(f"{name}: links before the timer:", log.index("timer"))
