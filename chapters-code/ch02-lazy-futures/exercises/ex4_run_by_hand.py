"""Exercise 4: drive a coroutine by hand, the way an asyncio Task does.

Write run_by_hand(coro). Step the coroutine with coro.send(None) until it
finishes, and return (result, steps): the value it returned, and how many
send(None) calls that took, the last one included (the one that raised
StopIteration).

Each step runs the body up to its next suspension. What comes out of send() is
what the coroutine yielded to its driver:

- None, as from `await asyncio.sleep(0)`: "let the others run, then resume me".
  A driver with no others simply sends None again.
- anything else, as from awaiting an asyncio Future (it yields itself): "resume
  me once this is done". Only an event loop can wait for that. Close the
  coroutine (coro.close(), so that its `finally` blocks run) and raise
  RuntimeError with a message that names the step and what it yielded, e.g.
  "step 2 yielded <Future pending>: only an event loop can wait for it".

An exception raised inside the coroutine passes through run_by_hand unchanged.
"""


def run_by_hand(coro):
    """Steps coro to the end with send(None); returns (result, steps)."""
    coro.close()  # the stub throws the coroutine away; your answer steps it
    raise NotImplementedError("exercise 4: step the coroutine with send(None)")
