"""Release helpers."""
import shlex
from distutils.version import LooseVersion

try:
    import imp
except ImportError:  # a fallback exists: not reported
    imp = None


def newer(a, b):
    return LooseVersion(a) > LooseVersion(b)


def run(cmd):
    import pipes
    return pipes.quote(cmd) + shlex.quote(cmd)
