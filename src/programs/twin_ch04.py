import heapq
import itertools
from collections import deque


class Loop:
    def __init__(self):
        self.ready = deque()
        self.timers = []  # new: a heap of [when, seq, callback]
        self.seq = itertools.count()  # new: equal deadlines keep their order
        self.now, self.iteration = 0.0, 0  # new: a virtual clock

    def time(self):
        return self.now

    def call_soon(self, callback):
        self.ready.append(callback)

    def call_at(self, when, callback):  # new: into the heap
        timer = [when, next(self.seq), callback]
        heapq.heappush(self.timers, timer)
        return timer

    def call_later(self, delay, callback):  # new: relative to now
        return self.call_at(self.now + delay, callback)

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
            self.ready.popleft()()
