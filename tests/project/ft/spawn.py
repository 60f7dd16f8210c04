"""A thread API the analysis cannot know: [tool.pyshift.ft] thread-entries."""
import threading

counts = {}


def run_later(fn):
    threading.Thread(target=fn).start()


def tally():
    counts["n"] = counts.get("n", 0) + 1


def start():
    run_later(tally)
