# p2: a job's result comes back through call_soon_threadsafe, into loop._ready
import asyncio, threading

async def main():
    loop = asyncio.get_running_loop()
    posted, pipe_writes = [], []
    original_post = loop.call_soon_threadsafe
    original_write = loop._write_to_self

    def post(callback, *args, **kwargs):
        posted.append((callback.__name__, threading.current_thread().name))
        return original_post(callback, *args, **kwargs)

    def write_to_self():
        pipe_writes.append(threading.current_thread().name)
        original_write()

    loop.call_soon_threadsafe, loop._write_to_self = post, write_to_self
    go = threading.Event()
    future = loop.run_in_executor(None, lambda: go.wait(10) and 6 * 7)
    go.set()  # the job ends only now, after run_in_executor chained the futures
    print("result:", await future)
    print("posted:", posted)
    print("self-pipe written by:", pipe_writes)

    def worker():
        loop.call_soon_threadsafe(print, "a plain call_soon_threadsafe")
    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    print("now in loop._ready:", [h._callback.__name__ for h in loop._ready])
    await asyncio.sleep(0)

asyncio.run(main())
