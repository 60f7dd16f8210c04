import multiprocessing

SCALE = 1


def work(n):
    print(multiprocessing.current_process().name, "reads SCALE")
    return SCALE
