import asyncio

log = []

async def worker(name):
    log.append(f"{name} started")
    await asyncio.sleep(0)
    log.append(f"{name} resumed")

async def broken():
    raise ValueError("boom")

async def main():
    asyncio.create_task(worker("A"))  # nobody keeps or awaits it
    bad = asyncio.create_task(broken(), name="bad")
    log.append("create_task returned")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(*log, sep="\n")
    print(bad.get_name(), bad._state, repr(bad.exception()))

asyncio.run(main())
