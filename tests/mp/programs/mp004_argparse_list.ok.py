# expect-output: worker saw 2 patterns
import functools
import multiprocessing


def parse():
    return ["a", "b"]


def count(patterns, _):
    return len(patterns)


if __name__ == "__main__":
    patterns = parse()
    with multiprocessing.Pool(2) as pool:
        print(f"worker saw {pool.map(functools.partial(count, patterns), [1])[0]} patterns")
