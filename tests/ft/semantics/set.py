# Semantics conformance: "Thread safety for set objects"
# https://docs.python.org/3/library/threadsafety.html#thread-safety-set
# (Doc/library/threadsafety.rst, moved to Doc/builtins/threadsafety.rst on main).
# Every example of the section, on a module-level set reached from several threads.
import threading

s = {1, 2, 3}
other = {3, 4}
elem = 1


def process(e):
    return e


def reader():
    n = len(s)  # ok: FT001
    found = elem in s  # ok: FT001
    c = s.copy()  # ok: FT001
    u = s & other  # ok: FT001
    w = s | other  # ok: FT001
    x = s - other  # ok: FT001
    y = s ^ other  # ok: FT001
    dj = s.isdisjoint(other)  # ok: FT001
    sb = s.issubset(other)  # ok: FT001
    sp = s.issuperset(other)  # ok: FT001
    return n, found, c, u, w, x, y, dj, sb, sp


def writer():
    global s
    # "Adding or removing a single element is safe" (good)
    s.add(elem)  # ok: FT001
    s.remove(elem)  # ok: FT001
    s.discard(elem)  # ok: FT001
    s.add(elem)
    s.pop()  # ok: FT001
    s.clear()  # ok: FT001
    # "only accept set or frozenset as operands and always lock both objects"
    s |= other  # ok: FT001
    s &= other  # ok: FT001
    s -= other  # ok: FT001
    s ^= other  # ok: FT001


def bad_check_then_act():
    # NOT atomic: check-then-act
    if elem in s:
        s.remove(elem)  # expect: FT003


def bad_iteration():
    # NOT thread-safe: iteration while modifying
    for elem in s:  # expect: FT004
        process(elem)  # another thread may modify s


def main():
    targets = [reader, writer, bad_check_then_act, bad_iteration]
    threads = [threading.Thread(target=t) for t in targets for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
