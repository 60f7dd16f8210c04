# expect-output: finished its bootstrapping phase
import multiprocessing


def double(x):
    return x * 2


with multiprocessing.Pool(2) as pool:
    print(pool.map(double, [1, 2, 3]))
