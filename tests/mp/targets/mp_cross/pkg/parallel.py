# Module B of the cross-module MP003/MP004 cases: functions that start processes.
from concurrent.futures import ProcessPoolExecutor
import multiprocessing


def double(x):
    return x * 2


def run_all(xs):
    with ProcessPoolExecutor(2) as ex:
        return list(ex.map(double, xs))


def run_forked(xs):
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return pool.map(double, xs)


def helper(xs):
    return [x + 1 for x in xs]
