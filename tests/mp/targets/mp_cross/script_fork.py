# The program pins fork for everything: nothing re-imports it.
import multiprocessing

from pkg.parallel import run_all

multiprocessing.set_start_method("fork")
run_all([1])  # ok: MP003
