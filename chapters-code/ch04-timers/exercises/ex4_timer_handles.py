"""Exercise 4: `call_later` and `cancel` on the Python twin, CPython's way.

The chapter's twin (src/programs/twin_ch04.py) cancels a timer by blanking the
callback in its heap entry, and the dead entry waits in the heap until it
reaches the head. asyncio does more, and so must this `Loop`, built on the twin:

- `call_later(delay, callback)` schedules `callback` at `time() + delay` and
  returns a `TimerHandle`. Timers run in deadline order, equal deadlines in the
  order they were scheduled (the twin's heap already does that).
- `TimerHandle.cancel()` keeps the callback from running, even when its timer
  is already due in this iteration, and drops it at once, so whatever it
  captured is freed. An entry still in the heap stays there, dead. Cancelling
  twice, or after the timer ran, changes nothing.
- `cancelled_count` is CPython's `_timer_cancelled_count`: `cancel()` adds one
  only while the entry is still in the heap, popping a dead entry off the head
  takes one off, and a rebuild sets it to 0. A dead entry that leaves with the
  due timers stays counted, as in CPython: the count is an upper bound.
- `run_once()` first applies CPython's rule: if the heap holds more than 100
  entries and more than half of them are counted as cancelled, rebuild it
  without the dead ones; otherwise pop the dead entries off its head. Then it
  runs one iteration, as the twin does.
"""

import twin_ch04

MIN_SCHEDULED_TIMER_HANDLES = 100
MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5


class TimerHandle:
    """What `call_later` returns: asyncio's `TimerHandle`, on the twin."""

    def when(self):
        raise NotImplementedError("exercise 4: the time the timer is due at")

    def cancel(self):
        raise NotImplementedError(
            "exercise 4: drop the callback, mark the entry dead, count it"
        )

    def cancelled(self):
        raise NotImplementedError("exercise 4: True once cancel() was called")


class Loop(twin_ch04.Loop):
    def __init__(self):
        super().__init__()
        self.cancelled_count = 0  # CPython's _timer_cancelled_count

    def call_later(self, delay, callback):
        raise NotImplementedError(
            "exercise 4: schedule callback at time() + delay, "
            "return a TimerHandle"
        )

    def run_once(self):
        raise NotImplementedError(
            "exercise 4: rebuild or pop the dead entries, "
            "then super().run_once()"
        )
