"""Checks exercise 4 on the twin loop, against asyncio where it can."""

import asyncio

from twin_ch03 import Loop


def play(loop, ready, run_once, spawn, make_scenario):
    """Runs a scenario one iteration at a time (at most 20); returns its log."""
    log = make_scenario(loop, spawn)
    for n in range(1, 21):
        if not ready:
            return log
        log.append(f"iteration {n}: {len(ready)} ready")
        run_once()
    raise AssertionError(f"still running after 20 iterations: {log}")


def on_both(answer, make_scenario):
    """The scenario's log on the twin with your spawn, and on asyncio."""
    twin = Loop()
    ours = play(twin, twin.ready, twin.run_once, answer.spawn, make_scenario)
    aio = asyncio.new_event_loop()
    try:
        theirs = play(aio, aio._ready, aio._run_once,
                      lambda loop, coro: loop.create_task(coro), make_scenario)
    finally:
        aio.close()
    return ours, theirs


def parent_awaits_child(loop, spawn):
    log = []

    async def child():
        log.append("child runs")
        await asyncio.sleep(0)
        log.append("child returns 42")
        return 42

    async def parent():
        log.append("parent spawns the child")
        log.append(f"parent got {await spawn(loop, child())}")

    spawn(loop, parent())
    return log


def awaits_a_finished_task(loop, spawn):
    log = []

    async def quick():
        log.append("quick returns 7")
        return 7

    async def parent():
        task = spawn(loop, quick())
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # quick is done by now
        log.append(f"parent got {await task}")

    spawn(loop, parent())
    return log


def test_spawn_queues_the_first_step_and_runs_nothing(answer):
    loop, log = Loop(), []

    async def body():
        log.append("body ran")

    answer.spawn(loop, body())
    assert log == [], "spawn ran the body; it should only queue its first step"
    assert len(loop.ready) == 1, (
        f"spawn should queue exactly one step, found {len(loop.ready)}")
    loop.run_once()
    assert log == ["body ran"], "the first iteration should run the body"


def test_awaiting_a_task_gives_its_return_value(answer):
    ours, _ = on_both(answer, parent_awaits_child)
    assert "parent got 42" in ours, (
        f"the parent never got the child's 42; your loop logged {ours}")


def test_the_awaiter_resumes_the_iteration_after_the_task_returns(answer):
    ours, theirs = on_both(answer, parent_awaits_child)
    assert ours == theirs, (
        "the awaiter should resume in the iteration after the task returns;"
        "\nasyncio logs\n  " + "\n  ".join(theirs)
        + "\nyour spawn logs\n  " + "\n  ".join(ours))


def test_awaiting_a_finished_task_does_not_suspend(answer):
    ours, theirs = on_both(answer, awaits_a_finished_task)
    assert ours == theirs, (
        "asyncio logs\n  " + "\n  ".join(theirs)
        + "\nyour spawn logs\n  " + "\n  ".join(ours))
