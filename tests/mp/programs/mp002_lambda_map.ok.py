# expect-output: \[2, 4, 6\]
import multiprocessing


def double(x):
    return x * 2


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(double, [1, 2, 3]))
