# The worker reads a local of its own, and the global set through an
# initializer: no MP004.
import multiprocessing
import sys

from pkg import settings


def init(scale):
    settings.SCALE = scale


if __name__ == "__main__":
    settings.VERBOSE = True  # ok: MP004 (no worker reads it)
    with multiprocessing.Pool(2, initializer=init, initargs=(int(sys.argv[1]),)) as pool:
        print(pool.map(settings.work_local, [1]))
