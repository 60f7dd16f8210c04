# Semantics conformance: "Thread safety for memoryview objects"
# https://docs.python.org/3/library/threadsafety.html#thread-safety-memoryview
# (Doc/library/threadsafety.rst, moved to Doc/builtins/threadsafety.rst on main).
# The section's bad and good examples, on module-level buffers written from several threads.
import threading

lock = threading.Lock()
data = bytearray(1000)
view = memoryview(data)

guarded_data = bytearray(1000)
guarded_view = memoryview(guarded_data)


def thread1():
    # NOT safe: concurrent writes to the same buffer
    view[0:500] = b'x' * 500  # expect: FT001


def thread2():
    view[0:500] = b'y' * 500  # expect: FT001


def guarded_writer():
    # Safe: use a lock for concurrent access
    with lock:
        guarded_view[0:500] = b'x' * 500  # ok: FT001


def main():
    threads = [threading.Thread(target=t) for t in (thread1, thread2, guarded_writer, guarded_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
