#!/usr/bin/python3
"""Run pyshift on the adversarial cases of gen.py and check the issue-14
guarantees for each.

    run.py PYSHIFT [--only NAME,...] [--set CASE.PARAM=N ...] [--budget SIZE]
           [--file-timeout S] [--as-limit SIZE] [--keep DIR]

Every case runs as `pyshift check -j1 --file-timeout 2 --max-file-memory
BUDGET ARGS` in its own directory, under RLIMIT_AS (like `ulimit -v`; not
for sanitizer builds, whose shadow memory needs the address space), with a
hard kill after --kill seconds. A case passes when:

  * it finishes within 3 s of CPU time (user + system, from wait4's
    rusage), or is reported as over budget: exit 2 and a per-file error
    naming one of the case's `budget_ok` files;
  * its peak RSS (wait4's ru_maxrss) stays under the budget plus 64 MiB
    for the process itself (binary, rules, compiled queries);
  * nothing is reported as clean that had findings: every `must_report`
    finding is printed and every `counts` entry is exact (unless reported
    over budget), or, for a case whose right outcome is an error
    (`must_error`), exit 2 with that error;
  * no crash, sanitizer report or exit status other than 0, 1, 2.

Prints one line per case and exits 1 if any case failed. Standard library
only.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402  (the case list; generating is done by a child)

CPU_LIMIT = 3.0
PROCESS_SLACK = 64 << 20
BUDGET_WORDS = re.compile(r"budget|took more than|time limit|timeout|memory|incomplete|limit", re.I)


def parse_size(s):
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", s)
    if not m:
        raise argparse.ArgumentTypeError("size like 512M or 2G, got %s" % s)
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


def run_case(ps, d, spec, opts, sanitized):
    args = [ps, "check", "-j1", "--file-timeout", str(opts.file_timeout), "--max-file-memory",
            str(opts.budget)] + spec["args"]
    stdin = open("/dev/zero", "rb") if spec.get("stdin") == "zero" else subprocess.DEVNULL

    def limit():
        if not sanitized:
            resource.setrlimit(resource.RLIMIT_AS, (opts.as_limit, opts.as_limit))
        os.setsid()

    out_path, err_path = os.path.join(d, ".stdout"), os.path.join(d, ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        p = subprocess.Popen(args, cwd=d, stdin=stdin, stdout=out, stderr=err, preexec_fn=limit)
        killed, done = False, False
        try:
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    done = True
                    break
                if time.monotonic() - start > opts.kill:
                    os.killpg(p.pid, signal.SIGKILL)
                    killed = True
                    pid, status, ru = os.wait4(p.pid, 0)
                    done = True
                    break
                time.sleep(0.02)
        finally:
            if not done:  # interrupted (ctest's timeout, ^C): take pyshift along
                os.killpg(p.pid, signal.SIGKILL)
        wall = time.monotonic() - start
    if stdin is not subprocess.DEVNULL:
        stdin.close()
    rc = os.waitstatus_to_exitcode(status)
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    return dict(rc=rc, killed=killed, wall=wall, cpu=ru.ru_utime + ru.ru_stime, rss=ru.ru_maxrss * 1024,
                stdout=stdout, stderr=stderr)


def over_budget(spec, r):
    if r["rc"] != 2:
        return False
    for name in spec.get("budget_ok", []):
        for line in r["stderr"].splitlines():
            if line.startswith("pyshift: %s: " % name) and BUDGET_WORDS.search(line):
                return True
    return False


def judge(spec, r, opts):
    """A list of reasons the case failed (empty: passed) and a verdict word."""
    why = []
    if r["killed"]:
        return ["killed after %.0f s (no result)" % opts.kill], "FAIL"
    if r["rc"] not in (0, 1, 2):
        why.append("exit status %d (crash or abort)" % r["rc"])
    if re.search(r"Sanitizer|runtime error:", r["stderr"]):
        why.append("sanitizer report")
    if r["rss"] > opts.budget + PROCESS_SLACK:
        why.append("peak RSS %d MiB over the %d MiB budget + 64 MiB" % (r["rss"] >> 20, opts.budget >> 20))
    budget = over_budget(spec, r)
    if r["cpu"] > CPU_LIMIT and not budget:
        why.append("%.1f s CPU (limit %.0f s) and not reported as over budget" % (r["cpu"], CPU_LIMIT))
    elif r["cpu"] > CPU_LIMIT + opts.file_timeout:
        why.append("%.1f s CPU, far past the %.1f s file budget" % (r["cpu"], opts.file_timeout))
    if spec.get("must_error"):
        if r["rc"] != 2:
            why.append("exit %d, expected 2 with an error matching /%s/" % (r["rc"], spec["must_error"]))
        elif not re.search(spec["must_error"], r["stderr"]):
            why.append("stderr lacks /%s/" % spec["must_error"])
    elif not budget:
        missing = [f for f in spec.get("must_report", []) if f not in r["stdout"]]
        if missing:
            why.append("%s: missing %s%s" % ("reported clean" if r["rc"] == 0 else "findings lost",
                                              ", ".join(missing[:3]), " ..." if len(missing) > 3 else ""))
        for rid, n in spec.get("counts", {}).items():
            got = len(re.findall(r"^\S+:\d+:\d+: %s " % re.escape(rid), r["stdout"], re.M))
            if got != n and not (r["rc"] == 2 and spec.get("budget_ok") and
                                 any(BUDGET_WORDS.search(l) for l in r["stderr"].splitlines())):
                why.append("%d %s findings, expected %d" % (got, rid, n))
        explained = False
        if spec.get("one_of"):
            held = [a for a in spec["one_of"]
                    if ("report" in a and a["report"] in r["stdout"]) or
                    ("error" in a and r["rc"] == 2 and re.search(a["error"], r["stderr"]))]
            explained = any("error" in a for a in held)
            if not held:
                why.append("none of: %s" % ", ".join(a.get("report") or "error /%s/" % a["error"]
                                                   for a in spec["one_of"]))
        if r["rc"] == 2 and not why and not explained:
            lines = [l for l in r["stderr"].splitlines() if l.startswith("pyshift: ")]
            why.append("unexpected error: %s" % (lines[0] if lines else r["stderr"][:200]))
    return why, ("FAIL" if why else ("BUDGET" if budget else "ok"))


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pyshift")
    ap.add_argument("--only", help="comma-separated case names (gen.py --list)")
    ap.add_argument("--set", action="append", metavar="CASE.PARAM=N", help="a generator parameter")
    ap.add_argument("--budget", type=parse_size, default=parse_size("1G"), help="--max-file-memory (1G)")
    ap.add_argument("--file-timeout", type=float, default=2.0, help="--file-timeout (2)")
    ap.add_argument("--as-limit", type=parse_size, default=parse_size("4000000k"),
                    help="RLIMIT_AS for pyshift (4000000k, as ulimit -v 4000000)")
    ap.add_argument("--kill", type=float, default=60.0, help="kill a case after this many seconds (60)")
    ap.add_argument("--keep", help="generate into this directory and keep it")
    opts = ap.parse_args()
    ps = os.path.abspath(opts.pyshift)
    with open(ps, "rb") as f:
        sanitized = b"__asan_init" in f.read()
    only = set(opts.only.split(",")) if opts.only else None
    if only and only - set(gen.CASES):
        ap.error("unknown case(s) %s" % ", ".join(sorted(only - set(gen.CASES))))
    root = opts.keep or tempfile.mkdtemp(prefix="pyshift-adversarial.")
    failed = 0
    names = [n for n in gen.CASES if not only or n in only]
    gen.parse_sets(opts.set)  # unknown parameters fail before anything runs
    specs = []
    try:
        print("%-30s %4s %-6s %4s %6s %6s %7s  %s" % ("case", "item", "result", "exit", "cpu s", "wall s", "rss MiB",
                                                     "why"))
        for name in names:
            # Generated by a child process, one case at a time: wait4's
            # ru_maxrss counts the peak RSS of the process pyshift is
            # started from (its memory before exec), so this one must stay
            # small.
            sets = sum((["--set", s] for s in opts.set or []), [])
            subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), root, "--only", name] + sets,
                           check=True, stdout=subprocess.DEVNULL)
            d = os.path.join(root, name)
            with open(os.path.join(d, "case.json")) as f:
                spec = json.load(f)
            specs.append(spec)
            r = run_case(ps, d, spec, opts, sanitized)
            why, verdict = judge(spec, r, opts)
            failed += verdict == "FAIL"
            print("%-30s %4d %-6s %4d %6.2f %6.2f %7d  %s" % (spec["name"], spec["item"], verdict, r["rc"], r["cpu"],
                                                              r["wall"], r["rss"] >> 20, "; ".join(why)),
                  flush=True)
            if why:
                for line in r["stderr"].splitlines()[:3]:
                    print("    stderr: %s" % line[:200])
            # The big inputs are not kept unless asked.
            if not opts.keep:
                shutil.rmtree(d, ignore_errors=True)
    finally:
        if not opts.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("%d case(s), %d failed" % (len(specs), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
