# https://github.com/dateutil/dateutil/pull/973 (issue https://github.com/dateutil/dateutil/issues/901)
# Fixed: each factory class gets its own lock `cls._cache_lock`, and the whole strong-cache update
# (pop, insert, eviction) happens under it. Reduced from dateutil/tz/_factories.py after PR 973.
import threading
import weakref
from collections import OrderedDict
from datetime import timedelta, tzinfo


class _TzFactory(type):
    def instance(cls, *args, **kwargs):
        """Alternate constructor that returns a fresh instance"""
        return type.__call__(cls, *args, **kwargs)


class _TzOffsetFactory(_TzFactory):
    def __init__(cls, *args, **kwargs):
        cls.__instances = weakref.WeakValueDictionary()
        cls.__strong_cache = OrderedDict()
        cls.__strong_cache_size = 8

        cls._cache_lock = threading.Lock()

    def __call__(cls, name, offset):
        if isinstance(offset, timedelta):
            key = (name, offset.total_seconds())
        else:
            key = (name, offset)

        instance = cls.__instances.get(key, None)
        if instance is None:
            instance = cls.__instances.setdefault(key,
                                                  cls.instance(name, offset))

        # This lock may not be necessary in Python 3. See GH issue #901
        with cls._cache_lock:
            cls.__strong_cache[key] = cls.__strong_cache.pop(key, instance)  # ok: FT005

            # Remove an item if the strong cache is overpopulated
            if len(cls.__strong_cache) > cls.__strong_cache_size:
                cls.__strong_cache.popitem(last=False)

        return instance


class tzoffset(tzinfo, metaclass=_TzOffsetFactory):
    def __init__(self, name, offset):
        self._name = name
        self._offset = timedelta(seconds=offset)

    def utcoffset(self, dt):
        return self._offset


def constructor(rounds=300):
    for i in range(rounds):
        tzoffset("EST%d" % (i % 16), -18000 + i % 16)


def stress(nthreads=4):
    """One attempt; returns the number of KeyErrors (expected on Python 2's pure-Python OrderedDict)."""
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            constructor()
        except KeyError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=constructor) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
