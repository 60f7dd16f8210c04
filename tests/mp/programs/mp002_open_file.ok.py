# expect-output: expect-output
from concurrent.futures import ProcessPoolExecutor


def first_line(path):
    with open(path) as fh:
        return fh.readline()


if __name__ == "__main__":
    with ProcessPoolExecutor(2) as ex:
        print(ex.submit(first_line, __file__).result())
