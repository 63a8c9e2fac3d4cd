# Chapter 7's twin: imports chapter 5's and adds an inbox for other threads.
import socket, threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
import twin_ch05

class Loop(twin_ch05.Loop):  # the ready deque, timers, the selector
    def __init__(self):
        super().__init__()
        self.inbox, self.lock = deque(), threading.Lock()  # other threads'
        self.wakeup, self.notify = socket.socketpair()  # the self-pipe
        self.add_reader(self.wakeup, lambda: self.wakeup.recv(4096))
        self.pool = ThreadPoolExecutor(thread_name_prefix="asyncio")

    def call_soon_threadsafe(self, callback, *args):  # from any thread
        with self.lock:
            self.inbox.append((callback, args))
        self.notify.send(b"\0")  # push, then notify: no wake-up is lost

    def poll_io(self, timeout):
        super().poll_io(0 if self.inbox else timeout)  # a post: do not wait
        with self.lock:  # what other threads posted joins the ready queue
            self.ready.extend(self.inbox)
            self.inbox.clear()

    def run_in_executor(self, func):  # the job's end comes back as a post
        future = self.create_future()
        def on_done(job):  # runs on the worker thread: it may only post
            self.call_soon_threadsafe(future.set_result, job.result())
        self.pool.submit(func).add_done_callback(on_done)
        return future
