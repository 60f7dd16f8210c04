# Module B of MP004: a global a worker reads, set by the main program
# (it names multiprocessing: the cross-module rules read such modules).
import multiprocessing

SCALE = 1


def work(n):
    print(multiprocessing.current_process().name)
    return n * SCALE


def work_local(n):
    SCALE = 3
    return n * SCALE


def init(scale):
    global SCALE
    SCALE = scale
