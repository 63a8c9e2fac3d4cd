async def job(name, delay, finished):
    await asyncio.sleep(delay)
    finished.append(name)
    return name


async def sequential():
    loop = asyncio.get_running_loop()
    for delay in (1, 2, 3):
        await asyncio.sleep(delay)
    print("await in a loop: t =", loop.time())


async def concurrent():
    loop = asyncio.get_running_loop()
    finished = []
    results = await asyncio.gather(
        job("a", 3, finished), job("b", 1, finished), job("c", 2, finished)
    )
    print("gather:          t =", loop.time())
    print("results:", results, "finished:", finished)


async def yields_or_blocks():
    loop = asyncio.get_running_loop()

    async def a(block):
        print(f"  A starts at t = {loop.time()}")
        if block:
            loop._now += 1  # a blocking second: the loop gets no turn
        else:
            await asyncio.sleep(1)  # the loop runs others meanwhile
        print(f"  A done at t = {loop.time()}")

    async def b():
        print(f"  B runs at t = {loop.time()}")

    for block in (False, True):
        print("blocking call:" if block else "await sleep(1):")
        await asyncio.gather(a(block), b())


for scenario in (sequential, concurrent, yields_or_blocks):
    loop = VirtualTimeLoop()
    loop.run_until_complete(scenario())
    loop.close()
