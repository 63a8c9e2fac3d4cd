"""Exercise 4: `call_later` and `cancel` on the Python twin, CPython's way.

The reference solution. A `TimerHandle` owns the callback; the twin's heap entry
holds the handle's `_run`, so blanking the entry and dropping the callback frees
everything the callback captured. The twin pops a due entry and runs its `_run`
in the same iteration, so `_run` is where a handle learns that it left the heap.
"""

import heapq

import twin_ch04

MIN_SCHEDULED_TIMER_HANDLES = 100
MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5


class TimerHandle:
    """What `call_later` returns: asyncio's `TimerHandle`, on the twin."""

    def __init__(self, loop, when, callback):
        self.loop, self.callback = loop, callback
        self.entry = loop.call_at(when, self._run)  # [when, seq, (_run, ())]
        self.ran = self.was_cancelled = False

    def _run(self):
        # Runs in the iteration that took the entry off the heap.
        self.ran = True
        if self.was_cancelled:  # cancelled after that, by an earlier callback:
            self.loop.cancelled_count -= 1  # cancel() counted a popped entry
            return
        callback, self.callback = self.callback, None
        callback()

    def when(self):
        return self.entry[0]

    def cancel(self):
        if self.was_cancelled or self.ran:
            return
        self.was_cancelled, self.callback = True, None  # freed at once
        self.loop.cancel(self.entry)  # the twin's: the entry stays, dead
        self.loop.cancelled_count += 1

    def cancelled(self):
        return self.was_cancelled


class Loop(twin_ch04.Loop):
    def __init__(self):
        super().__init__()
        self.cancelled_count = 0  # CPython's _timer_cancelled_count

    def call_later(self, delay, callback):
        return TimerHandle(self, self.time() + delay, callback)

    def run_once(self):
        scheduled = len(self.timers)
        if (
            scheduled > MIN_SCHEDULED_TIMER_HANDLES
            and self.cancelled_count / scheduled
            > MIN_CANCELLED_TIMER_HANDLES_FRACTION
        ):
            self.timers = [entry for entry in self.timers if entry[2]]
            heapq.heapify(self.timers)
            self.cancelled_count = 0
        else:
            while self.timers and self.timers[0][2] is None:
                heapq.heappop(self.timers)
                self.cancelled_count -= 1
        super().run_once()
