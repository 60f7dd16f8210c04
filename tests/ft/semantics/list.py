# Semantics conformance: "Thread safety for list objects"
# https://docs.python.org/3/library/threadsafety.html#thread-safety-list
# (Doc/library/threadsafety.rst, moved to Doc/builtins/threadsafety.rst on main).
# Every example of the section, on a module-level list reached from several threads.
# Documented-atomic / safe single operations are `# ok:`; every read-modify-write,
# check-then-act and iteration example is `# expect:`.
import threading

lst = [0, 1, 2, 3]
lst1 = [1, 2]
lst2 = [3, 4]
x = 2
i = 0
item = 1


def process(value):
    return value


def reader():
    # "Reading a single element from a list is atomic" (good)
    v = lst[i]  # ok: FT001
    # "may return results affected by concurrent modifications" (maybe, lock-free reads)
    found = item in lst  # ok: FT001
    pos = lst.index(item) if found else -1  # ok: FT001
    n = lst.count(item)  # ok: FT001
    # "return new objects and appear atomic" (good)
    both = lst1 + lst2  # ok: FT001
    rep = x * lst  # ok: FT001
    snap = lst.copy()  # ok: FT001
    return v, pos, n, both, rep, snap


def writer():
    # "Writing a single item via lst[i] = x is safe" (good)
    lst[i] = x  # ok: FT001
    # "only operate on a single element with no shifting" (good)
    lst.append(x)  # ok: FT001
    lst.pop()  # ok: FT001
    # "The clear() method is also atomic"
    lst.clear()  # ok: FT001
    lst.extend([0, 1, 2, 3])  # ok: FT001
    # "may allow lock-free operations to observe intermediate states" (maybe): single calls.
    # insert is not among the atomic ones ("Methods that only operate on a single element
    # with no shifting required are atomic"): it shifts, so readers see intermediate states;
    # FT001's table reports it (`list.insert compound`), as its docs say.
    lst.insert(0, item)  # expect: FT001
    lst.pop(0)  # ok: FT001


def bad_read_modify_write():
    # NOT atomic: read-modify-write
    lst[i] = lst[i] + 1  # expect: FT001


def bad_check_then_act():
    # NOT atomic: check-then-act
    if lst:
        item = lst.pop()  # expect: FT003
        return item


def bad_iteration():
    # NOT thread-safe: iteration while modifying
    for item in lst:  # expect: FT004
        process(item)  # another thread may modify lst


def main():
    targets = [reader, writer, bad_read_modify_write, bad_check_then_act, bad_iteration]
    threads = [threading.Thread(target=t) for t in targets for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
