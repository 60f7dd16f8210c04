"""Times each workload of workloads.py as a process pool, a thread pool and a
serial loop under the running interpreter; prints one TSV line per workload.
    python bench.py [WORKERS] [REPEATS]"""
import concurrent.futures
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def best(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    ver = "%d.%d.%d" % sys.version_info[:3]
    for name, (fn, items, in_processes) in workloads.WORKLOADS.items():
        serial = best(lambda: [fn(x) for x in items], repeats)
        procs = best(lambda: in_processes(items, workers), repeats)

        def threads():
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(fn, items))

        thr = best(threads, repeats)
        extra = ""
        interp_pool = getattr(concurrent.futures, "InterpreterPoolExecutor", None)
        if interp_pool:  # 3.14: one interpreter (and GIL) per worker

            def interpreters():
                with interp_pool(max_workers=workers) as pool:
                    return list(pool.map(fn, items))

            extra = "\tinterpreters=%.3f" % best(interpreters, repeats)
        print("%s\tgil=%s\t%s\tworkers=%d\tserial=%.3f\tprocesses=%.3f\tthreads=%.3f\tthreads/processes=%.2f%s"
              % (ver, "on" if gil else "off", name, workers, serial, procs, thr, thr / procs, extra), flush=True)


if __name__ == "__main__":
    main()
