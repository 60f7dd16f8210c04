# expect-output: \[2, 4, 6\]
# The same call under the __main__ guard.
import multiprocessing

from parallel import run_all

print(multiprocessing.cpu_count() > 0)
if __name__ == "__main__":
    print(run_all([1, 2, 3]))
