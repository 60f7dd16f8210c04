#!/usr/bin/env python3
"""Compare pyshift's FT findings with the corpus markers.

Markers (a comment on the line the analysis must report):
    # expect: FT003        a finding of rule FT003 is expected on this line
    # ok: FT003            a finding of rule FT003 on this line is a near-miss violation
Several ids may be listed, comma- or space-separated (`# expect: FT001, FT002`).

For each case directory under --races (tests/ft/races/<case>/) and for the semantics fixtures
(--semantics, each file its own unit), run

    pyshift check --target-version 3.14t --select FT --format json <dir>

and report per unit and in total:
    recall       expected markers matched by a finding of that rule on that line
    near-misses  findings on `# ok:` lines of that rule
    unexpected   findings on lines with no marker for that rule

--allow FILE lists known-unsupported `# expect:` markers, one a line, as check.py prints them
followed by the reason (`ft/races/case/racy.py:19 FT002  why it cannot be found`; `#` starts a
comment line): with --strict they are reported but not violations, and an entry whose marker is
found (or that names no `# expect:` marker) is a violation, so the list only shrinks. An entry
without a reason is a setup error.

--json-input FILE reads findings from a JSON file instead of running pyshift (the format of
docs/output-formats.md: an array of findings with "rule", "path" and "range.start.line"), to test
the parsing. Exit 1 with --strict on any missed marker, near-miss or unexpected finding (use
--strict-unexpected=no to tolerate unexpected findings); exit 2 on a setup error (no binary, an
empty corpus, pyshift failing).
"""
import argparse
import json
import os
import re
import subprocess
import sys

MARKER = re.compile(r"#\s*(expect|ok):\s*(FT\d{3}(?:\s*[, ]\s*FT\d{3})*)")


def markers_of(path):
    """{(line, rule): 'expect'|'ok'} for one Python file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            for m in MARKER.finditer(text):
                for rule in re.findall(r"FT\d{3}", m.group(2)):
                    out[(lineno, rule)] = m.group(1)
    return out


def python_files(root):
    if os.path.isfile(root):
        return [root]
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                found.append(os.path.join(dirpath, name))
    return found


def run_pyshift(binary, target, extra):
    cmd = [binary, "check", "--target-version", "3.14t", "--select", "FT", "--format", "json",
           "--exit-zero", "--isolated"] + extra + [target]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError("pyshift failed (exit %d) on %s:\n%s" % (proc.returncode, target, proc.stderr))
    try:
        return json.loads(proc.stdout or "[]")
    except json.JSONDecodeError as e:
        raise RuntimeError("pyshift printed no JSON for %s: %s" % (target, e))


def findings_by_file(findings):
    """{realpath: {(line, rule), ...}} from pyshift's JSON findings."""
    out = {}
    for f in findings:
        rule = f.get("rule", "")
        if not rule.startswith("FT"):
            continue
        path = os.path.realpath(f["path"])
        line = f["range"]["start"]["line"]
        out.setdefault(path, set()).add((line, rule))
    return out


class Tally:
    def __init__(self):
        self.expected = self.found = 0
        self.missed = []
        self.near_misses = []
        self.unexpected = []

    def add(self, other):
        self.expected += other.expected
        self.found += other.found
        self.missed += other.missed
        self.near_misses += other.near_misses
        self.unexpected += other.unexpected


def compare(files, found_by_file, rel):
    t = Tally()
    for path in files:
        marks = markers_of(path)
        got = found_by_file.get(os.path.realpath(path), set())
        for (line, rule), kind in sorted(marks.items()):
            if kind == "expect":
                t.expected += 1
                if (line, rule) in got:
                    t.found += 1
                else:
                    t.missed.append("%s:%d %s" % (rel(path), line, rule))
            elif (line, rule) in got:
                t.near_misses.append("%s:%d %s" % (rel(path), line, rule))
        for line, rule in sorted(got):
            if (line, rule) not in marks:
                t.unexpected.append("%s:%d %s" % (rel(path), line, rule))
    return t


def read_allow(path):
    """{"path:line RULE": reason} from an allowlist file; raises ValueError on a bad line."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for lineno, text in enumerate(f, 1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            m = re.match(r"(\S+:\d+)\s+(FT\d{3})\s+(\S.*)$", text)
            if not m:
                raise ValueError("%s:%d: expected `path:line FTnnn  reason`, got %r" % (path, lineno, text))
            out["%s %s" % (m.group(1), m.group(2))] = m.group(3)
    return out


def pct(a, b):
    return "%5.1f%%" % (100.0 * a / b) if b else "  n/a "


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pyshift", help="the pyshift binary to run")
    ap.add_argument("--races", default=os.path.join(here, "races"))
    ap.add_argument("--semantics", default=os.path.join(here, "semantics"))
    ap.add_argument("--json-input", help="read findings from this JSON file instead of running pyshift")
    ap.add_argument("--strict", action="store_true", help="exit 1 on any miss, near-miss or unexpected finding")
    ap.add_argument("--strict-unexpected", choices=("yes", "no"), default="yes")
    ap.add_argument("--pyshift-arg", action="append", default=[], help="extra argument passed to pyshift")
    ap.add_argument("--allow", help="known-unsupported `# expect:` markers, each with a reason")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and unexpected finding")
    args = ap.parse_args(argv)

    units = []  # (name, target dir or file, [files])
    for root, kind in ((args.races, "race"), (args.semantics, "semantics")):
        if not os.path.isdir(root):
            print("check.py: corpus directory %s does not exist" % root, file=sys.stderr)
            return 2
        entries = sorted(e for e in os.listdir(root) if not e.startswith((".", "_")))
        for e in entries:
            p = os.path.join(root, e)
            if kind == "race" and os.path.isdir(p):
                units.append((e, p, python_files(p)))
            elif kind == "semantics" and e.endswith(".py"):
                units.append(("semantics/" + e, p, [p]))
    units = [u for u in units if u[2]]
    n_markers = sum(1 for _, _, files in units for f in files
                    for kind in markers_of(f).values() if kind == "expect")
    if not units or not n_markers:
        print("check.py: the corpus is empty (no case with an `# expect:` marker)", file=sys.stderr)
        return 2

    allow = {}
    if args.allow:
        try:
            allow = read_allow(args.allow)
        except (OSError, ValueError) as e:
            print("check.py: %s" % e, file=sys.stderr)
            return 2

    if args.json_input:
        with open(args.json_input, encoding="utf-8") as f:
            all_found = findings_by_file(json.load(f))
    else:
        if not args.pyshift or not (os.path.isfile(args.pyshift) and os.access(args.pyshift, os.X_OK)):
            print("check.py: pyshift binary %r is missing or not executable (--pyshift)" % args.pyshift,
                  file=sys.stderr)
            return 2
        all_found = {}
        try:
            for _, target, _ in units:
                all_found.update(findings_by_file(run_pyshift(args.pyshift, target, args.pyshift_arg)))
        except RuntimeError as e:
            print("check.py: %s" % e, file=sys.stderr)
            return 2

    base = os.path.dirname(here)
    rel = lambda p: os.path.relpath(p, base)
    total = Tally()
    width = max(len(name) for name, _, _ in units)
    print("%-*s  %9s  %7s  %5s  %5s" % (width, "case", "recall", "", "near", "unexp"))
    for name, _, files in units:
        t = compare(files, all_found, rel)
        total.add(t)
        print("%-*s  %4d/%-4d  %s  %5d  %5d" % (width, name, t.found, t.expected, pct(t.found, t.expected),
                                               len(t.near_misses), len(t.unexpected)))
        if args.verbose:
            for m in t.missed:
                print("    missed      %s" % m)
            for m in t.near_misses:
                print("    near-miss   %s" % m)
            for m in t.unexpected:
                print("    unexpected  %s" % m)
    print("%-*s  %4d/%-4d  %s  %5d  %5d" % (width, "TOTAL", total.found, total.expected,
                                           pct(total.found, total.expected),
                                           len(total.near_misses), len(total.unexpected)))
    for m in total.near_misses:
        print("near-miss: %s" % m)
    missed = [m for m in total.missed if m not in allow]
    for m in total.missed:
        if m in allow:
            print("known miss: %s (%s)" % (m, allow[m]))
        elif not args.verbose:
            print("missed: %s" % m)
    expected = set()
    for _, _, files in units:
        for path in files:
            for (line, rule), kind in markers_of(path).items():
                if kind == "expect":
                    expected.add("%s:%d %s" % (rel(path), line, rule))
    stale = sorted(m for m in allow if m not in total.missed)
    for m in stale:
        why = "is found now" if m in expected else "names no `# expect:` marker"
        print("stale allowlist entry: %s %s: remove it from %s" % (m, why, args.allow))
    violations = len(missed) + len(total.near_misses) + len(stale)
    if args.strict_unexpected == "yes":
        violations += len(total.unexpected)
    if args.strict and violations:
        print("check.py: %d violation(s) (--strict)" % violations, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
