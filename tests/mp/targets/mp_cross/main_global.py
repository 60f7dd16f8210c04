# MP004 across modules: the worker lives in pkg.settings.
import multiprocessing
import sys

from pkg import settings
from pkg.settings import work_local

if __name__ == "__main__":
    settings.SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 10  # expect: MP004
    with multiprocessing.Pool(2) as pool:
        print(pool.map(settings.work, [1]))
        print(pool.map(work_local, [1]))
