#!/usr/bin/python3
"""compare.py: run pyshift and the ast oracle on the same paths and compare.

    /usr/bin/python3 tests/oracle/compare.py --pyshift build/pyshift \\
        [--select RM001,DP001] [--target-version 3.14 ...] [--min-python 3.9] \\
        [--min-precision 100] [--min-recall 99] PATHS...

For each target version it runs

    pyshift check --isolated --exit-zero --no-respect-gitignore \\
        --select IDS --target-version V --format json PATHS

(with PYSHIFT_RULES_DIR set to the rules directory the oracle reads), and
the oracle (tests/oracle/oracle.py) over the same rule files, then compares
the sets of (path, line, rule). The oracle is the reference: a pyshift
finding it does not list is a false positive, a finding it lists that
pyshift lacks is a false negative. Files that Python's ast cannot parse (or
decode) are left out of the comparison and counted. Prints per-rule TP, FP,
FN, precision and recall and every mismatch with its source line; exits 1
when a rule is below a threshold, 2 on an error.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def norm(path: str) -> str:
    return os.path.abspath(path)


def source_line(path: str, line: int) -> str:
    try:
        with open(path, "rb") as f:
            for i, raw in enumerate(f, 1):
                if i == line:
                    return raw.decode("utf-8", "replace").rstrip("\r\n")
    except OSError:
        pass
    return "?"


def run_pyshift(pyshift: str, rules_dir: str, ids: list[str], target: str, paths: list[str],
                jobs: int | None, min_python: str = "3.9"):
    cmd = [pyshift, "check", "--isolated", "--exit-zero", "--no-respect-gitignore",
           "--select", ",".join(ids), "--target-version", target, "--min-python", min_python,
           "--format", "json"]
    if jobs:
        cmd += ["-j", str(jobs)]
    cmd += ["--"] + paths if any(p.startswith("-") for p in paths) else paths
    env = dict(os.environ, PYSHIFT_RULES_DIR=rules_dir)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, env=env)
    dt = time.monotonic() - t0
    try:
        findings = json.loads(p.stdout.decode("utf-8"))
    except ValueError:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"compare: pyshift exited {p.returncode} without JSON output: {' '.join(cmd)}")
    # Exit 2 with JSON happens when some file could not be read or decoded
    # (a per-file warning counts as an error); keep the messages.
    warnings = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    if p.returncode not in (0, 2):
        raise SystemExit(f"compare: pyshift exited {p.returncode}: {' '.join(cmd)}\n" + "\n".join(warnings))
    return findings, warnings, dt, p.returncode


def pct(a: int, b: int) -> float:
    return 100.0 * a / b if b else 100.0


def compare_one(args, rules, ids, target_s: str) -> bool:
    target = oracle.parse_version(target_s.rstrip("t"))
    t0 = time.monotonic()
    res = oracle.run_oracle(args.paths, rules, target, args.jobs, oracle.parse_version(args.min_python))
    t_oracle = time.monotonic() - t0
    ps, warnings, t_ps, rc = run_pyshift(args.pyshift, args.rules_dir, ids, target_s, args.paths, args.jobs,
                                         args.min_python)

    skipped = {norm(p) for p in res.unparsable}
    o_set = {}
    for f in res.findings:
        o_set[(norm(f.path), f.line, f.rule)] = f
    p_set = {}
    p_skipped = []
    for f in ps:
        if f["rule"] not in ids:
            continue
        k = (norm(f["path"]), f["range"]["start"]["line"], f["rule"])
        if k[0] in skipped:
            p_skipped.append((k, f))
            continue
        p_set.setdefault(k, f)

    print(f"== target {target_s}: {len(res.files)} files ({len(res.unparsable)} not parsable by ast, "
          f"left out), oracle {len(o_set)} findings in {t_oracle:.1f}s, pyshift {len(p_set)} "
          f"in {t_ps:.1f}s (exit {rc}, {len(warnings)} stderr lines)")
    if args.verbose:
        for p, why in sorted(res.unparsable.items()):
            print(f"   not parsable: {p}: {why}")
        for w in warnings:
            print(f"   pyshift: {w}")
    ok = True
    if len(o_set) < args.min_findings:
        print(f"   the oracle found {len(o_set)} findings, fewer than --min-findings {args.min_findings}: "
              "the corpus proves nothing (first-party detection hiding everything?)")
        ok = False
    known = args.known_set
    print(f"   {'rule':<6} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>10} {'recall':>8}"
          + ("   (known pyshift bugs: FP FN; thresholds apply to the rest)" if known else ""))
    for rid in ids:
        o = {k for k in o_set if k[2] == rid}
        p = {k for k in p_set if k[2] == rid}
        tp, fp, fn = len(o & p), len(p - o), len(o - p)
        prec, rec = pct(tp, tp + fp), pct(tp, tp + fn)
        kfp = len({k for k in p - o if k in known})
        kfn = len({k for k in o - p if k in known})
        bad = pct(tp, tp + fp - kfp) < args.min_precision or pct(tp, tp + fn - kfn) < args.min_recall
        ok &= not bad
        print(f"   {rid:<6} {tp:>5} {fp:>5} {fn:>5} {prec:>9.2f}% {rec:>7.2f}%"
              + (f"   known {kfp} {kfn}" if known else "") + ("   BELOW THRESHOLD" if bad else ""))
    stale = {k for k in known if k[0] in {p for p, _, _ in set(o_set) | set(p_set)} or os.path.isfile(k[0])}
    stale = {k for k in stale if k[2] in ids and (k in o_set) == (k in p_set)
             and any(os.path.commonpath([k[0], norm(x)]) == norm(x) or k[0] == norm(x) for x in args.paths)}
    for path, line, rid in sorted(stale):
        print(f"   FIXED? {os.path.relpath(path)}:{line}: {rid} is in the known list but both sides agree now")
    mism = sorted([(k, "FP") for k in set(p_set) - set(o_set)] + [(k, "FN") for k in set(o_set) - set(p_set)],
                  key=lambda x: (x[0][0], x[0][1], x[0][2]))
    for (path, line, rid), kind in mism:
        if (path, line, rid) in known:
            kind = "known-" + kind
        shown = os.path.relpath(path) if not os.path.relpath(path).startswith("../..") else path
        if kind.endswith("FP"):
            msg = p_set[(path, line, rid)]["message"]
            print(f"   {kind} {shown}:{line}: {rid}: pyshift says: {msg}; oracle: nothing")
        else:
            f = o_set[(path, line, rid)]
            what = f.vars.get("module") or f.vars.get("name")
            print(f"   {kind} {shown}:{line}: {rid}: oracle says: `{what}` removed in "
                  f"{f.vars.get('removed_in')}; pyshift: nothing")
        print(f"        | {source_line(path, line).strip()}")
        if kind.endswith("FN") and o_set[(path, line, rid)].notes:
            print(f"        note: {'; '.join(o_set[(path, line, rid)].notes)}")
    if p_skipped:
        print(f"   ({len(p_skipped)} pyshift findings in files ast cannot parse, not compared)")
        if args.verbose:
            for (path, line, rid), f in p_skipped:
                print(f"      {os.path.relpath(path)}:{line}: {rid} {f['message']}")
    return ok


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--pyshift", default=os.path.join(repo, "build", "pyshift"))
    ap.add_argument("--rules-dir", default=os.path.join(repo, "rules"))
    ap.add_argument("--select", default=None,
                    help="rule ids (default: every rule the oracle implements)")
    ap.add_argument("--target-version", action="append", default=None,
                    help="repeatable (default 3.14)")
    ap.add_argument("--min-python", default="3.9", help="passed to both (default 3.9)")
    ap.add_argument("--min-precision", type=float, default=100.0)
    ap.add_argument("--min-recall", type=float, default=99.0)
    ap.add_argument("--min-findings", type=int, default=0,
                    help="fail if the oracle finds fewer than this at any target (a vacuous corpus proves nothing)")
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--known", default=None,
                    help="file of known pyshift bugs (PATH:LINE: RULE note; PATH relative to the repo "
                         "or absolute): listed, but left out of the thresholds")
    args = ap.parse_args(argv)
    args.known_set = set()
    if args.known:
        with open(args.known, encoding="utf-8") as f:
            for ln in f:
                ln = ln.strip()
                if not ln or ln.startswith("#"):
                    continue
                loc, _, rest = ln.partition(": ")
                path, _, line = loc.rpartition(":")
                rid = rest.split()[0]
                path = path if os.path.isabs(path) else os.path.join(repo, path)
                args.known_set.add((norm(path), int(line), rid))

    all_rules = oracle.load_rules(args.rules_dir)
    by_id = {r.id: r for r in all_rules}
    if args.select:
        wanted = [s.strip() for s in args.select.split(",") if s.strip()]
    else:
        wanted = [r.id for r in all_rules if oracle.supported(r)]
    ids, rules = [], []
    for w in wanted:
        r = by_id.get(w)
        if r is None:
            print(f"compare: {w}: no rule file in {args.rules_dir} yet, skipped")
        elif not oracle.supported(r):
            print(f"compare: {w}: the oracle has no `{r.analysis}` analysis, skipped")
        else:
            ids.append(w)
            rules.append(r)
    if not ids:
        print("compare: nothing to compare", file=sys.stderr)
        return 2
    ok = True
    for t in args.target_version or ["3.14"]:
        ok &= compare_one(args, rules, ids, t)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
