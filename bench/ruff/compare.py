#!/usr/bin/env python3
"""Compare pyshift's TY rules with ruff's pyupgrade UP rules on real code.

    python3 bench/ruff/compare.py --pyshift build-ruff/pyshift
    python3 bench/ruff/compare.py --no-pyshift               # ruff's counts only
    python3 bench/ruff/compare.py --pyshift P --corpus mine=~/src/proj --targets 3.10 \\
        --show 20 --list-all diffs.txt --min-agreement 0.99

For each corpus and each target (--min-python 3.X for pyshift, target-version
py3X for ruff) both tools scan the same list of files: every *.py under the
corpus (not under site-packages/dist-packages/__pycache__) that is UTF-8 and
that Python 3.11 compiles (compile(), so test data that is not valid
Python 3, or not UTF-8, is left out of both). ruff runs through ruff.mjs (one
Node process per corpus and target), pyshift as
`pyshift check --isolated --select TY --min-python X --format json
--no-respect-gitignore -jN FILE...` with the corpus as working directory
(files named on the command line, so pyshift's default excludes do not change
the list).

Findings are matched on (path, rule, start line, start column): ruff's columns
are 1-based characters (ruff.mjs asks for PositionEncoding.Utf32), as are the
`column` fields of pyshift's JSON. Codes are mapped UP006->TY006, UP007->TY007,
UP045->TY045, UP035->TY035, UP037->TY037, UP040->TY040, UP046->TY046,
UP047->TY047, UP019->TY101; other codes are ignored, and TY100/TY102 have no
ruff counterpart (reported as pyshift-only counts, never checked).

Per rule: both / ruff-only / pyshift-only, agreement both/(both+ruff_only)
("recall") and both/(both+pyshift_only) ("precision"); for matched pairs,
how often the fix is the same (presence, edits, applicability; ruff's
applicability is inferred by ruff.mjs). Then the first --show differences
per rule with their source lines. Exit status 1 when a rule that pyshift has
(per `pyshift rules`) and that either tool reported on falls below
--min-agreement in either direction, 2 on errors.

Python 3.11 standard library only.
"""
import argparse
import json
import re
import os
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))

UP_TO_TY = {
    "UP006": "TY006",
    "UP007": "TY007",
    "UP045": "TY045",
    "UP035": "TY035",
    "UP037": "TY037",
    "UP040": "TY040",
    "UP046": "TY046",
    "UP047": "TY047",
    "UP019": "TY101",
}
NO_RUFF_EQUIVALENT = {"TY100", "TY102"}
DEFAULT_CORPORA = [
    ("stdlib", "/usr/lib/python3.11"),
    ("django", "/usr/lib/python3/dist-packages/django"),
]
SKIP_DIRS = {"site-packages", "dist-packages", "__pycache__", ".git", "node_modules"}


def die(msg):
    print(f"compare.py: {msg}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- file list

def _check_file(args):
    root, rel = args
    path = os.path.join(root, rel)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        return rel, f"unreadable: {e.strerror}"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return rel, "not UTF-8"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            return rel, f"does not compile: {type(e).__name__}: {e}"
        except (RecursionError, MemoryError) as e:
            return rel, f"does not compile: {type(e).__name__}"
    return rel, None


def corpus_files(root, jobs, stubs=False):
    """(kept, excluded) relative paths, sorted; excluded maps path -> reason.
    With stubs, *.pyi files too (they must compile as Python, like the rest)."""
    rels = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in filenames:
            if f.endswith(".py") or (stubs and f.endswith(".pyi")):
                full = os.path.join(dirpath, f)
                if os.path.isfile(full):
                    rels.append(os.path.relpath(full, root))
    rels.sort()
    kept, excluded = [], {}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as ex:
        for rel, reason in ex.map(_check_file, [(root, r) for r in rels], chunksize=32):
            if reason is None:
                kept.append(rel)
            else:
                excluded[rel] = reason
    return kept, excluded


# ---------------------------------------------------------------- the tools

def run_ruff(node, root, files, target, codes, stubs=False):
    """Findings as dicts with path, rule (TY id), line, col, end_*, message, fix."""
    if not files:
        return [], [], 0.0
    cmd = [node, os.path.join(HERE, "ruff.mjs"), "--json", "--target", "py3%d" % target,
           "--select", ",".join(codes), "--files-from", "-"] + (["--stubs-as-future"] if stubs else [])
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=root, input="\n".join(files) + "\n", capture_output=True,
                          text=True)
    if proc.returncode != 0:
        die(f"ruff.mjs failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")
    findings, syntax = [], []
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        if d["code"] in ("invalid-syntax", "io-error", "ruff-error"):
            syntax.append(d)
            continue
        rule = UP_TO_TY.get(d["code"])
        if rule is None:
            continue
        fix = None
        if d["fix"] is not None:
            fix = {
                "applicability": d["fix"]["applicability"],
                "edits": sorted((e["row"], e["col"], e["end_row"], e["end_col"], e["content"])
                                for e in d["fix"]["edits"]),
            }
        findings.append({
            "path": os.path.normpath(d["path"]), "rule": rule, "up": d["code"],
            "line": d["row"], "col": d["col"], "end_line": d["end_row"], "end_col": d["end_col"],
            "message": d["message"], "fix": fix,
        })
    return findings, syntax, time.monotonic() - t0


def pyshift_rules(pyshift):
    proc = subprocess.run([pyshift, "rules", "--select", "TY"], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        die(f"`{pyshift} rules` failed: {proc.stderr.strip()}")
    ids = set()
    for line in proc.stdout.splitlines():
        word = line.split(" ", 1)[0]
        if word.startswith("TY") and word[2:].isdigit():
            ids.add(word)
    return ids


def run_pyshift(pyshift, root, files, target, jobs, rules_dir):
    cmd = [pyshift, "check", "--isolated", "--select", "TY", "--min-python", "3.%d" % target,
           "--format", "json", "--no-respect-gitignore", "-j%d" % jobs]
    if rules_dir:
        cmd += ["--rules", rules_dir]
    if not files:
        return [], "", 0.0
    cmd += ["--"] + files
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        die(f"pyshift failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")
    try:
        data = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as e:
        die(f"pyshift's JSON does not parse: {e}")
    findings = []
    for d in data:
        s, e = d["range"]["start"], d["range"]["end"]
        fix = None
        if d.get("fix"):
            fix = {
                "applicability": d["fix"]["applicability"],
                "edits": sorted((x["range"]["start"]["line"], x["range"]["start"]["column"],
                                 x["range"]["end"]["line"], x["range"]["end"]["column"], x["content"])
                                for x in d["fix"]["edits"]),
            }
        findings.append({
            "path": os.path.normpath(d["path"]), "rule": d["rule"], "line": s["line"],
            "col": s["column"], "end_line": e["line"], "end_col": e["column"],
            "message": d["message"], "fix": fix,
        })
    return findings, proc.stderr, time.monotonic() - t0


# ---------------------------------------------------------------- matching

def key(f):
    return (f["path"], f["rule"], f["line"], f["col"])


def match(ruff, mine):
    """Pairs, ruff-only and pyshift-only lists (multiset matching on key)."""
    by_key = defaultdict(list)
    for f in mine:
        by_key[key(f)].append(f)
    pairs, ruff_only = [], []
    # several findings can share a key (UP035: one per renamed member of one
    # import statement); pair equal fixes first, then equal fix presence
    pending = []
    for f in ruff:
        lst = by_key.get(key(f))
        exact = [p for p in lst or [] if p["fix"] == f["fix"] or
                 (p["fix"] and f["fix"] and p["fix"]["edits"] == f["fix"]["edits"])]
        if exact:
            lst.remove(exact[0])
            pairs.append((f, exact[0]))
        else:
            pending.append(f)
    for f in pending:
        lst = by_key.get(key(f))
        if not lst:
            ruff_only.append(f)
            continue
        same_presence = [p for p in lst if (p["fix"] is None) == (f["fix"] is None)]
        p = (same_presence or lst)[0]
        lst.remove(p)
        pairs.append((f, p))
    pyshift_only = [f for lst in by_key.values() for f in lst]
    return pairs, ruff_only, pyshift_only


# Differences the rule docs explain (pyshift is right, or deliberately
# narrower); they are listed and counted apart and do not count against the
# agreement. Each entry: (rule, side, predicate(finding, source line), reason).
DOCUMENTED = [
    ("TY006", "pyshift-only",
     lambda f, line: re.search(r"instead of `(?:[\w.]+\.)?(?:OrderedDict|Counter|ChainMap)`", f["message"]),
     "TY006 also rewrites typing.OrderedDict/Counter/ChainMap (docs/rules/TY006.md)"),
    ("TY035", "ruff-only",
     lambda f, line: _only_not_drop_in(f["message"]),
     "typing_extensions names whose typing version is not a drop-in yet at that Python "
     "(the notes of TY035's table; docs/rules/TY035.md)"),
    (None, "ruff-only",
     lambda f, line: _escaped_string_at(line, f["col"]),
     "a name inside a string annotation with escapes, which pyshift does not look into (docs/rules/TY006.md)"),
]


# typing_extensions names that TY035 reports later than ruff 0.17.3 (or
# never): the rows of its table whose `since` is later than ruff's.
NOT_DROP_IN_YET = {"is_typeddict", "TypedDict", "Protocol", "get_type_hints", "NamedTuple", "TypeAliasType",
                   "TypeVarTuple", "Literal", "Concatenate", "NewType", "deprecated"}


def _only_not_drop_in(message):
    """A UP035 message moving only names of NOT_DROP_IN_YET out of typing_extensions."""
    m = re.search(r"instead: (.*)$", message)
    if not m:
        return False
    names = re.findall(r"`([\w.]+)`", m.group(1))
    return bool(names) and all(n in NOT_DROP_IN_YET for n in names)


def _escaped_string_at(line, col):
    """True if a string literal with a backslash starts at 1-based col."""
    if not line or col < 1 or col > len(line):
        return False
    q = line[col - 1]
    if q not in "'\"":
        return False
    end = line.find(q, col)
    while end != -1 and line[end - 1] == "\\":
        end = line.find(q, end + 1)
    return "\\" in line[col - 1:end if end != -1 else len(line)]


def documented(rule, side, f, line):
    for r, sd, pred, reason in DOCUMENTED:
        if (r is None or r == rule) and sd == side and pred(f, line):
            return reason
    return None


def fix_relation(r, p):
    """'same', 'same-edits' (applicability differs), 'differ', 'ruff-only', 'pyshift-only', 'none'."""
    rf, pf = r["fix"], p["fix"]
    if rf is None and pf is None:
        return "none"
    if rf is None:
        return "pyshift-only"
    if pf is None:
        return "ruff-only"
    if rf["edits"] != pf["edits"]:
        return "differ"
    if rf["applicability"] and rf["applicability"] != pf["applicability"]:
        return "same-edits"
    return "same"


class Sources:
    def __init__(self):
        self.cache = {}

    def line(self, root, path, n):
        k = (root, path)
        if k not in self.cache:
            try:
                with open(os.path.join(root, path), encoding="utf-8-sig", errors="replace") as fh:
                    self.cache[k] = fh.read().split("\n")
            except OSError:
                self.cache[k] = []
        lines = self.cache[k]
        return lines[n - 1].rstrip("\r") if 0 < n <= len(lines) else ""


def fmt_fix(fix):
    if fix is None:
        return "no fix"
    edits = "; ".join(f"{json.dumps(c)}@{a}:{b}-{c2}:{d}" for a, b, c2, d, c in fix["edits"])
    return f"{fix['applicability'] or '?'} fix {edits}"


def describe(kind, f, root, src):
    code = f.get("up", f["rule"])
    text = src.line(root, f["path"], f["line"])
    return (f"  {kind:13} {f['path']}:{f['line']}:{f['col']}: {code} {f['message']}\n"
            f"  {'':13}   | {text.strip()}\n")


# ---------------------------------------------------------------- main

def write_markdown(path, results, ruff_version):
    """ruff's findings: N (fixable F, of which S safe) per rule x corpus/target."""
    cols, cells, rules = [], {}, []
    for r in results:
        if "ruff" not in r:
            continue
        col = f"{r['corpus']} {r['target']}"
        if col not in cols:
            cols.append(col)
        if r["rule"] not in rules:
            rules.append(r["rule"])
        n, fx, sf = r["ruff"], r["ruff_fixable"], r["ruff_fix_safe"]
        cells[(r["rule"], col)] = "0" if n == 0 else (f"{n} ({fx}/{sf})" if fx else f"{n} (-)")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"ruff {ruff_version}: findings (with a fix / with a safe fix)\n\n")
        fh.write("| rule | " + " | ".join(cols) + " |\n")
        fh.write("| --- |" + " ---: |" * len(cols) + "\n")
        ty_to_up = {v: k for k, v in UP_TO_TY.items()}
        for rule in rules:
            fh.write(f"| {ty_to_up[rule]} / {rule} | " + " | ".join(cells.get((rule, c), "") for c in cols) + " |\n")


def pct(a, b):
    return "  -   " if b == 0 else f"{100.0 * a / b:6.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--pyshift", help="the pyshift binary (e.g. build-ruff/pyshift)")
    g.add_argument("--no-pyshift", action="store_true",
                   help="run ruff only (every finding is ruff-only): ruff's counts")
    g.add_argument("--list-files", metavar="DIR",
                   help="print the files of DIR that would be compared (relative, one a line) and exit")
    ap.add_argument("--corpus", action="append", metavar="NAME=DIR",
                    help="corpus to scan (repeatable; default stdlib and django)")
    ap.add_argument("--targets", default="3.9,3.10,3.12", help="comma-separated 3.X (default %(default)s)")
    ap.add_argument("--rules", default=",".join(sorted(set(UP_TO_TY.values()))),
                    help="pyshift rule ids to compare (default: all that have a ruff counterpart)")
    ap.add_argument("--show", type=int, default=10, metavar="N", help="differences shown per rule (default 10)")
    ap.add_argument("--list-all", metavar="FILE", help="write every difference to FILE")
    ap.add_argument("--json-out", metavar="FILE", help="write the counts as JSON to FILE")
    ap.add_argument("--markdown", metavar="FILE",
                    help="write ruff's counts per rule, corpus and target as a Markdown table to FILE")
    ap.add_argument("--min-agreement", type=float, default=0.99,
                    help="fail below this agreement in either direction (default %(default)s)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="pyshift -j and file checking (default 2)")
    ap.add_argument("--node", default="node")
    ap.add_argument("--with-stubs", action="store_true",
                    help="compare *.pyi files too; ruff checks them with the future import put first "
                         "(ruff.mjs --stubs-as-future: the wasm API cannot say a file is a stub)")
    ap.add_argument("--rules-dir", help="pass --rules DIR to pyshift")
    args = ap.parse_args()

    if args.list_files:
        if not os.path.isdir(args.list_files):
            die(f"{args.list_files} is not a directory")
        kept, _excluded = corpus_files(os.path.abspath(args.list_files), args.jobs)
        sys.stdout.write("".join(f + "\n" for f in kept))
        return 0

    corpora = DEFAULT_CORPORA
    if args.corpus:
        corpora = []
        for c in args.corpus:
            name, sep, d = c.partition("=")
            if not sep:
                die(f"--corpus wants NAME=DIR, got {c}")
            corpora.append((name, os.path.expanduser(d)))
    for name, d in corpora:
        if not os.path.isdir(d):
            die(f"corpus {name}: {d} is not a directory (bench/ruff/setup.sh --corpora installs them)")
    try:
        targets = [int(t.split(".")[1]) for t in args.targets.split(",") if t]
    except (IndexError, ValueError):
        die(f"--targets wants 3.X values, got {args.targets}")
    rules = [r for r in args.rules.split(",") if r]
    ty_to_up = {v: k for k, v in UP_TO_TY.items()}
    bad = [r for r in rules if r not in ty_to_up]
    if bad:
        die(f"no ruff counterpart for {', '.join(bad)}")
    codes = [ty_to_up[r] for r in rules]

    if args.pyshift:
        pyshift = os.path.abspath(args.pyshift)
        if not os.access(pyshift, os.X_OK):
            die(f"{args.pyshift} is not an executable")
        has = pyshift_rules(pyshift)
    else:
        pyshift, has = None, set()
    ruff_version = subprocess.run([args.node, os.path.join(HERE, "ruff.mjs"), "--version"],
                                  capture_output=True, text=True).stdout.strip()
    if not ruff_version:
        die("ruff.mjs does not run: run bench/ruff/setup.sh")

    print(f"ruff {ruff_version} (wasm) vs {'pyshift ' + args.pyshift if pyshift else 'no pyshift'}"
          f"; pyshift has: {', '.join(sorted(has)) or '-'}")
    src = Sources()
    listing = open(args.list_all, "w", encoding="utf-8") if args.list_all else None
    results = []
    failures = []
    for cname, root in corpora:
        root = os.path.abspath(root)
        t0 = time.monotonic()
        files, excluded = corpus_files(root, args.jobs, args.with_stubs)
        print(f"\n=== corpus {cname}: {root}: {len(files)} files compared, {len(excluded)} left out "
              f"({time.monotonic() - t0:.1f}s to list)")
        reasons = Counter(r.split(":")[0] for r in excluded.values())
        if excluded:
            print("    left out: " + ", ".join(f"{n} {r}" for r, n in reasons.most_common()))
        for target in targets:
            ruff, syntax, t_ruff = run_ruff(args.node, root, files, target, codes, args.with_stubs)
            if pyshift:
                mine, perr, t_py = run_pyshift(pyshift, root, files, target, args.jobs, args.rules_dir)
            else:
                mine, perr, t_py = [], "", 0.0
            hard = [s for s in syntax if not s["message"].startswith("Cannot use")
                    and "on Python 3." not in s["message"]]
            print(f"\n--- {cname} at 3.{target} (ruff py3{target}: {t_ruff:.1f}s"
                  + (f", pyshift: {t_py:.1f}s" if pyshift else "") + ")"
                  + (f"; ruff's syntax errors not about the version: {len(hard)} in "
                     f"{len({s['path'] for s in hard})} files" if hard else ""))
            for s in hard[:5]:
                print(f"    ruff: {s['path']}:{s['row']}:{s['col']}: {s['message']}")
            if perr.strip():
                lines = perr.strip().splitlines()
                print(f"    pyshift stderr ({len(lines)} lines): " + " | ".join(lines[:3]))
            by_rule_r = defaultdict(list)
            by_rule_p = defaultdict(list)
            for f in ruff:
                by_rule_r[f["rule"]].append(f)
            extra = Counter()
            for f in mine:
                if f["rule"] in rules:
                    by_rule_p[f["rule"]].append(f)
                elif f["rule"] not in ty_to_up:
                    extra[f["rule"]] += 1   # TY100, TY102: nothing to compare with
            print(f"    {'rule':6} {'ruff':>7} {'pyshift':>7} {'both':>7} {'ruff-only':>9} {'py-only':>7}"
                  f" {'recall%':>7} {'prec%':>7}  fixes of matched: same / edits differ / appl. differs"
                  f" / ruff only / pyshift only")
            for rule in rules:
                r, p = by_rule_r.get(rule, []), by_rule_p.get(rule, [])
                pairs, ronly, ponly = match(r, p)
                both = len(pairs)
                rel = Counter(fix_relation(a, b) for a, b in pairs)
                checked = rule in has
                row = {
                    "corpus": cname, "target": f"3.{target}", "rule": rule, "ruff_code": ty_to_up[rule],
                    "ruff": len(r), "pyshift": len(p), "both": both, "ruff_only": len(ronly),
                    "pyshift_only": len(ponly), "ruff_fixable": sum(1 for f in r if f["fix"]),
                    "ruff_fix_safe": sum(1 for f in r if f["fix"] and f["fix"]["applicability"] == "safe"),
                    "fix_relation": dict(rel), "checked": checked,
                }
                results.append(row)
                # Documented differences: counted apart, not against agreement.
                doc_r = [f for f in ronly if documented(rule, "ruff-only", f, src.line(root, f["path"], f["line"]))]
                doc_p = [f for f in ponly if documented(rule, "pyshift-only", f, src.line(root, f["path"], f["line"]))]
                row["documented_ruff_only"], row["documented_pyshift_only"] = len(doc_r), len(doc_p)
                nr, np_ = len(ronly) - len(doc_r), len(ponly) - len(doc_p)
                recall = both / (both + nr) if both + nr else 1.0
                precision = both / (both + np_) if both + np_ else 1.0
                flag = ""
                if checked and (r or p) and (recall < args.min_agreement or precision < args.min_agreement):
                    flag = "  <-- below %.2f%%" % (100 * args.min_agreement)
                    failures.append(f"{cname} 3.{target} {rule}: recall {recall:.4f}, precision {precision:.4f}")
                elif not checked and pyshift:
                    flag = "  (pyshift has no such rule)"
                print(f"    {rule:6} {len(r):7} {len(p):7} {both:7} {len(ronly):9} {len(ponly):7}"
                      f" {pct(both, both + len(ronly)):>7} {pct(both, both + len(ponly)):>7}  "
                      f"{rel['same'] + rel['none']} / {rel['differ']} / {rel['same-edits']} / "
                      f"{rel['ruff-only']} / {rel['pyshift-only']}{flag}")
                if doc_r or doc_p:
                    print(f"           documented differences (not counted): {len(doc_r)} ruff-only, "
                          f"{len(doc_p)} pyshift-only; agreement without them {pct(both, both + nr)} / "
                          f"{pct(both, both + np_)}")
                diffs = [("ruff-only", f) for f in ronly if f not in doc_r] + \
                        [("pyshift-only", f) for f in ponly if f not in doc_p] + \
                        [("documented ruff-only", f) for f in doc_r] + [("documented pyshift-only", f) for f in doc_p]
                diffs.sort(key=lambda kf: (kf[1]["path"], kf[1]["line"], kf[1]["col"], kf[0]))
                fixdiffs = [(a, b) for a, b in pairs if fix_relation(a, b) not in ("same", "none")]
                if pyshift and args.show and (diffs or fixdiffs):
                    for kind, f in diffs[:args.show]:
                        sys.stdout.write("    " + describe(kind, f, root, src).replace("\n  ", "\n      "))
                    if len(diffs) > args.show:
                        print(f"      ... {len(diffs) - args.show} more (--list-all)")
                    for a, b in fixdiffs[:max(0, args.show - len(diffs))]:
                        print(f"      fix differs  {a['path']}:{a['line']}:{a['col']}: {a['up']}\n"
                              f"                   ruff:    {fmt_fix(a['fix'])}\n"
                              f"                   pyshift: {fmt_fix(b['fix'])}")
                if listing and pyshift:
                    for kind, f in diffs:
                        listing.write(f"[{cname} 3.{target} {rule}]" + describe(kind, f, root, src))
                    for a, b in fixdiffs:
                        listing.write(f"[{cname} 3.{target} {rule}]  fix differs  {a['path']}:{a['line']}:"
                                      f"{a['col']}: {a['up']}\n    ruff:    {fmt_fix(a['fix'])}\n"
                                      f"    pyshift: {fmt_fix(b['fix'])}\n")
            if extra:
                print("    pyshift, no ruff counterpart: " + ", ".join(f"{k} {v}" for k, v in sorted(extra.items())))
                for k, v in extra.items():
                    results.append({"corpus": cname, "target": f"3.{target}", "rule": k, "pyshift": v,
                                    "checked": False})
    if listing:
        listing.close()
        print(f"\nevery difference: {args.list_all}")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump({"ruff": ruff_version, "results": results}, fh, indent=1)
    if args.markdown:
        write_markdown(args.markdown, results, ruff_version)
    if failures:
        print(f"\nFAIL: {len(failures)} rule/corpus/target below {args.min_agreement}:")
        for f in failures:
            print("  " + f)
        return 1
    print("\nOK" + ("" if pyshift else " (ruff only: nothing checked)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
