# https://bugs.python.org/issue44962 (fix: https://github.com/python/cpython/pull/27921)
# Fixed: _commit_removals() pops first and treats IndexError as "nothing left" (EAFP), so two
# threads committing the last removal no longer race between the test and the pop.
# Reduced from Lib/weakref.py as of 3.9 (post-fix).
import threading
from _weakref import _remove_dead_weakref


class WeakValueDictionary:
    def __init__(self):
        self._pending_removals = []
        self._iterating = set()
        self.data = {}

    def _commit_removals(self, _atomic_removal=_remove_dead_weakref):
        pop = self._pending_removals.pop
        d = self.data
        # We shouldn't encounter any KeyError, because this method should
        # always be called *before* mutating the dict.
        while True:
            try:
                key = pop()  # ok: FT003
            except IndexError:
                return
            _atomic_removal(d, key)

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
