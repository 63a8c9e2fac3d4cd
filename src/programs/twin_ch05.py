# Chapter 5's loop in Python: chapter 4's deque and heap, plus a selector.
import heapq, itertools, selectors, time
from collections import deque

class Loop:
    def __init__(self, selector=None, clock=time.monotonic):
        self.ready, self.timers, self.seq = deque(), [], itertools.count()
        self.selector = selector or selectors.DefaultSelector()  # new
        self.time = clock

    def call_soon(self, callback, *args):
        self.ready.append((callback, args))

    def call_later(self, delay, callback, *args):
        entry = (self.time() + delay, next(self.seq), callback, args)
        heapq.heappush(self.timers, entry)

    def add_reader(self, sock, callback):  # new: the callback, not a task
        self.selector.register(sock, selectors.EVENT_READ, callback)

    def remove_reader(self, sock):  # new
        self.selector.unregister(sock)

    def run_once(self):
        timeout = 0 if self.ready else None  # new: None, only an fd wakes us
        if self.timers and not self.ready:
            timeout = max(0, self.timers[0][0] - self.time())
        for key, _ in self.selector.select(timeout):  # new: the loop waits here
            self.call_soon(key.data)  # new: the fd's callback, this iteration
        while self.timers and self.timers[0][0] <= self.time():
            _, _, callback, args = heapq.heappop(self.timers)
            self.call_soon(callback, *args)
        for _ in range(len(self.ready)):  # the snapshot: what is ready now
            callback, args = self.ready.popleft()
            callback(*args)

    def create_task(self, coro):  # chapter 3's task: it awaits futures
        def step(_future=None):
            try:
                awaited = coro.send(None)
            except StopIteration:
                return
            if awaited is None:  # a bare yield, as in asyncio.sleep(0)
                self.call_soon(step)
            else:  # a future: its done-callback is the task's waker
                awaited.callbacks.append(step)
        self.call_soon(step)

    async def sock_recv(self, sock, n):  # new: try first, then wait
        try:
            return sock.recv(n)
        except BlockingIOError:
            future = Future(self)
        def on_readable():  # the reader callback does the recv, as asyncio's
            self.remove_reader(sock)
            future.set_result(sock.recv(n))  # the task runs next iteration
        self.add_reader(sock, on_readable)
        return await future

class Future:  # chapter 3's
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
