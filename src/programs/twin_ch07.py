# Chapter 7's loop in Python: chapter 5's selector, plus an inbox for threads.
import selectors, socket, threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

class Loop:
    def __init__(self):
        self.ready, self.selector = deque(), selectors.DefaultSelector()
        self.inbox, self.lock = deque(), threading.Lock()  # new: other threads
        self.wakeup, self.notify = socket.socketpair()  # new: the self-pipe
        self.selector.register(self.wakeup, selectors.EVENT_READ)
        self.pool = ThreadPoolExecutor(thread_name_prefix="asyncio")  # new

    def call_soon(self, callback, *args):
        self.ready.append((callback, args))

    def call_soon_threadsafe(self, callback, *args):  # new: from any thread
        with self.lock:
            self.inbox.append((callback, args))
        self.notify.send(b"\0")  # push, then notify: no wake-up is lost

    def run_once(self):
        timeout = 0 if self.ready or self.inbox else None  # None: sleep
        for key, _ in self.selector.select(timeout):
            key.fileobj.recv(4096)  # new: empty the self-pipe
        with self.lock:  # new: what other threads posted joins the queue
            self.ready.extend(self.inbox)
            self.inbox.clear()
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

    def run_in_executor(self, func):  # new: the job's end comes back as a post
        future = Future(self)
        def on_done(job):  # runs on the worker thread: it may only post
            self.call_soon_threadsafe(future.set_result, job.result())
        self.pool.submit(func).add_done_callback(on_done)
        return future

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
