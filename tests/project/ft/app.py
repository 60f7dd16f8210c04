"""The application: worker threads reach pkg's cache through two imports."""
import threading

import pkg
from pkg import stats


def worker(keys):
    for k in keys:
        pkg.lookup(k)
        stats.bump()


def main():
    threads = [threading.Thread(target=worker, args=(range(10),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
