"""MP001's benchmark candidates: three process-pool workloads whose callables
pyshift's MP001 reports (run `pyshift check --select MP001 --preview` on this
directory), timed as a process pool, a thread pool and serially under the
same interpreter by bench.py."""
import hashlib
import time
from concurrent.futures import ProcessPoolExecutor

BLOB = bytes(range(256)) * (4 * 4096)  # 4 MiB


def cpu(n):
    """Pure-Python CPU work: no call leaves the interpreter loop."""
    total = 0
    for i in range(n):
        total += (i * i) % 7
    return total


def digest(rounds):
    """C code that releases the GIL: hashlib hashes large buffers without it."""
    h = b""
    for _ in range(rounds):
        h = hashlib.sha256(BLOB).digest()
    return h


def wait(seconds):
    """I/O-like waiting: the GIL is released while sleeping."""
    time.sleep(seconds)
    return seconds


# The process-pool versions, as an application would write them: MP001
# reports each pool.map (its callable resolves in this file).
def cpu_processes(items, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(cpu, items))


def digest_processes(items, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(digest, items))


def wait_processes(items, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(wait, items))


WORKLOADS = {
    # name: (function, items, the process-pool version)
    "cpu": (cpu, [1_500_000] * 8, cpu_processes),
    "digest": (digest, [6] * 8, digest_processes),
    "wait": (wait, [0.05] * 16, wait_processes),
}
