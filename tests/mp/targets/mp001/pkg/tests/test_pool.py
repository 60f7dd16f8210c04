import multiprocessing

from pkg.work import tidy


def test_tidy_in_processes():
    # Tests of process code use processes on purpose: no MP001.
    with multiprocessing.Pool(2) as pool:
        assert pool.map(tidy, [" A "]) == ["a"]
