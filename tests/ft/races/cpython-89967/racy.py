# https://github.com/python/cpython/issues/89967 (fix: https://github.com/python/cpython/pull/125325)
# Race: WeakKeyDictionary.keys() iterates the underlying dict `self.data` while another thread
# inserts into the same mapping (RuntimeError: dictionary changed size during iteration).
# Reduced from Lib/weakref.py as of 3.13.0 (pre-fix).
import threading
from weakref import ref


class _IterationGuard:
    # This context manager registers itself in the current iterators of the
    # weak container, such as to delay all removals until the context manager
    # exits.
    def __init__(self, weakcontainer):
        self.weakcontainer = ref(weakcontainer)

    def __enter__(self):
        w = self.weakcontainer()
        if w is not None:
            w._iterating.add(self)
        return self

    def __exit__(self, e, t, b):
        w = self.weakcontainer()
        if w is not None:
            s = w._iterating
            s.remove(self)
            if not s:
                w._commit_removals()


class WeakKeyDictionary:
    def __init__(self):
        self.data = {}
        self._pending_removals = []
        self._iterating = set()

    def _commit_removals(self):
        pass

    def __setitem__(self, key, value):
        self.data[ref(key)] = value

    def keys(self):
        with _IterationGuard(self):
            for wr in self.data:  # expect: FT004
                obj = wr()
                if obj is not None:
                    yield obj


class Key:
    pass


registry = WeakKeyDictionary()
_alive = [Key() for _ in range(200)]
for _k in _alive[:100]:
    registry[_k] = 0


def reader(rounds=20):
    for _ in range(rounds):
        for k in registry.keys():
            pass


def writer():
    for k in _alive[100:]:
        registry[k] = 1


def stress():
    """One attempt; returns the number of RuntimeErrors seen by readers."""
    registry.data.clear()
    for k in _alive[:100]:
        registry[k] = 0
    errors = []
    barrier = threading.Barrier(3)

    def run(fn):
        barrier.wait()
        try:
            fn()
        except RuntimeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(f,)) for f in (reader, reader, writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
