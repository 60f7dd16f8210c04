# https://github.com/python/cpython/issues/92452 (fix: https://github.com/python/cpython/pull/92453)
# Race: get_config_vars() publishes the module global `_CONFIG_VARS = {}` before filling it, so a
# concurrent caller sees a non-None but half-built dict (get_config_var('srcdir') returns None).
# Reduced from Lib/sysconfig.py as of 3.11 (pre-fix).
import os
import sys
import threading

_CONFIG_VARS = None
_PREFIX = os.path.normpath(sys.prefix)
_EXEC_PREFIX = os.path.normpath(sys.exec_prefix)


def _init_posix(vars):
    """Initialize the module as appropriate for POSIX systems."""
    # _sysconfigdata is generated at build time; here a stand-in of the same shape.
    build_time_vars = {"srcdir": os.path.dirname(sys.executable), "CC": "cc", "LDSHARED": "cc -shared"}
    vars.update(build_time_vars)


def _init_config_vars():
    global _CONFIG_VARS
    _CONFIG_VARS = {}  # expect: FT002
    # Normalized versions of prefix and exec_prefix are handy to have;
    # in fact, these are the standard versions used most places in the
    # Distutils.
    _CONFIG_VARS['prefix'] = _PREFIX
    _CONFIG_VARS['exec_prefix'] = _EXEC_PREFIX
    _CONFIG_VARS['py_version_short'] = '%d.%d' % sys.version_info[:2]
    if os.name == 'posix':
        _init_posix(_CONFIG_VARS)
    # For backward compatibility, see issue19555
    SO = _CONFIG_VARS.get('EXT_SUFFIX')
    if SO is not None:
        _CONFIG_VARS['SO'] = SO


def get_config_vars(*args):
    """Return the configuration variables, or the values of the names in args."""
    if _CONFIG_VARS is None:
        _init_config_vars()

    if args:
        vals = []
        for name in args:
            vals.append(_CONFIG_VARS.get(name))
        return vals
    else:
        return _CONFIG_VARS


def get_config_var(name):
    return get_config_vars().get(name)


def thread(i=0):
    return get_config_var("srcdir") is not None


def stress(nthreads=8):
    """One attempt from a fresh module state; returns how many threads saw 'srcdir' missing."""
    global _CONFIG_VARS
    _CONFIG_VARS = None
    misses = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        if not thread():
            misses.append(1)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(misses)


def main():
    threads = [threading.Thread(target=thread, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
