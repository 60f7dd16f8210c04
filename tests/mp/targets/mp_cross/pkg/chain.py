# Reaches pkg.parallel.run_all through a call in a function of this module
# (which names multiprocessing: the cross-module rules read such modules).
import multiprocessing

from .parallel import run_all  # a relative import


def process(xs):
    return run_all(xs[: multiprocessing.cpu_count()])
