# https://github.com/sunpy/sunpy/pull/8500 (issue https://github.com/sunpy/sunpy/issues/8499)
# Race: transform_with_sun_center() saves the module global `_ignore_sun_motion`, sets it, and
# restores the saved value on exit; interleaved threads restore each other's stale value, so the
# option leaks into other threads and may stay on after every context has ended.
# Reduced from sunpy/coordinates/_transformations.py before the PR.
import logging
import threading
from contextlib import contextmanager

log = logging.getLogger("sunpy")

# Boolean flag for whether to ignore the motion of the center of the Sun in inertial space
_ignore_sun_motion = False


@contextmanager
def transform_with_sun_center():
    """Context manager for coordinate transformations to ignore the motion of the center of the Sun."""
    try:
        global _ignore_sun_motion

        old_ignore_sun_motion = _ignore_sun_motion  # nominally False

        if not old_ignore_sun_motion:
            log.debug("Ignoring the motion of the center of the Sun for transformations")
        _ignore_sun_motion = True
        yield
    finally:
        if not old_ignore_sun_motion:
            log.debug("Stop ignoring the motion of the center of the Sun for transformations")
        _ignore_sun_motion = old_ignore_sun_motion  # expect: FT002


def _affine_params_hcrs_to_hgs(hcrs_time, hgs_time):
    # If the HCRS observation time is different, calculate the translation in origin
    if not _ignore_sun_motion and hcrs_time != hgs_time:
        return "translated"
    return "not translated"


def worker(rounds=300):
    bad = 0
    for _ in range(rounds):
        with transform_with_sun_center():
            if _affine_params_hcrs_to_hgs(1, 2) != "not translated":
                bad += 1
    return bad


def stress(nthreads=4):
    """One attempt; returns wrong results inside the context plus 1 if the flag leaked afterwards."""
    global _ignore_sun_motion
    _ignore_sun_motion = False
    bad = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        bad.append(worker())

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    leaked = _affine_params_hcrs_to_hgs(1, 2) != "translated"
    return sum(bad) + int(leaked)


def main():
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
