# expect-output: worker saw SCALE=1
# The worker lives in another module; its global is set under this guard.
import multiprocessing
import sys

import settings

if __name__ == "__main__":
    settings.SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2) as pool:
        print(f"worker saw SCALE={pool.map(settings.work, [1])[0]}")
