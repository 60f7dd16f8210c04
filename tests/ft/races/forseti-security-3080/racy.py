# https://github.com/forseti-security/forseti-security/pull/3080
# Race: the inventory Storage object is shared by the crawler's worker threads and each write does
# `self.inventory_index.counter += 1 + len(policy_rows)` without a lock ("+= is not threadsafe"),
# so concurrent writes lose counts. Reduced from google/cloud/forseti/services/inventory/storage.py.
import threading
from concurrent.futures import ThreadPoolExecutor


class InventoryIndex:
    def __init__(self):
        self.counter = 0


class Storage:
    """Inventory storage used by the crawler's worker threads."""

    def __init__(self):
        self.inventory_index = InventoryIndex()
        self._storage_lock = threading.Lock()
        self.rows = []

    def _rows_for(self, resource):
        return [{"resource": resource, "role": r} for r in ("owner", "viewer")]

    def write(self, resource):
        policy_rows = self._rows_for(resource)
        self.rows.extend(policy_rows)
        self.inventory_index.counter += 1 + len(policy_rows)  # expect: FT007


def crawl(storage, resources):
    with ThreadPoolExecutor(max_workers=4) as executor:
        for resource in resources:
            executor.submit(storage.write, resource)


def stress(nthreads=4, per_thread=500):
    """One attempt; returns the number of lost counter updates."""
    storage = Storage()
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        for i in range(per_thread):
            storage.write(i)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return nthreads * per_thread * 3 - storage.inventory_index.counter


def main():
    crawl(Storage(), range(1000))


if __name__ == "__main__":
    main()
