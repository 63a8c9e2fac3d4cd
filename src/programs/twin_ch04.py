# Chapter 4's twin: imports chapter 3's and adds a timer heap and a clock.
import heapq, itertools
import twin_ch03

class Loop(twin_ch03.Loop):  # the ready deque, the tasks, the futures
    def __init__(self):
        super().__init__()
        self.timers = []  # a heap of [when, seq, (callback, args)]
        self.seq = itertools.count()  # equal deadlines keep their order
        self.now, self.iteration = 0.0, 0  # a virtual clock

    def time(self):
        return self.now

    def call_at(self, when, callback, *args):
        timer = [when, next(self.seq), (callback, args)]
        heapq.heappush(self.timers, timer)
        return timer

    def call_later(self, delay, callback, *args):
        return self.call_at(self.now + delay, callback, *args)

    def cancel(self, timer):  # the entry stays in the heap, dead
        timer[2] = None

    async def sleep(self, delay):  # a future, resolved by a timer
        future = self.create_future()
        self.call_later(delay, future.set_result, None)
        return await future

    def run_once(self):
        self.iteration += 1
        while self.timers and self.timers[0][2] is None:  # drop dead heads
            heapq.heappop(self.timers)
        if not self.ready and self.timers:  # 1. wait: the clock jumps
            self.now = max(self.now, self.timers[0][0])
        while self.timers and self.timers[0][0] <= self.now:  # 2. due
            callback = heapq.heappop(self.timers)[2]
            if callback is not None:  # a cancelled timer is skipped
                self.ready.append(callback)
        super().run_once()  # 3. chapter 3's snapshot; 4. run it
