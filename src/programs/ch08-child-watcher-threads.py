import asyncio
import threading


async def main():
    children = [
        await asyncio.create_subprocess_exec(
            "sh", "-c", "read line; exit 7", stdin=asyncio.subprocess.PIPE)
        for _ in range(2)
    ]
    print(sorted(t.name for t in threading.enumerate()))
    for child in children:
        child.stdin.close()  # end of input: the child exits
        print(await child.wait())

asyncio.run(main())
