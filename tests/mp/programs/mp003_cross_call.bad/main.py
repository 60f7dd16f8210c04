# expect-output: finished its bootstrapping phase
# The pool starts in another module, called from this one's top level.
import multiprocessing

from parallel import run_all

print(multiprocessing.cpu_count() > 0)
print(run_all([1, 2, 3]))
