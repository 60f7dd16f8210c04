# https://github.com/python/cpython/issues/126775 (fix: https://github.com/python/cpython/pull/126776)
# Race: checkcache() snapshots the keys of the shared linecache `cache`, then indexes
# `cache[filename]`; another thread's checkcache() may have popped that entry meanwhile (KeyError).
# Reduced from Lib/linecache.py as of 3.13.0 (pre-fix).
import os
import threading

# The cache. Maps filenames to either a thunk which will provide source code,
# or a tuple (size, mtime, lines, fullname) once loaded.
cache = {}


def checkcache(filename=None):
    """Discard cache entries that are out of date."""
    if filename is None:
        filenames = list(cache.keys())
    elif filename in cache:
        filenames = [filename]
    else:
        return

    for filename in filenames:
        entry = cache[filename]  # expect: FT003
        if len(entry) == 1:
            # lazy cache entry, leave it lazy.
            continue
        size, mtime, lines, fullname = entry
        if mtime is None:
            continue   # no-op for files loaded via a __loader__
        try:
            stat = os.stat(fullname)
        except (OSError, ValueError):
            cache.pop(filename, None)
            continue
        if size != stat.st_size or mtime != stat.st_mtime:
            cache.pop(filename, None)


def _fill(n=64):
    for i in range(n):
        name = "/nonexistent/pyshift-ft/mod%d.py" % i
        cache[name] = (1, 1.0, ["x\n"], name)


def worker():
    checkcache()


def stress(nthreads=4):
    """One attempt; returns the number of KeyErrors raised by concurrent checkcache()."""
    cache.clear()
    _fill()
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            worker()
        except KeyError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    _fill()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
