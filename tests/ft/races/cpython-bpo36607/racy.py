# https://bugs.python.org/issue36607 (also bpo-34970; fix: https://github.com/python/cpython/pull/13971)
# Race: asyncio.all_tasks() iterates the module-level WeakSet `_all_tasks` while a task is
# created (registered) from another thread (RuntimeError: Set changed size during iteration).
# Reduced from Lib/asyncio/tasks.py as of 3.7.3 (pre-fix).
import threading
import weakref

# WeakSet containing all alive tasks.
_all_tasks = weakref.WeakSet()


def _get_loop(fut):
    # Tries to call Future.get_loop() if it's available.
    # Otherwise fallbacks to using the old '_loop' property.
    try:
        get_loop = fut.get_loop
    except AttributeError:
        pass
    else:
        return get_loop()
    return fut._loop


class Task:
    def __init__(self, loop):
        self._loop = loop
        self._done = False
        _register_task(self)

    def get_loop(self):
        return self._loop

    def done(self):
        return self._done


def _register_task(task):
    """Register a new task in asyncio as executed by loop."""
    _all_tasks.add(task)


def all_tasks(loop):
    """Return a set of all tasks for the loop."""
    return {t for t in _all_tasks  # expect: FT004
            if _get_loop(t) is loop and not t.done()}


LOOP = object()
_keep = []


def creator(n=300):
    for _ in range(n):
        _keep.append(Task(LOOP))


def inspector(rounds=30):
    for _ in range(rounds):
        all_tasks(LOOP)


def stress():
    """One attempt; returns the number of RuntimeErrors raised by all_tasks()."""
    _keep.clear()
    creator(200)
    errors = []
    barrier = threading.Barrier(3)

    def run(fn):
        barrier.wait()
        try:
            fn()
        except RuntimeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(f,)) for f in (inspector, inspector, creator)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=creator), threading.Thread(target=inspector)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
