# run_in_executor with processes: a thread hands each result to the loop
import asyncio, os, tempfile, threading, time
from concurrent.futures import ProcessPoolExecutor

def total(n, go):
    while not os.path.exists(go):  # finish only once the parent says go
        time.sleep(0.01)
    return os.getpid(), sum(range(n))

async def main():
    loop = asyncio.get_running_loop()
    callers = []
    handoff = loop.call_soon_threadsafe
    def recorded(callback, *args, **kwargs):
        callers.append(type(threading.current_thread()).__name__)
        return handoff(callback, *args, **kwargs)
    loop.call_soon_threadsafe = recorded  # _chain_future looks it up here
    go = os.path.join(tempfile.mkdtemp(), "go")
    with ProcessPoolExecutor(max_workers=2) as pool:
        future = loop.run_in_executor(pool, total, 10, go)
        open(go, "w").close()  # the hand-off is in place: let the job end
        pid, result = await future
        threads = {t.name: type(t).__name__ for t in threading.enumerate()}
    print("result:", result, "computed in another process:", pid != os.getpid())
    print("threads in this process:")
    for name in sorted(threads):
        print(f"  {name}: {threads[name]}")
    print("call_soon_threadsafe called from:", callers)

asyncio.run(main())
