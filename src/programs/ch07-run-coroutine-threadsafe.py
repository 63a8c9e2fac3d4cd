import asyncio, threading

async def double(x, go):
    await go.wait()
    print("coroutine: runs on", threading.current_thread().name)
    return 2 * x

def caller(loop, go):
    future = asyncio.run_coroutine_threadsafe(double(21, go), loop)
    print("caller: submitted; done:", future.done())
    loop.call_soon_threadsafe(go.set)
    print("caller: result", future.result(timeout=10))

async def main():
    loop, go = asyncio.get_running_loop(), asyncio.Event()
    thread = threading.Thread(target=caller, args=(loop, go), name="caller")
    thread.start()
    await asyncio.to_thread(thread.join, 10)
    print("main: the caller is done")

asyncio.run(main())
