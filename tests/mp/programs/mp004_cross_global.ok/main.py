# expect-output: worker saw SCALE=10
# The value reaches the workers through the pool's initializer.
import multiprocessing
import sys

import settings

if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2, initializer=settings.init, initargs=(scale,)) as pool:
        print(f"worker saw SCALE={pool.map(settings.work, [1])[0]}")
