# expect-output: RuntimeError: context has already been set
import multiprocessing

multiprocessing.set_start_method("spawn")


def double(x):
    return x * 2


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(double, [1, 2, 3]))
