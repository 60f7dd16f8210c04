#!/usr/bin/env python3
"""Counts and a seeded random sample of FT findings on real corpora, for hand judging.

    bench/ft_sample.py PYSHIFT [--seed N] [--n 60] [--mode auto] [--split PKG] [--library PKG] DIR...

Runs `PYSHIFT check --target-version 3.14t --select FT --format json --isolated --exit-zero
[--ft-mode MODE] .` in each DIR on each corpus, prints the findings per rule and confidence (and
apart for each --split top-level package found in a corpus: django in dist-packages; a --library
package is scanned on its own with --ft-mode library, its findings replacing the corpus run's), then a
sample of N findings drawn with random.Random(seed) over all corpora (sorted first, so the
sample depends only on the findings and the seed). Each sampled finding is printed with its
message, notes, related locations and flows, and five lines of source around it, so a reviewer
can judge it: a real race reachable by concurrent callers, or not. Exit 2 if pyshift fails or a
corpus yields no file.
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys


def run(binary, corpus, mode, target="."):
    cmd = [binary, "check", "--target-version", "3.14t", "--select", "FT", "--format", "json",
           "--isolated", "--exit-zero"]
    if mode:
        cmd += ["--ft-mode", mode]
    p = subprocess.run(cmd + [target], cwd=corpus, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"ft_sample: {' '.join(cmd)} {corpus}: exit {p.returncode}\n{p.stderr[-2000:]}")
    data = json.loads(p.stdout)
    return data if isinstance(data, list) else data.get("findings", data.get("results", []))


def excerpt(path, line, around=2):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return "    (unreadable)"
    lo, hi = max(1, line - around), min(len(lines), line + around)
    return "\n".join(f"  {'>' if i == line else ' '}{i:5d} {lines[i - 1]}" for i in range(lo, hi + 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pyshift", type=os.path.abspath)
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--mode", default="")
    ap.add_argument("--library", action="append", default=[],
                    help="a top-level package scanned apart in library mode (its findings replace the corpus "
                         "run's): a framework whose public API the server's threads call (--library django)")
    ap.add_argument("--split", action="append", default=[],
                    help="a top-level package whose findings are also counted apart (repeatable: --split django)")
    a = ap.parse_args()
    allf = []
    for c in a.corpora:
        if not os.path.isdir(c):
            sys.exit(f"ft_sample: {c}: no such directory")
        fs = run(a.pyshift, c, a.mode)
        for pkg in a.library:
            if os.path.isdir(os.path.join(c, pkg)):
                fs = [f for f in fs if f["path"].split("/")[0] != pkg] + run(a.pyshift, c, "library", pkg)
        for f in fs:
            f["_corpus"] = c
        allf += fs
        counts = collections.Counter((f["rule"], f.get("confidence") or "-") for f in fs)
        print(f"== {c}: {len(fs)} findings")
        for (rule, conf), n in sorted(counts.items()):
            print(f"   {rule} {conf:7s} {n}")
        for pkg in a.split:
            sub = [f for f in fs if f["path"].split("/")[0] == pkg]
            if not os.path.isdir(os.path.join(c, pkg)):
                continue
            counts = collections.Counter((f["rule"], f.get("confidence") or "-") for f in sub)
            print(f"   of which {pkg}/: {len(sub)} findings")
            for (rule, conf), n in sorted(counts.items()):
                print(f"      {rule} {conf:7s} {n}")
    allf.sort(key=lambda f: (f["_corpus"], f["path"], f["range"]["start"]["line"], f["rule"]))
    rng = random.Random(a.seed)
    sample = rng.sample(allf, min(a.n, len(allf)))
    print(f"\n== sample: {len(sample)} of {len(allf)} (seed {a.seed})")
    for i, f in enumerate(sample, 1):
        line = f["range"]["start"]["line"]
        path = f["path"] if os.path.isabs(f["path"]) else os.path.join(f["_corpus"], f["path"])
        print(f"\n[{i}] {f['rule']} {f.get('confidence') or '-'} {path}:{line}\n    {f['message']}")
        for n in f.get("notes") or []:
            print(f"    note: {n}")
        for r in f.get("related") or []:
            rp = r.get("path") or f["path"]
            print(f"    related: {rp}:{r['range']['start']['line']} {r.get('message', '')}")
        for fl in f.get("flows") or []:
            print(f"    thread: {fl.get('message', '')}")
        print(excerpt(path, line))


if __name__ == "__main__":
    main()
