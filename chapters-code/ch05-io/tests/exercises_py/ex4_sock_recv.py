"""Checks exercise 4 on real socket pairs, every wait bounded."""

import asyncio
import socket

LIMIT = 5  # seconds: a wait this long means the answer hangs


class NoSockRecvLoop(asyncio.SelectorEventLoop):
    """asyncio's loop, with its own sock_recv taken away."""

    async def sock_recv(self, sock, n):
        raise AssertionError("build it from add_reader: loop.sock_recv is off")


def run(scenario):
    loop = NoSockRecvLoop()
    a, b = socket.socketpair()
    a.setblocking(False)
    try:
        return loop.run_until_complete(
            asyncio.wait_for(scenario(loop, a, b), LIMIT)
        )
    except asyncio.TimeoutError:
        raise AssertionError(
            f"sock_recv had not returned after {LIMIT} s. Bytes were sent or "
            "the peer closed, so it should have: at EOF recv returns b'', "
            "which is a result too, not a reason to wait"
        ) from None
    finally:
        a.close()
        b.close()
        loop.close()


def no_reader_left(loop, sock):
    return not loop.remove_reader(sock)  # False: there was none to remove


def test_bytes_already_there_come_back_at_once(answer):
    async def scenario(loop, a, b):
        b.send(b"ping")
        coro = answer.sock_recv(loop, a, 100)
        try:
            coro.send(None)  # one step: it must not wait
        except StopIteration as done:
            data = done.value
        else:
            coro.close()
            raise AssertionError("the bytes were there: try recv first")
        assert data == b"ping", f"expected b'ping', got {data!r}"
        assert no_reader_left(loop, a), "it did not wait, yet a reader stays"

    run(scenario)


def test_it_waits_for_the_bytes_then_removes_its_reader(answer):
    async def scenario(loop, a, b):
        task = asyncio.ensure_future(answer.sock_recv(loop, a, 100))
        for _ in range(3):
            await asyncio.sleep(0)
        if task.done():
            task.result()  # an error inside sock_recv shows here
            raise AssertionError("nothing was sent: sock_recv must still wait")
        b.send(b"pong")
        data = await task
        assert data == b"pong", f"expected b'pong', got {data!r}"
        assert no_reader_left(loop, a), "the data came: remove the reader"

    run(scenario)


def test_a_closed_peer_reads_as_empty_bytes(answer):
    async def scenario(loop, a, b):
        task = asyncio.ensure_future(answer.sock_recv(loop, a, 100))
        await asyncio.sleep(0)
        b.close()  # EOF
        data = await task
        assert data == b"", f"at EOF recv returns b'', got {data!r}"
        assert no_reader_left(loop, a), "EOF came: remove the reader"

    run(scenario)


def test_an_error_reaches_the_awaiting_task_and_removes_the_reader(answer):
    async def scenario(loop, a, b):
        a.send(b"unread")  # b never reads it: closing b resets the connection
        task = asyncio.ensure_future(answer.sock_recv(loop, a, 100))
        for _ in range(3):
            await asyncio.sleep(0)
        if task.done():
            task.result()  # an error inside sock_recv shows here
            raise AssertionError("nothing was sent: sock_recv must still wait")
        b.close()  # a's next recv raises ConnectionResetError (Linux)
        try:
            data = await asyncio.wait_for(task, 1)
        except ConnectionResetError:
            pass
        except asyncio.TimeoutError:
            raise AssertionError(
                "the peer reset the connection, but the awaiting task never "
                "heard: give the recv's error to the future (set_exception)"
            ) from None
        else:
            raise AssertionError(
                "the peer reset the connection: the awaiting task must get "
                f"the recv's ConnectionResetError, not {data!r}"
            )
        assert no_reader_left(loop, a), "the error came: remove the reader"

    run(scenario)


def test_a_cancelled_wait_leaves_no_reader_behind(answer):
    async def scenario(loop, a, b):
        try:
            await asyncio.wait_for(answer.sock_recv(loop, a, 100), 0.05)
        except asyncio.TimeoutError:
            pass
        else:
            raise AssertionError("nothing was sent: the wait must time out")
        assert no_reader_left(loop, a), "cancelled: its reader must go too"

    run(scenario)
