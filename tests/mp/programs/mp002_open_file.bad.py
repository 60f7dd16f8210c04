# expect-output: cannot pickle '(_io\.)?TextIOWrapper'
from concurrent.futures import ProcessPoolExecutor


def first_line(fh):
    return fh.readline()


if __name__ == "__main__":
    with open(__file__) as fh:
        with ProcessPoolExecutor(2) as ex:
            print(ex.submit(first_line, fh).result())
