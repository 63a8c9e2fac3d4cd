# Chapter 4's loop in Python: chapter 3's, plus a timer heap and a clock.
import heapq
import itertools
from collections import deque


class Loop:
    def __init__(self):
        self.ready = deque()  # callbacks and task steps, first in first out
        self.timers = []  # new: a heap of [when, seq, (callback, args)]
        self.seq = itertools.count()  # new: equal deadlines keep their order
        self.now, self.iteration = 0.0, 0  # new: a virtual clock

    def time(self):
        return self.now

    def call_soon(self, callback, *args):
        self.ready.append((callback, args))  # queues; never runs anything

    def call_at(self, when, callback, *args):  # new: into the heap
        timer = [when, next(self.seq), (callback, args)]
        heapq.heappush(self.timers, timer)
        return timer

    def call_later(self, delay, callback, *args):  # new: relative to now
        return self.call_at(self.now + delay, callback, *args)

    def cancel(self, timer):  # new: the entry stays in the heap, dead
        timer[2] = None

    def run_once(self):
        self.iteration += 1
        while self.timers and self.timers[0][2] is None:  # new: drop dead heads
            heapq.heappop(self.timers)
        if not self.ready and self.timers:  # new: 1. wait: the clock jumps
            self.now = max(self.now, self.timers[0][0])
        while self.timers and self.timers[0][0] <= self.now:  # new: 2. due
            callback = heapq.heappop(self.timers)[2]
            if callback is not None:  # a cancelled timer is skipped
                self.ready.append(callback)
        for _ in range(len(self.ready)):  # 3. the snapshot; 4. run it
            callback, args = self.ready.popleft()
            callback(*args)

    async def sleep(self, delay):  # new: a future, resolved by a timer
        future = Future(self)
        self.call_later(delay, future.set_result, None)
        return await future

    def create_task(self, coro):  # chapter 3's task, unchanged
        def step(_future=None):  # one step of the task: one poll
            try:
                awaited = coro.send(None)  # run up to the next suspension
            except StopIteration:
                return
            if awaited is None:  # a bare yield, as in asyncio.sleep(0)
                self.call_soon(step)
            else:  # a future: its done-callback is the task's waker
                awaited.callbacks.append(step)
        self.call_soon(step)  # the body starts in the next iteration


class Future:  # chapter 3's, unchanged
    def __init__(self, loop):
        self.loop, self.callbacks = loop, []
        self.done, self.result = False, None

    def set_result(self, value):
        self.done, self.result = True, value
        for callback in self.callbacks:  # scheduled, never run inline
            self.loop.call_soon(callback, self)

    def __await__(self):
        if not self.done:
            yield self  # up through every coroutine, to the task's step
        return self.result
