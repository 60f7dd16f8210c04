"""Times each workload of workloads.py as a serial loop, a process pool, a
thread pool and (3.14+) an interpreter pool under the running interpreter;
prints one TSV line per workload. The modes are interleaved (one run of
each, REPEATS times) and the best time of each is kept, so a change in the
machine's load hits every mode alike.
    python bench.py [WORKERS] [REPEATS]"""
import concurrent.futures
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def main():
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    ver = "%d.%d.%d" % sys.version_info[:3]
    interp_pool = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
    for name, (fn, items, in_processes) in workloads.WORKLOADS.items():

        def threads():
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(fn, items))

        def interpreters():  # 3.14: one interpreter (and GIL) per worker
            with interp_pool(max_workers=workers) as pool:
                return list(pool.map(fn, items))

        modes = {
            "serial": lambda: [fn(x) for x in items],
            "processes": lambda: in_processes(items, workers),
            "threads": threads,
        }
        if interp_pool:
            modes["interpreters"] = interpreters
        best = {m: float("inf") for m in modes}
        for _ in range(repeats):
            for m, f in modes.items():
                t = time.perf_counter()
                f()
                best[m] = min(best[m], time.perf_counter() - t)
        cols = "\t".join("%s=%.3f" % (m, best[m]) for m in modes)
        print("%s\tgil=%s\t%s\tworkers=%d\t%s\tthreads/processes=%.2f"
              % (ver, "on" if gil else "off", name, workers, cols, best["threads"] / best["processes"]), flush=True)


if __name__ == "__main__":
    main()
