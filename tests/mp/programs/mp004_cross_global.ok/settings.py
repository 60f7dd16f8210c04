import multiprocessing

SCALE = 1


def init(scale):
    global SCALE
    SCALE = scale


def work(n):
    print(multiprocessing.current_process().name, "reads SCALE")
    return SCALE
