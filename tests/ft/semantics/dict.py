# Semantics conformance: "Thread safety for dict objects"
# https://docs.python.org/3/library/threadsafety.html#thread-safety-dict
# (Doc/library/threadsafety.rst, moved to Doc/builtins/threadsafety.rst on main).
# Every example of the section, on a module-level dict reached from several threads.
import threading

d = {"a": 1, "b": 2}
other = {"c": 3}
other_dict = {"e": 5}
a_dict = {"k": 0}
a_set = {"k"}
a_frozenset = frozenset({"k"})
key = "a"
value = 1
v = 0


def process(k):
    return k


def reader():
    # lock-free and atomic (good)
    x1 = d[key]  # ok: FT001
    x2 = d.get(key)  # ok: FT001
    x3 = key in d  # ok: FT001
    x4 = len(d)  # ok: FT001
    # return new objects, hold the per-object lock (good)
    c = d.copy()  # ok: FT001
    merged = d | other  # ok: FT001
    ks = d.keys()  # ok: FT001
    vs = d.values()  # ok: FT001
    its = d.items()  # ok: FT001
    eq = d == other_dict  # ok: FT001
    f1 = dict.fromkeys(a_dict)  # ok: FT001
    f2 = dict.fromkeys(a_set)  # ok: FT001
    f3 = dict.fromkeys(a_frozenset)  # ok: FT001
    return x1, x2, x3, x4, c, merged, ks, vs, its, eq, f1, f2, f3


def writer():
    global d
    # "Writing or removing a single item is safe" (good)
    d[key] = value  # ok: FT001
    del d[key]  # ok: FT001
    d[key] = value
    d.pop(key)  # ok: FT001
    d[key] = value
    d.popitem()  # ok: FT001
    d.setdefault(key, v)  # ok: FT001
    # lock both dictionaries when the other operand is a dict (good)
    d.update(other_dict)  # ok: FT001
    d |= other_dict  # ok: FT001
    # "The clear() method holds the lock for its duration"
    d.clear()  # ok: FT001


def bad_read_modify_write():
    # NOT atomic: read-modify-write
    d[key] = d[key] + 1  # expect: FT001


def bad_check_then_act():
    # NOT atomic: check-then-act (TOCTOU)
    if key in d:
        del d[key]  # expect: FT003


def good_check_then_act():
    # Use pop() with default instead of check-then-delete
    d.pop(key, None)  # ok: FT003
    # Or handle the exception
    try:
        del d[key]  # ok: FT003
    except KeyError:
        pass


def bad_iteration():
    # NOT thread-safe: iteration while modifying
    for key, value in d.items():  # expect: FT004
        process(key)  # another thread may modify d


def good_iteration():
    # Make a copy to iterate safely
    for key, value in d.copy().items():  # ok: FT004
        process(key)


def main():
    targets = [reader, writer, bad_read_modify_write, bad_check_then_act, good_check_then_act,
               bad_iteration, good_iteration]
    threads = [threading.Thread(target=t) for t in targets for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
