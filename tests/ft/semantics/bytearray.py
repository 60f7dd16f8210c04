# Semantics conformance: "Thread safety for bytearray objects"
# https://docs.python.org/3/library/threadsafety.html#thread-safety-bytearray
# (Doc/library/threadsafety.rst, moved to Doc/builtins/threadsafety.rst on main).
# Every example of the section, on a module-level bytearray reached from several threads.
import threading

ba = bytearray(b"abcdef")
other = b"xyz"
other_bytearray = bytearray(b"uv")
values = b"12"
x = 97
i, j, n = 0, 2, 2


def process(byte):
    return byte


def reader():
    n1 = len(ba)  # ok: FT001
    # buffer protocol, may observe concurrent writes (maybe): single operations
    cat = ba + other  # ok: FT001
    eq = ba == other  # ok: FT001
    lt = ba < other  # ok: FT001
    b1 = ba[i]  # ok: FT001
    b2 = ba[i:j]  # ok: FT001
    cp = ba.copy()  # ok: FT001
    rep = ba * n  # ok: FT001
    has = x in ba  # ok: FT001
    return n1, cat, eq, lt, b1, b2, cp, rep, has


def writer():
    ba[i] = x  # ok: FT001
    ba[i:j] = values  # ok: FT001
    ba.append(x)  # ok: FT001
    ba.extend(other)  # ok: FT001
    ba.insert(i, x)  # ok: FT001
    ba.pop()  # ok: FT001
    ba.pop(i)  # ok: FT001
    ba.reverse()  # ok: FT001
    ba[i:j] = other_bytearray  # ok: FT001
    ba.clear()  # ok: FT001


def bad_check_then_act():
    # NOT atomic: check-then-act
    if x in ba:
        ba.remove(x)  # expect: FT003


def bad_iteration():
    # NOT thread-safe: iteration while modifying
    for byte in ba:  # expect: FT004
        process(byte)  # another thread may modify ba


def good_iteration():
    # Make a copy to iterate safely
    for byte in ba.copy():  # ok: FT004
        process(byte)


def main():
    targets = [reader, writer, bad_check_then_act, bad_iteration, good_iteration]
    threads = [threading.Thread(target=t) for t in targets for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
