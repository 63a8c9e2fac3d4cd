# p7: a coroutine's exception reaches the waiting thread; a closed loop refuses
import asyncio, threading

async def lookup():
    raise FileNotFoundError("no such file")

def caller(loop):
    future = asyncio.run_coroutine_threadsafe(lookup(), loop)
    try:
        future.result(timeout=10)
    except FileNotFoundError as error:
        print("the caller's result() raised:", repr(error))
    loop.call_soon_threadsafe(loop.stop)

loop = asyncio.new_event_loop()
thread = threading.Thread(target=caller, args=(loop,))
thread.start()
loop.run_forever()
thread.join(10)
loop.close()
coro = lookup()
try:
    asyncio.run_coroutine_threadsafe(coro, loop)
except RuntimeError as error:
    print("on a closed loop:", error)
coro.close()
