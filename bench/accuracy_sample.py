#!/usr/bin/env python3
"""accuracy_sample.py: a seeded random sample of RM/DP findings to judge by hand
(issue 12: >= 100 findings, >= 99% precision; docs/accuracy-sample.md).

    python3 bench/accuracy_sample.py --pyshift build/pyshift --seed 12 -n 110 \\
        --target-version 3.15 /usr/lib/python3.11 /usr/lib/python3/dist-packages REPOS/*

Runs `pyshift check --select RM,DP` once per corpus (each path argument),
pools the findings, draws n of them with random.Random(seed) and prints
each with five lines of context before and two after, for reading.
"""
import argparse, json, os, random, subprocess, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pyshift", required=True)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("-n", type=int, default=110)
    ap.add_argument("--target-version", default="3.15")
    ap.add_argument("--select", default="RM,DP")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    pool = []
    for p in a.paths:
        r = subprocess.run([a.pyshift, "check", "--isolated", "--select", a.select, "--target-version",
                            a.target_version, "--format", "json", "--exit-zero", p],
                           capture_output=True, text=True, env=dict(os.environ, PYSHIFT_NO_CACHE="1"))
        found = json.loads(r.stdout or "[]")
        print(f"# {p}: {len(found)} findings", file=sys.stderr)
        pool.extend(found)
    pool.sort(key=lambda f: (f["path"], f["range"]["start"]["offset"], f["rule"]))
    print(f"# pool {len(pool)} findings; seed {a.seed}; sample {a.n}", file=sys.stderr)
    for i, f in enumerate(random.Random(a.seed).sample(pool, min(a.n, len(pool))), 1):
        line = f["range"]["start"]["line"]
        print(f"=== {i}. {f['rule']} {f['path']}:{line}:{f['range']['start']['column']}  {f['message']}")
        try:
            with open(f["path"], encoding="utf-8", errors="replace") as fh:
                src = fh.read().splitlines()
        except OSError:
            continue
        for n in range(max(1, line - 5), min(len(src), line + 2) + 1):
            print(f"{'>' if n == line else ' '}{n:6} {src[n - 1]}")


if __name__ == "__main__":
    main()
