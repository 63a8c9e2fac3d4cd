import multiprocessing as mp
import threading, warnings

lock = threading.Lock()

def child(q):
    q.put(lock.acquire(timeout=1))  # bounded: a plain acquire() hangs

def holder(held, release):
    with lock:
        held.set()
        release.wait()

if __name__ == "__main__":
    print("default start method:", mp.get_start_method())
    held, release = threading.Event(), threading.Event()
    t = threading.Thread(target=holder, args=(held, release))
    t.start()
    held.wait()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for method in ["fork", "spawn", "forkserver"]:
            ctx = mp.get_context(method)
            q = ctx.Queue()
            p = ctx.Process(target=child, args=(q,))
            p.start()
            print(f"{method}: the child took the lock:", q.get(timeout=10))
            p.join()
    print("a DeprecationWarning about the thread:", bool(caught))
    release.set()
    t.join()
