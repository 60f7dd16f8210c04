# expect-output: worker saw SCALE=1
import multiprocessing
import sys

SCALE = 1


def work(n):
    return SCALE


if __name__ == "__main__":
    SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2) as pool:
        print(f"worker saw SCALE={pool.map(work, [1])[0]}")
