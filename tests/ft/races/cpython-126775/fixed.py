# https://github.com/python/cpython/issues/126775 (fix: https://github.com/python/cpython/pull/126776)
# Fixed: the keys are snapshot with cache.copy() and a vanished entry is skipped (EAFP) instead of indexed.
# The read of each entry tolerates a concurrent pop by another thread.
# Reduced from Lib/linecache.py after gh-126776 (3.14).
import os
import threading

# The cache. Maps filenames to either a thunk which will provide source code,
# or a tuple (size, mtime, lines, fullname) once loaded.
cache = {}


def checkcache(filename=None):
    """Discard cache entries that are out of date."""
    if filename is None:
        # get keys atomically
        filenames = cache.copy().keys()
    else:
        filenames = [filename]

    for filename in filenames:
        try:
            entry = cache[filename]  # ok: FT003
        except KeyError:
            continue
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
