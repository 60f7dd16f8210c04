# The guard sets the global, but the pool's initializer (in the worker's
# module) sets it in every worker too: no MP004.
import multiprocessing
import sys

from pkg import settings

if __name__ == "__main__":
    settings.SCALE = int(sys.argv[1])  # ok: MP004 (the initializer sets it)
    with multiprocessing.Pool(2, initializer=settings.init, initargs=(settings.SCALE,)) as pool:
        print(pool.map(settings.work, [1]))
