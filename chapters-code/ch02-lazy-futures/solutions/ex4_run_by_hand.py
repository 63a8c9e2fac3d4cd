"""Exercise 4, reference solution: a driver that does what Task.__step does
with a bare yield, and refuses what only a loop can wait for."""


def run_by_hand(coro):
    """Steps coro to the end with send(None); returns (result, steps)."""
    steps = 0
    while True:
        steps += 1
        try:
            yielded = coro.send(None)
        except StopIteration as finished:
            return finished.value, steps
        if yielded is not None:
            coro.close()  # runs its finally blocks, as a cancelled task would
            raise RuntimeError(
                f"step {steps} yielded {yielded!r}: "
                "only an event loop can wait for it"
            )
