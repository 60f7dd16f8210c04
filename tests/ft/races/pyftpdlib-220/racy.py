# https://github.com/giampaolo/pyftpdlib/issues/220
# Race: _IOLoop.instance() tests the class attribute `cls._instance` outside the lock and does not
# re-test it after acquiring the lock, so two threads both build an IOLoop and callers end up with
# different "global" instances. Reduced from pyftpdlib/ioloop.py as quoted in the issue.
import threading


class _IOLoop(object):
    """Base class which will later be referred as IOLoop."""

    _instance = None
    _lock = threading.Lock()
    _started_once = False

    def __init__(self):
        self.socket_map = {}
        self.sched = []
        for _ in range(20):
            self.sched.append(None)

    @classmethod
    def instance(cls):
        """Return a global IOLoop instance."""
        if cls._instance is None:
            cls._lock.acquire()
            try:
                cls._instance = cls()  # expect: FT003
            finally:
                cls._lock.release()
        return cls._instance


def worker(results):
    results.append(_IOLoop.instance())


def stress(nthreads=6):
    """One attempt; returns the number of extra IOLoop instances handed out."""
    _IOLoop._instance = None
    results = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        worker(results)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len({id(r) for r in results}) - 1


def main():
    results = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
