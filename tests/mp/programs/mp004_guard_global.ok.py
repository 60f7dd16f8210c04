# expect-output: worker saw SCALE=10
import multiprocessing
import sys

SCALE = 1


def init(scale):
    global SCALE
    SCALE = scale


def work(n):
    return SCALE


if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2, initializer=init, initargs=(scale,)) as pool:
        print(f"worker saw SCALE={pool.map(work, [1])[0]}")
