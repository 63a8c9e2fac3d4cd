"""Exercise 4: asyncio's `sock_recv`, built from `add_reader` and a future.

`sock_recv(loop, sock, n)` returns up to `n` bytes from the non-blocking
socket `sock`, as `await loop.sock_recv(sock, n)` does, without calling it:

- try `sock.recv(n)` first; if the bytes are there, return them at once;
- if it raises `BlockingIOError`, create a future (`loop.create_future()`),
  and register a reader callback with `loop.add_reader(sock, ...)` that tries
  the `recv` again and sets the future's result (or exception);
- await the future, and leave no reader behind: not after a result, not after
  an error, not when the waiting task is cancelled (`asyncio.wait_for`).
"""


async def sock_recv(loop, sock, n):
    raise NotImplementedError("exercise 4: try recv, else wait with add_reader")
