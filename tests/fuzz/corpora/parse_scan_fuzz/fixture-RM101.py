# Fixture for RM101 removed-private-module-import (explicit-only rule).
import _sha256  # expect: RM101
import _sha512 as fast_sha  # expect: RM101
from _bootsubprocess import _fork_exec  # expect: RM101
from importlib.resources._legacy import open_text  # expect: RM101
from importlib.resources import _legacy  # expect: RM101
import _compression  # expect: RM101
import _crypt  # expect: RM101

# Near misses: the public modules, and private modules that still exist.
import hashlib  # ok: RM101
import _sha1  # ok: RM101
import _sha3  # ok: RM101
from importlib.resources import files  # ok: RM101
import compression  # ok: RM101
import crypt  # ok: RM101

try:
    import _sha256 as sha  # ok: RM101
except ImportError:
    sha = None
