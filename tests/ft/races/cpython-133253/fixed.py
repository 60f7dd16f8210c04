# https://github.com/python/cpython/issues/133253 (fix: https://github.com/python/cpython/pull/133305)
# Fixed: updatecache() reads the entry once with cache.get() and pops it with a default, so a
# concurrent pop by another thread can no longer make it raise KeyError.
# Reduced from Lib/linecache.py after gh-133305 (3.14).
import os
import tempfile
import threading
import tokenize

cache = {}


def getlines(filename, module_globals=None):
    entry = cache.get(filename, None)
    if entry is not None and len(entry) != 1:
        return entry[2]
    return updatecache(filename, module_globals)


def updatecache(filename, module_globals=None):
    """Update a cache entry and return its list of lines."""
    entry = cache.get(filename, None)  # ok: FT003
    if entry is not None and len(entry) != 1:
        cache.pop(filename, None)
    if not filename or (filename.startswith('<') and filename.endswith('>')):
        return []

    fullname = filename
    try:
        stat = os.stat(fullname)
    except OSError:
        return []
    try:
        with tokenize.open(fullname) as fp:
            lines = fp.readlines()
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []
    if not lines:
        lines = ['\n']
    size, mtime = stat.st_size, stat.st_mtime
    cache[filename] = size, mtime, lines, fullname
    return lines


class _Name(str):
    """Stress driver only: a str whose hash runs Python code, so the GIL build gets a
    thread-switch point inside each dict operation, as the free-threaded build has anyway."""

    def __hash__(self):
        return str.__hash__(self)

    def __eq__(self, other):
        return str.__eq__(self, other)


def worker(filename, rounds=50):
    for _ in range(rounds):
        updatecache(filename)


def stress(nthreads=4):
    """One attempt; returns the number of KeyErrors from concurrent updatecache() calls."""
    cache.clear()
    fd, path = tempfile.mkstemp(suffix=".py")
    os.write(fd, b"import time\nimport sys\n")
    os.close(fd)
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            worker(_Name(path))
        except KeyError as e:
            errors.append(e)

    try:
        threads = [threading.Thread(target=run) for _ in range(nthreads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        os.unlink(path)
    return len(errors)


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write("import time\n")
    threads = [threading.Thread(target=worker, args=(f.name,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    os.unlink(f.name)


if __name__ == "__main__":
    main()
