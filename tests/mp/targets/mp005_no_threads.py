# No thread in this file: MP005 stays quiet.
import multiprocessing
import os

pid = os.fork()
ctx = multiprocessing.get_context("fork")
