# https://github.com/sunpy/sunpy/pull/8500 (issue https://github.com/sunpy/sunpy/issues/8498)
# Fixed: the tracking stack lives in a threading.local subclass, so each thread pushes and pops
# its own stack. Reduced from sunpy/util/decorators.py after commit 7b7614be7 of the PR.
import threading
from contextlib import contextmanager
from functools import wraps

# Thread-safe stack (i.e., LIFO) of active contexts as a list of fully qualified name strings
class _ActiveContexts(threading.local):
    def __init__(self):
        self.stack = []
_active_contexts = _ActiveContexts()


def sunpycontextmanager(func):
    """A decorator that tracks the entry and exit of a context manager."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        func_name = f"{func.__module__}.{func.__qualname__}"
        _active_contexts.stack.append(func_name)
        gen = func(*args, **kwargs)
        value = next(gen)
        try:
            yield value
        except Exception as e:
            gen.throw(e)
        else:
            next(gen, None)
            if (removed := _active_contexts.stack.pop()) != func_name:  # ok: FT001
                raise RuntimeError(f"Cannot remove {func_name} from tracking stack because {removed} is last active.")
    return contextmanager(wrapper)


@sunpycontextmanager
def ctx1():
    yield


@sunpycontextmanager
def ctx2():
    yield


def _work():
    return sum(i * i for i in range(20))


def worker(ctx, rounds=200):
    for _ in range(rounds):
        with ctx():
            _work()


def stress():
    """One attempt; returns the number of threads whose context exit raised."""
    errors = []
    barrier = threading.Barrier(4)

    def run(ctx):
        barrier.wait()
        try:
            worker(ctx)
        except RuntimeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(c,)) for c in (ctx1, ctx2, ctx1, ctx2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=worker, args=(c,)) for c in (ctx1, ctx2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
