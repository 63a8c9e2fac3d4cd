import heapq
import itertools
import selectors
import time
from collections import deque
from types import coroutine


class Loop:
    def __init__(self, selector=None, clock=time.monotonic):
        self.ready, self.timers, self.seq = deque(), [], itertools.count()
        self.selector = selector or selectors.DefaultSelector()  # new
        self.time = clock

    def call_soon(self, callback):
        self.ready.append(callback)

    def call_later(self, delay, callback):
        entry = (self.time() + delay, next(self.seq), callback)
        heapq.heappush(self.timers, entry)

    def add_reader(self, sock, callback):  # new
        self.selector.register(sock, selectors.EVENT_READ, callback)

    def remove_reader(self, sock):  # new
        self.selector.unregister(sock)

    def run_once(self):
        timeout = 0 if self.ready else None  # new: None, only an fd wakes us
        if self.timers and not self.ready:
            timeout = max(0, self.timers[0][0] - self.time())
        for key, _ in self.selector.select(timeout):  # new: the loop waits here
            self.call_soon(key.data)  # new: the fd's callback, not its task
        while self.timers and self.timers[0][0] <= self.time():
            self.call_soon(heapq.heappop(self.timers)[2])
        for _ in range(len(self.ready)):  # the snapshot: what is ready now
            self.ready.popleft()()

    def create_task(self, coro):
        def step():
            try:  # run to the next await that waits; leave it the task's waker
                coro.send(None)(lambda: self.call_soon(step))
            except StopIteration:
                pass
        self.call_soon(step)

    @coroutine
    def sock_recv(self, sock, n):  # new: try first, wait only if it would block
        while True:
            try:
                return sock.recv(n)
            except BlockingIOError:  # the reader callback wakes the task: a hop
                yield lambda wake: self.add_reader(sock, lambda: (
                    self.remove_reader(sock), wake()))
