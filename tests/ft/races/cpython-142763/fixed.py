# https://github.com/python/cpython/issues/142763 (fix: https://github.com/python/cpython/pull/144978)
# Fixed: the eviction after the length test tolerates a cache emptied by another thread
# (try/except KeyError around popitem()).
# Reduced from Lib/zoneinfo/_zoneinfo.py after gh-144978; tz file loading left out.
import collections
import threading
import weakref
from datetime import tzinfo


class ZoneInfo(tzinfo):
    _strong_cache_size = 8
    _strong_cache = collections.OrderedDict()
    _weak_cache = weakref.WeakValueDictionary()
    __module__ = "zoneinfo"

    def __init_subclass__(cls):
        cls._strong_cache = collections.OrderedDict()
        cls._weak_cache = weakref.WeakValueDictionary()

    def __new__(cls, key):
        instance = cls._weak_cache.get(key, None)
        if instance is None:
            instance = cls._weak_cache.setdefault(key, cls._new_instance(key))
            instance._from_cache = True

        # Update the "strong" cache
        cls._strong_cache[key] = cls._strong_cache.pop(key, instance)

        if len(cls._strong_cache) > cls._strong_cache_size:
            try:
                cls._strong_cache.popitem(last=False)  # ok: FT003
            except KeyError:
                # another thread may have already emptied the cache
                pass

        return instance

    @classmethod
    def _new_instance(cls, key):
        obj = super().__new__(cls)
        obj._key = key
        return obj

    @classmethod
    def clear_cache(cls, *, only_keys=None):
        if only_keys is not None:
            for key in only_keys:
                cls._weak_cache.pop(key, None)
                cls._strong_cache.pop(key, None)
        else:
            cls._weak_cache.clear()
            cls._strong_cache.clear()


KEYS = ["Zone/%02d" % i for i in range(24)]


def touch_timezones(rounds=30):
    for _ in range(rounds):
        for key in KEYS:
            ZoneInfo(key)


def clear_loop(rounds=3000):
    for _ in range(rounds):
        ZoneInfo.clear_cache()


def stress(nthreads=4):
    """One attempt; returns the number of KeyErrors from popitem() on an emptied cache."""
    ZoneInfo.clear_cache()
    errors = []
    barrier = threading.Barrier(nthreads + 1)

    def run(fn):
        barrier.wait()
        try:
            fn()
        except KeyError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(touch_timezones,)) for _ in range(nthreads)]
    threads.append(threading.Thread(target=run, args=(clear_loop,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=touch_timezones) for _ in range(4)]
    threads.append(threading.Thread(target=clear_loop))
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
