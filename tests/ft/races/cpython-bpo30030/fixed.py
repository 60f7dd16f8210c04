# https://bugs.python.org/issue30030 (https://github.com/python/cpython/issues/74216; PR https://github.com/python/cpython/pull/1191)
# Fixed (the change was reverted): _RandomNameSequence is again an iterator class whose __next__
# keeps no generator frame, so threads sharing `_name_sequence` can call next() concurrently.
# Reduced from Lib/tempfile.py as of 3.6/3.7.
import os as _os
import shutil
import tempfile as _stdlib_tempfile
import threading
from random import Random as _Random

TMP_MAX = 10000
_bin_openflags = _os.O_RDWR | _os.O_CREAT | _os.O_EXCL
_once_lock = threading.Lock()
_name_sequence = None


class _RandomNameSequence:
    """An instance of _RandomNameSequence generates an endless
    sequence of unpredictable strings which can safely be incorporated
    into file names.  Each string is eight characters long.  Multiple
    threads can safely use the same instance at the same time.

    _RandomNameSequence is an iterator."""

    characters = "abcdefghijklmnopqrstuvwxyz0123456789_"

    @property
    def rng(self):
        cur_pid = _os.getpid()
        if cur_pid != getattr(self, '_rng_pid', None):
            self._rng = _Random()
            self._rng_pid = cur_pid
        return self._rng

    def __iter__(self):
        return self

    def __next__(self):
        c = self.characters
        choose = self.rng.choice
        letters = [choose(c) for dummy in range(8)]
        return ''.join(letters)


def _get_candidate_names():
    """Common setup sequence for all user-callable interfaces."""
    global _name_sequence
    if _name_sequence is None:
        _once_lock.acquire()
        try:
            if _name_sequence is None:
                _name_sequence = _RandomNameSequence()
        finally:
            _once_lock.release()
    return _name_sequence


def _mkstemp_inner(dir, pre, suf, flags):
    """Code common to mkstemp, TemporaryFile, and NamedTemporaryFile."""
    names = _get_candidate_names()
    for seq in range(TMP_MAX):
        name = next(names)  # ok: FT008
        file = _os.path.join(dir, pre + name + suf)
        try:
            fd = _os.open(file, flags, 0o600)
        except FileExistsError:
            continue    # try again
        return (fd, _os.path.abspath(file))
    raise FileExistsError("No usable temporary file name found")


def worker(dir, rounds=20):
    for _ in range(rounds):
        fd, name = _mkstemp_inner(dir, "tmp", "", _bin_openflags)
        _os.close(fd)
        _os.unlink(name)


def stress(nthreads=6):
    """One attempt; returns the number of "generator already executing" errors."""
    global _name_sequence
    _name_sequence = None
    dir = _stdlib_tempfile.mkdtemp()
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            worker(dir)
        except ValueError as e:
            errors.append(e)

    try:
        threads = [threading.Thread(target=run) for _ in range(nthreads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        shutil.rmtree(dir, ignore_errors=True)
    return len(errors)


def main():
    dir = _stdlib_tempfile.mkdtemp()
    threads = [threading.Thread(target=worker, args=(dir,)) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shutil.rmtree(dir, ignore_errors=True)


if __name__ == "__main__":
    main()
