# expect-output: PicklingError
import multiprocessing


def double(x):
    return x * 2


if __name__ == "__main__":
    with multiprocessing.Pool(2, initializer=lambda: None) as pool:
        print(pool.map(double, [1, 2, 3]))
