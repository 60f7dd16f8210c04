# https://github.com/sunpy/sunpy/pull/8500
# Fixed: the active screen is stored in a threading.local subclass held by the class
# (Helioprojective._assumptions.screen), so each thread saves and restores its own screen.
# Reduced from sunpy/coordinates/screens.py and frames.py after commit 0ac2bfb17 of the PR.
import threading


class Helioprojective:
    """A coordinate frame (reduced); the screen assumption is class-level state."""

    # Thread-safe storage of the currently active screen assumption, if any
    # Otherwise, the screen on one thread can affect calculations on another thread
    # Furthermore, context exits may restore a state that was supposed to have ended
    class _Assumptions(threading.local):
        def __init__(self):
            self.screen = None
    _assumptions = _Assumptions()

    def make_3d(self):
        d = 1.0
        if self._assumptions.screen:
            d = self._assumptions.screen.calculate_distance(self)
        return d


class BaseScreen:
    """Base class for coordinate screens."""

    def __init__(self, distance):
        self._distance = distance

    def calculate_distance(self, frame):
        return self._distance

    def __enter__(self):
        self._old_assumed_screen = Helioprojective._assumptions.screen  # nominally None
        Helioprojective._assumptions.screen = self

    def __exit__(self, exc_type, exc_value, exc_tb):
        Helioprojective._assumptions.screen = self._old_assumed_screen  # ok: FT002


class SphericalScreen(BaseScreen):
    pass


def worker(distance, rounds=300):
    bad = 0
    screen = SphericalScreen(distance)
    for _ in range(rounds):
        with screen:
            if Helioprojective().make_3d() != distance:
                bad += 1
    return bad


def stress():
    """One attempt; returns wrong distances inside the context plus 1 if a screen leaked afterwards."""
    bad = []
    barrier = threading.Barrier(4)

    def run(distance):
        barrier.wait()
        bad.append(worker(distance))

    threads = [threading.Thread(target=run, args=(d,)) for d in (2.0, 3.0, 4.0, 5.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    leaked = Helioprojective().make_3d() != 1.0
    return sum(bad) + int(leaked)


def main():
    threads = [threading.Thread(target=worker, args=(d,)) for d in (2.0, 3.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
