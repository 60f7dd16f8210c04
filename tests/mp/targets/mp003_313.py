# pyshift-fixture: --target-version 3.13
# Before 3.14 the Linux default is fork: only a pinned spawn/forkserver counts.
import multiprocessing


def work(n):
    return n * n


pool = multiprocessing.Pool(2)  # ok: MP003
spawn_pool = multiprocessing.get_context("spawn").Pool(2)  # expect: MP003
ctx = multiprocessing.get_context("forkserver")
proc = ctx.Process(target=work, args=(1,))
proc.start()  # expect: MP003
