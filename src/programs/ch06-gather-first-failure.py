async def fails():
    await asyncio.sleep(1)
    raise ValueError("boom at 1 s")


async def sibling():
    try:
        await asyncio.sleep(3)
        print("sibling finished at t =", asyncio.get_running_loop().time())
    except asyncio.CancelledError:
        print("sibling cancelled")  # never printed
        raise


async def main():
    loop = asyncio.get_running_loop()
    try:
        await asyncio.gather(fails(), sibling())
    except ValueError as error:
        print("gather raised", repr(error), "at t =", loop.time())
    await asyncio.sleep(5)  # the sibling is still running: give it time
    print("main done at t =", loop.time())


loop = VirtualTimeLoop()
loop.run_until_complete(main())
loop.close()
