#!/usr/bin/env python3
"""The race is real: drive each real-race fixture pair from several threads.

For every case listed in STRESS_CASES, load tests/ft/races/<case>/racy.py and fixed.py and call
their stress() function repeatedly under sys.setswitchinterval(1e-6) (which lets the GIL build
switch threads at every eval-breaker check, the closest a GIL build gets to the free-threaded
build's interleaving). stress() runs one attempt (a few threads started together on a barrier)
and returns how many failures it observed: lost updates, KeyError, RuntimeError "changed size
during iteration", "generator already executing", double initialisation, ...

    racy:  attempts until the first failure, up to --racy-seconds / --max-attempts
    fixed: attempts for --fixed-seconds (at least --min-fixed-attempts); must never fail

One line per case: `case  racy F/A  fixed F/A  ok|FAIL`. Exit 1 when a racy case never fails or a
fixed case fails, 2 on a usage/setup error (wrong interpreter, missing corpus or case). Cases in
GIL_UNREACHABLE are real races whose window contains no thread-switch point on the GIL build
(see tests/ft/races/README.md); they are excluded from the count and run only with --all, for
information.

Usage: python3.11 tests/ft/stress.py [--corpus DIR] [--all] [--case NAME ...]
"""
import argparse
import importlib.util
import os
import sys
import threading
import time

# Racy versions that fail under Python 3.11 with switchinterval 1e-6 (verified by this harness).
STRESS_CASES = [
    "cpython-126775",
    "cpython-89967",
    "cpython-bpo36607",
    "cpython-92452",
    "cpython-128384",
    "cpython-114763",
    "cpython-bpo30030",
    "sunpy-8500-contexts",
    "sunpy-8500-sunmotion",
    "sunpy-8500-screens",
    "ccflow-269",
    "bonobo-308",
    "oneview-redfish-toolkit-448",
    "autoortho-307",
    "martini-99",
    "contrail-test-160",
    "pyftpdlib-220",
]

# Real races that the GIL build cannot interleave (no eval-breaker check inside the window);
# they fail on the free-threaded build or (dateutil) only with Python 2's pure-Python OrderedDict.
GIL_UNREACHABLE = {
    "cpython-bpo44962": "switch between `while l` and l.pop() is rare on 3.11 (seen once, not reliably)",
    "cpython-142763": "no switch point between len(cls._strong_cache) and popitem() on 3.11",
    "dateutil-973": "OrderedDict is C in Python 3; the reported KeyError needs Python 2",
    "forseti-security-3080": "no switch point inside `counter += 1 + len(rows)` on 3.11",
    # Fails on 3.11 only through its driver's str subclass with a Python __hash__ (the one switch
    # point inside the window); a CI run under load (load average 10) went 0/425 in 5 s, so it is
    # informational rather than a flaky requirement.
    "cpython-133253": "the window's only switch point is the driver's Python __hash__; 0/425 under load in CI",
}

_thread_errors = []


def _excepthook(args):
    # An exception escaping a worker thread is a failure too (of either version).
    _thread_errors.append(args.exc_type.__name__)


def _load(path, tag):
    name = "pyshift_ft_stress_%s" % tag
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load %s" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "stress", None)):
        raise ImportError("%s has no stress() function" % path)
    return module


def _attempt(module):
    before = len(_thread_errors)
    failures = module.stress()
    if not isinstance(failures, int) or failures < 0:
        raise TypeError("stress() must return a non-negative int, got %r" % (failures,))
    return failures + (len(_thread_errors) - before)


def run_racy(module, seconds, max_attempts):
    start = time.monotonic()
    attempts = failures = 0
    while attempts < max_attempts and time.monotonic() - start < seconds:
        attempts += 1
        failures += _attempt(module)
        if failures:
            break
    return failures, attempts


def run_fixed(module, seconds, min_attempts):
    start = time.monotonic()
    attempts = failures = 0
    while attempts < min_attempts or time.monotonic() - start < seconds:
        attempts += 1
        failures += _attempt(module)
    return failures, attempts


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(here, "races"))
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--all", action="store_true", help="also run the GIL-unreachable cases (informational)")
    ap.add_argument("--racy-seconds", type=float, default=5.0)
    ap.add_argument("--max-attempts", type=int, default=5000)
    ap.add_argument("--fixed-seconds", type=float, default=1.0)
    ap.add_argument("--min-fixed-attempts", type=int, default=20)
    ap.add_argument("--any-python", action="store_true",
                    help="do not insist on Python 3.11 (the GIL build the expectations were measured on)")
    args = ap.parse_args(argv)

    if sys.version_info[:2] != (3, 11) and not args.any_python:
        print("ft.stress: needs Python 3.11, running %s (%s); use --any-python to override"
              % (sys.version.split()[0], sys.executable), file=sys.stderr)
        return 2
    if hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled():
        print("ft.stress: note: free-threaded interpreter, GIL_UNREACHABLE cases may fail too", file=sys.stderr)
    if not os.path.isdir(args.corpus):
        print("ft.stress: corpus directory %s does not exist" % args.corpus, file=sys.stderr)
        return 2

    cases = list(args.case or STRESS_CASES)
    if args.all and not args.case:
        cases += sorted(GIL_UNREACHABLE)
    if not cases:
        print("ft.stress: no cases to run", file=sys.stderr)
        return 2
    for case in cases:
        for version in ("racy.py", "fixed.py"):
            path = os.path.join(args.corpus, case, version)
            if not os.path.isfile(path):
                print("ft.stress: missing %s" % path, file=sys.stderr)
                return 2

    sys.setswitchinterval(1e-6)
    threading.excepthook = _excepthook

    bad = []
    verified = 0
    width = max(len(c) for c in cases)
    for i, case in enumerate(cases):
        informational = case in GIL_UNREACHABLE
        try:
            racy = _load(os.path.join(args.corpus, case, "racy.py"), "r%d" % i)
            fixed = _load(os.path.join(args.corpus, case, "fixed.py"), "f%d" % i)
            rf, ra = run_racy(racy, args.racy_seconds, args.max_attempts)
            ff, fa = run_fixed(fixed, args.fixed_seconds, args.min_fixed_attempts)
        except Exception as e:  # a broken fixture is a failure, never a pass
            print("%-*s  ERROR %s: %s" % (width, case, type(e).__name__, e), flush=True)
            bad.append(case)
            continue
        ok = rf > 0 and ff == 0
        if informational:
            status = "info (%s)" % GIL_UNREACHABLE[case]
        else:
            status = "ok" if ok else "FAIL"
            if ok:
                verified += 1
            else:
                bad.append(case)
        print("%-*s  racy %d/%d  fixed %d/%d  %s" % (width, case, rf, ra, ff, fa, status), flush=True)

    required = [c for c in cases if c not in GIL_UNREACHABLE]
    print("%d passed, %d failed" % (verified, len(bad)))
    if bad:
        print("ft.stress: failing cases: %s" % ", ".join(bad), file=sys.stderr)
        return 1
    if not required:
        print("ft.stress: no stress-verified case was run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
