# expect-output: finished its bootstrapping phase
from concurrent.futures import ProcessPoolExecutor


def double(x):
    return x * 2


def main():
    with ProcessPoolExecutor(2) as ex:
        print(list(ex.map(double, [1, 2, 3])))


main()
