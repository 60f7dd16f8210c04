# https://github.com/HewlettPackard/oneview-redfish-toolkit/issues/448 (fix: commit e86f1d0 "Fix threading lock")
# Race: each function creates its own Lock() per call, so the "locked" check-then-delete on the
# module-level session map excludes nobody and two threads deleting the same token raise KeyError.
# Reduced from oneview_redfish_toolkit/client_session.py before the fix.
import threading
from threading import Lock

map_clients = {}


def _get_map_clients():
    return globals()['map_clients']


def _set_new_client_by_token(redfish_token, client_ov_by_ip):
    lock = Lock()  # expect: FT006
    with lock:
        globals()['map_clients'][redfish_token] = {
            'client_ov_by_ip': client_ov_by_ip,
        }


def clear_session_by_token(token):
    with Lock():  # expect: FT006
        if token in _get_map_clients():
            del _get_map_clients()[token]


def worker(rounds=300):
    for i in range(rounds):
        token = "token-%d" % (i % 8)
        _set_new_client_by_token(token, {"10.0.0.1": object()})
        clear_session_by_token(token)


def stress(nthreads=4):
    """One attempt; returns the number of KeyErrors from concurrent session clean-up."""
    map_clients.clear()
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            worker()
        except KeyError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
