from concurrent.futures import ProcessPoolExecutor


def double(x):
    return x * 2


def run_all(xs):
    with ProcessPoolExecutor(2) as ex:
        return list(ex.map(double, xs))
