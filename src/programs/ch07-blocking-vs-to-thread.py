# p1: time.sleep in a coroutine holds every task up; to_thread does not
import asyncio, threading, time

async def ticker(stamps, ticked):
    for _ in range(6):
        stamps.append(time.monotonic())
        if len(stamps) == 3:
            ticked.set()
        await asyncio.sleep(0.01)

async def main():
    stamps, ticked = [], threading.Event()

    async def blocks():
        await asyncio.sleep(0.025)
        time.sleep(0.1)  # blocks the loop's thread

    await asyncio.gather(ticker(stamps, ticked), blocks())
    gap = max(b - a for a, b in zip(stamps, stamps[1:]))
    print("time.sleep(0.1) on the loop; a 10 ms ticker waited >= 0.1 s:",
          gap >= 0.1)

    stamps, ticked = [], threading.Event()
    results = await asyncio.gather(ticker(stamps, ticked),
                                   asyncio.to_thread(ticked.wait, 10))
    print("to_thread: the loop ticked 3 times while the thread waited:",
          results[1])

asyncio.run(main())
