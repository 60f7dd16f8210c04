# Top-level code calling functions of other modules that start processes.
import multiprocessing

from pkg import parallel
from pkg.chain import process
from pkg.parallel import helper, run_all, run_forked

run_all([1, 2])  # expect: MP003 (direct)
parallel.run_all([3])  # expect: MP003 (through the module)
process([4])  # expect: MP003 (through pkg.chain.process)
helper([5])  # ok: MP003 (starts nothing)
run_forked([6])  # ok: MP003 (pinned fork)
x = multiprocessing.cpu_count()  # ok: MP003

if __name__ == "__main__":
    run_all([7])  # ok: MP003 (guarded)
