# Chapter 3's loop in Python: a ready deque, the snapshot rule, tasks.
from collections import deque

class Loop:
    def __init__(self):
        self.ready = deque()  # callbacks and task steps, first in first out

    def call_soon(self, callback, *args):
        self.ready.append((callback, args))  # queues; never runs anything

    def run_once(self):
        ntodo = len(self.ready)  # the snapshot: what is ready *now*
        for _ in range(ntodo):  # what these queue waits one iteration
            callback, args = self.ready.popleft()
            callback(*args)

    def create_future(self):
        return Future(self)

    def create_task(self, coro):  # our crate's spawn
        def step(_future=None):  # one step of the task: one poll
            try:
                awaited = coro.send(None)  # run up to the next suspension
            except StopIteration:
                return  # the coroutine's value is dropped (exercise 4)
            if awaited is None:  # a bare yield, as in asyncio.sleep(0)
                self.call_soon(step)
            else:  # a future: its done-callback is the task's waker
                awaited.callbacks.append(step)
        self.call_soon(step)  # the body starts in the next iteration

class Future:
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
