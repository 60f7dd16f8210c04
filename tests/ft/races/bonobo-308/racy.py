# https://github.com/python-bonobo/bonobo/issues/308 (fix: commit e984e69 "Add internal locking to bonobo.config.services.Exclusive")
# Race: Exclusive.get_lock() creates the per-service RLock lazily with an unlocked test-then-insert
# on the class-level dict _locks, so two threads can each create and hold a different lock for the
# same service and enter the "exclusive" block together. Reduced from bonobo/config/services.py.
import threading
from contextlib import ContextDecorator


class Exclusive(ContextDecorator):
    """Decorator and context manager used to require exclusive usage of an object, most probably a service."""

    _locks = {}

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def get_lock(self):
        _id = id(self._wrapped)
        if not _id in Exclusive._locks:
            Exclusive._locks[_id] = threading.RLock()  # expect: FT006
        return Exclusive._locks[_id]

    def __enter__(self):
        self.get_lock().acquire()
        return self._wrapped

    def __exit__(self, *exc):
        self.get_lock().release()


class Service:
    def __init__(self):
        self.inside = 0
        self.overlaps = 0

    def call(self):
        self.inside += 1
        if self.inside > 1:
            self.overlaps += 1
        sum(range(50))
        self.inside -= 1


def handler(some_service):
    with Exclusive(some_service):
        some_service.call()


def stress(nthreads=4, nservices=20):
    """One attempt with fresh services; returns how often two threads were inside the block together."""
    services = [Service() for _ in range(nservices)]
    barrier = threading.Barrier(nthreads)
    failures = []

    def run():
        barrier.wait()
        try:
            for service in services:
                handler(service)
        except RuntimeError as e:  # releasing a lock this thread does not own
            failures.append(e)

    # A thread whose __exit__ released the wrong lock dies holding its own, and a thread
    # queued on that lock then waits forever: a deadlock is a failure too.
    threads = [threading.Thread(target=run, daemon=True) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2.0)
    deadlocked = sum(1 for t in threads if t.is_alive())
    for service in services:
        Exclusive._locks.pop(id(service), None)
    return sum(s.overlaps for s in services) + len(failures) + deadlocked


def main():
    service = Service()
    threads = [threading.Thread(target=handler, args=(service,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
