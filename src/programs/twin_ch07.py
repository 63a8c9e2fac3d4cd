import selectors, socket, threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from types import coroutine

class Loop:
    def __init__(self):
        self.ready, self.selector = deque(), selectors.DefaultSelector()
        self.inbox, self.lock = deque(), threading.Lock()  # new: other threads
        self.wakeup, self.notify = socket.socketpair()  # new: the self-pipe
        self.selector.register(self.wakeup, selectors.EVENT_READ)
        self.pool = ThreadPoolExecutor(thread_name_prefix="asyncio")  # new

    def call_soon(self, callback):
        self.ready.append(callback)

    def call_soon_threadsafe(self, callback):  # new: any thread may call it
        with self.lock:
            self.inbox.append(callback)
        self.notify.send(b"\0")  # push, then notify: no wake-up is lost

    def run_once(self):
        timeout = 0 if self.ready or self.inbox else None  # None: sleep
        for key, _ in self.selector.select(timeout):
            key.fileobj.recv(4096)  # new: empty the self-pipe
        with self.lock:  # new: what other threads posted joins the queue
            self.ready.extend(self.inbox)
            self.inbox.clear()
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
    def run_in_executor(self, func):  # new: the job's end comes back as a post
        job = self.pool.submit(func)
        yield lambda wake: job.add_done_callback(  # on the worker thread
            lambda _: self.call_soon_threadsafe(wake))
        return job.result()  # done: the post ran on the loop's thread
