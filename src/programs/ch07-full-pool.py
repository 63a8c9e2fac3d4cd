# p6: a full default pool: extra jobs wait in its queue, to_thread behind them
import asyncio, os, threading
from concurrent.futures import ThreadPoolExecutor

cpus = getattr(os, "process_cpu_count", os.cpu_count)()  # 3.13: usable CPUs
print("default size:", ThreadPoolExecutor()._max_workers == min(32, cpus + 4))
gate, started = threading.Event(), threading.Semaphore(0)

def blocked(i):
    started.release()
    gate.wait(10)  # blocks its worker until the gate opens
    return i

async def main():
    pool = ThreadPoolExecutor(max_workers=2)
    asyncio.get_running_loop().set_default_executor(pool)
    jobs = [asyncio.create_task(asyncio.to_thread(blocked, i))
            for i in range(4)]
    quick = asyncio.create_task(asyncio.to_thread(str.upper, "quick"))
    await asyncio.sleep(0)  # every task has submitted its job
    for _ in range(2):  # (a blocking wait, for this demonstration only)
        started.acquire(timeout=10)
    print("threads:", len(pool._threads),
          "waiting in the queue:", pool._work_queue.qsize())
    print("the quick call is done:", quick.done())
    gate.set()
    print(await asyncio.gather(*jobs), await quick)

asyncio.run(main())
