# Chapter 5's twin: imports chapter 4's and adds a selector, the loop's wait.
import selectors
import twin_ch04

class Loop(twin_ch04.Loop):  # the ready deque, the timer heap, the clock
    def __init__(self, selector=None):
        super().__init__()
        self.selector = selector or selectors.DefaultSelector()

    def add_reader(self, sock, callback):  # the callback, not a task
        self.selector.register(sock, selectors.EVENT_READ, callback)

    def remove_reader(self, sock):
        self.selector.unregister(sock)

    def run_once(self):
        timeout = None  # None: with no timer, only an fd wakes the loop
        if self.ready:
            timeout = 0  # something to run: look, do not wait
        elif self.timers:  # until the earliest timer
            timeout = max(0, self.timers[0][0] - self.now)
        self.poll_io(timeout)
        super().run_once()  # chapter 4's: the clock, due timers, snapshot

    def poll_io(self, timeout):  # chapter 7's twin adds to it
        for key, _ in self.selector.select(timeout):  # the loop waits here
            self.call_soon(key.data)  # the fd's callback, this iteration

    async def sock_recv(self, sock, n):  # asyncio's: try first, then wait
        try:
            return sock.recv(n)
        except BlockingIOError:
            future = self.create_future()
        def on_readable():  # the reader callback does the recv, as asyncio's
            self.remove_reader(sock)
            future.set_result(sock.recv(n))  # the task runs next iteration
        self.add_reader(sock, on_readable)
        return await future
