# expect-output: worker saw 0 patterns
import multiprocessing

PATTERNS = []


def parse():
    PATTERNS.extend(["a", "b"])


def count(_):
    return len(PATTERNS)


if __name__ == "__main__":
    parse()
    with multiprocessing.Pool(2) as pool:
        print(f"worker saw {pool.map(count, [1])[0]} patterns")
