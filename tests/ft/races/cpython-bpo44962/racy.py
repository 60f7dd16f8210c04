# https://bugs.python.org/issue44962 (fix: https://github.com/python/cpython/pull/27921)
# Race: WeakValueDictionary._commit_removals() tests `while l:` and then calls l.pop(); two threads
# committing the last pending removal both pass the test and one pops an empty list (IndexError).
# Reduced from Lib/weakref.py as of 3.8 (pre-fix).
import threading
from _weakref import _remove_dead_weakref


class WeakValueDictionary:
    def __init__(self):
        self._pending_removals = []
        self._iterating = set()
        self.data = {}

    def _commit_removals(self):
        l = self._pending_removals
        d = self.data
        # We shouldn't encounter any KeyError, because this method should
        # always be called *before* mutating the dict.
        while l:
            key = l.pop()  # expect: FT003
            _remove_dead_weakref(d, key)

    def __len__(self):
        if self._pending_removals:
            self._commit_removals()
        return len(self.data)


shared = WeakValueDictionary()


def worker(rounds=2000):
    for i in range(rounds):
        shared._pending_removals.append(i)
        len(shared)


def stress(nthreads=4):
    """One attempt; returns the number of IndexErrors from concurrent commits."""
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            worker()
        except IndexError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
