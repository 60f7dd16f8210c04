import multiprocessing as mp
import sys
from functools import partial

from .work import crunch, tidy


def gil():
    return sys._is_gil_enabled()


def run2(xs):
    ctx = mp.get_context("forkserver")
    with ctx.Pool(2) as pool:
        return pool.map(partial(crunch), xs)


def run3(xs):
    if gil():
        with mp.Pool() as pool:
            return pool.map(crunch, xs)
    return [crunch(x) for x in xs]


def run4(xs):
    with mp.Pool() as pool:
        return pool.map(tidy, xs)
