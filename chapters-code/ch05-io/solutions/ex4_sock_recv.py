"""Exercise 4: asyncio's `sock_recv`, built from `add_reader` and a future
(reference solution)."""


async def sock_recv(loop, sock, n):
    try:
        return sock.recv(n)  # try first
    except BlockingIOError:
        pass
    future = loop.create_future()

    def on_readable():  # the reader callback: the hop before the task runs
        if future.done():
            return
        try:
            future.set_result(sock.recv(n))
        except BlockingIOError:
            return  # woken for nothing: wait for the next report
        except OSError as error:
            future.set_exception(error)

    loop.add_reader(sock, on_readable)
    # Runs on a result, an exception and a cancellation alike.
    future.add_done_callback(lambda _: loop.remove_reader(sock))
    return await future
