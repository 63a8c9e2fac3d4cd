"""What a process costs in CPython: the twin of processes.rs, timed with perf_counter.

- cpu:        N = 4 identical CPU jobs (chapter 6's hash chain, in pure Python) on one
              thread, on a ThreadPoolExecutor(4), and on a ProcessPoolExecutor with 2
              and 4 workers (warm, default start method);
- round trip: one job on a warm 1-worker pool, submit(...).result(): a thread's
              trivial job, a process's pid, a 16-byte echo, a 1 MiB echo; the pid
              again through asyncio's loop.run_in_executor; and pickling 1 MiB both
              ways with no pipe at all;
- start-up:   a fresh ProcessPoolExecutor(1) and its first result, with the fork,
              spawn and forkserver start methods; then the same with shutdown().

Each measurement runs once to warm up, then REPS times, interleaved with the others
of its group; the table shows the median (and the fastest run), and for the cpu
group the median of each round's ratio to one job. Run:

    python3 chapters-code/ch08-processes/benches/processes_bench.py

Add --json for one JSON object instead of the table. A measurement, not an assertion.

Keep the imports at the top few: a spawned worker imports this file again.
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, wait

N = 4
# Hash-chain steps per job: 40 to 60 ms of pure Python on the book's 2-core machine,
# as one job of the Rust benchmark (10 000 000 steps) takes about 45 ms in Rust.
ROUNDS = 80_000
MIB = 1 << 20
REPS = 7
MASK = (1 << 64) - 1


def cpu_job(seed, rounds):
    """ch06_patterns::cpu::cpu_job: SplitMix64's mixer, wrapping at 64 bits."""
    x = seed
    for _ in range(rounds):
        x = (x + 0x9E3779B97F4A7C15) & MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
        x ^= x >> 31
    return x


def pid():
    return os.getpid()


def echo(data):
    return data


def trivial():
    return 1


def interleaved(variants, inner=1, reps=REPS, baseline=None):
    """Seconds per call of each variant. Each runs once to warm up; then come REPS
    rounds, and in each round every variant runs `inner` times, in turn. A shared
    machine that speeds up or slows down meanwhile touches all of them alike.
    With a `baseline` variant, each also gets the median of its per-round ratio
    to the baseline."""
    for run in variants.values():
        run()
    runs = {name: [] for name in variants}
    for _ in range(reps):
        for name, run in variants.items():
            start = time.perf_counter()
            for _ in range(inner):
                run()
            runs[name].append((time.perf_counter() - start) / inner)
    results = {name: summary(times) for name, times in runs.items()}
    if baseline is not None:
        for name, times in runs.items():
            ratios = sorted(t / b for t, b in zip(times, runs[baseline]))
            results[name]["median_ratio"] = ratios[len(ratios) // 2]
    return results


def summary(times):
    times = sorted(times)
    return {"median_s": times[len(times) // 2], "min_s": times[0]}


def on_pool(pool):
    futures = [pool.submit(cpu_job, seed, ROUNDS) for seed in range(N)]
    wait(futures)
    return [f.result() for f in futures]


def cpu():
    # The process pools fork their workers (3.11's default on Linux) before the
    # thread pool starts a thread: forking a process that runs threads is the
    # danger the start methods are about. (`four` forks after `two` has started
    # its helper threads; they are idle by then.)
    with ProcessPoolExecutor(2) as two, ProcessPoolExecutor(4) as four:
        on_pool(two), on_pool(four)  # every worker has started and served
        with ThreadPoolExecutor(N) as threads:
            return interleaved({
                "one_job": lambda: cpu_job(1, ROUNDS),
                "a_one_thread": lambda: [cpu_job(s, ROUNDS) for s in range(N)],
                "b_threads_4": lambda: on_pool(threads),
                "d_processes_2": lambda: on_pool(two),
                "d_processes_4": lambda: on_pool(four),
            }, baseline="one_job")


def round_trip():
    import asyncio
    import pickle

    small, big = b"\x07" * 16, b"\x07" * MIB

    def pickle_both_ways():
        # What crosses the pipes: the call (function by name, arguments), then
        # the result.
        call = pickle.loads(pickle.dumps((1, echo, (big,), {})))
        result = call[1](*call[2])
        return pickle.loads(pickle.dumps((1, None, result)))

    loop = asyncio.new_event_loop()
    with ProcessPoolExecutor(1) as pool, ThreadPoolExecutor(1) as thread:
        pool.submit(pid).result()  # the worker is forked before the thread starts
        small_jobs = interleaved({
            "thread_trivial": lambda: thread.submit(trivial).result(),
            "process_pid": lambda: pool.submit(pid).result(),
            "process_pid_asyncio": lambda: loop.run_until_complete(
                loop.run_in_executor(pool, pid)),
            "process_echo_16_bytes": lambda: pool.submit(echo, small).result(),
        }, inner=200)
        big_jobs = interleaved({
            "process_echo_1_mib": lambda: pool.submit(echo, big).result(),
            "pickle_1_mib_both_ways_no_pipe": pickle_both_ways,
        }, inner=20)
    loop.close()
    return {**small_jobs, **big_jobs}


def startup():
    import multiprocessing

    def start_and_ask(method, runs):
        context = multiprocessing.get_context(method)
        start = time.perf_counter()
        pool = ProcessPoolExecutor(1, mp_context=context)
        pool.submit(pid).result()
        answered = time.perf_counter()
        pool.shutdown()
        runs[f"{method}_first_result"].append(answered - start)
        runs[f"{method}_and_shutdown"].append(time.perf_counter() - start)

    methods = ("fork", "spawn", "forkserver")
    runs = {f"{m}_{what}": [] for m in methods
            for what in ("first_result", "and_shutdown")}
    for method in methods:  # warm-up: forkserver starts its server here
        start_and_ask(method, {name: [] for name in runs})
    for _ in range(REPS):
        for method in methods:
            start_and_ask(method, runs)
    return {name: summary(times) for name, times in runs.items()}


def show(value):
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def main():
    # The Rust job and this one compute the same chain: cpu_job(1, 10) in Rust.
    assert cpu_job(1, 10) == 910862431169399073
    groups = {"cpu": cpu(), "round_trip": round_trip(), "startup": startup()}
    if "--json" in sys.argv:
        import json
        import platform

        header = {"python": platform.python_version(), "cores": os.cpu_count(),
                  "n": N, "rounds": ROUNDS, "reps": REPS}
        print(json.dumps({**header, "results": groups}, indent=1))
        return
    print(f"CPython {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"N = {N} jobs of {ROUNDS} rounds, median of {REPS} runs (fastest)")
    for group, results in groups.items():
        for name, times in results.items():
            ratio = times.get("median_ratio")
            ratio = f"  {ratio:.2f}x one job" if ratio is not None else ""
            print(f"{group:>10}  {name:<34} {show(times['median_s']):>9}"
                  f"  ({show(times['min_s'])}){ratio}")


if __name__ == "__main__":
    main()
