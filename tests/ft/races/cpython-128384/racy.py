# https://github.com/python/cpython/issues/128384 (fix: https://github.com/python/cpython/pull/128386)
# Race: the pure-Python warnings module updates the shared `filters` list (remove + insert) and
# bumps the module global `_filters_version` (+= 1) with no lock, so concurrent filterwarnings()
# calls can duplicate a filter or lose a version bump. Reduced from Lib/warnings.py as of 3.13.
import re
import threading

filters = []
defaultaction = "default"
onceregistry = {}

_filters_version = 1


def _filters_mutated():
    global _filters_version
    _filters_version += 1  # expect: FT002


def filterwarnings(action, message="", category=Warning, module="", lineno=0,
                   append=False):
    """Insert an entry into the list of warnings filters (at the front)."""
    if message or module:
        import re
    if message:
        message = re.compile(message, re.I)
    else:
        message = None
    if module:
        module = re.compile(module)
    else:
        module = None
    _add_filter(action, message, category, module, lineno, append=append)


def _add_filter(*item, append):
    # Remove possible duplicate filters, so new one will be placed
    # in correct place. If append=True and duplicate exists, do nothing.
    if not append:
        try:
            filters.remove(item)
        except ValueError:
            pass
        filters.insert(0, item)  # expect: FT001
    else:
        if item not in filters:
            filters.append(item)
    _filters_mutated()


def worker(rounds=300):
    for i in range(rounds):
        filterwarnings("ignore", message="pyshift-ft", category=UserWarning)


def stress(nthreads=4):
    """One attempt; returns duplicates left in `filters` plus version bumps lost."""
    global _filters_version
    del filters[:]
    _filters_version = 1
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        worker()

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duplicates = len(filters) - len(set(filters))
    lost = (1 + nthreads * 300) - _filters_version
    return duplicates + lost


def main():
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
