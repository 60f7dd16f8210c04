#!/usr/bin/env python3
"""Check a JUnit XML report (pyshift --format junit): it parses with
xml.etree and has the shape GitLab and Jenkins read.

Usage: python3 junit_check.py REPORT [PYSHIFT_JSON]

The shape, from the readers:
  * GitLab (lib/gitlab/ci/parsers/test/junit.rb): one top-level
    <testsuites> (or a <testsuite>), <testcase> elements inside a
    <testsuite>; a testcase's status is failed when it has a <failure>,
    else error with an <error>, else skipped with <skipped>, else success;
    it shows the testcase's name, classname and file attributes and the
    failure's text.
  * Jenkins' junit plugin (the JUnit XML of Ant's and Maven Surefire's
    XSDs): <testsuite> with name, tests, failures, errors (and skipped);
    <testcase> with name and classname; <failure>/<error> with message and
    type attributes and the details as text; a testcase may hold several.

Checked here: the root is <testsuites> holding <testsuite> elements; the
counts in both agree with the testcases (tests: testcases, failures:
testcases with a failure, errors: testcases with an error and no
failure); every testcase has non-empty name and classname, a file equal to
its name, and only <failure>/<error> children with message and type;
testcase names are unique. With PYSHIFT_JSON (the --format json output of
the same run), each finding is one <failure> of its path's testcase, with
type the rule id and the text starting "path:line:col: ID message".

Exit 0 when the report passes, 1 otherwise (each problem printed).
"""

import collections
import json
import sys
import xml.etree.ElementTree as ET


def count(el, attr, problems, where):
    v = el.get(attr)
    if v is None or not v.isdigit():
        problems.append(f"{where}: {attr}={v!r} is not a count")
        return None
    return int(v)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problems = []
    try:
        root = ET.parse(argv[1]).getroot()
    except ET.ParseError as e:
        print(f"{argv[1]}: does not parse as XML: {e}")
        return 1
    if root.tag != "testsuites":
        problems.append(f"root element <{root.tag}>, expected <testsuites>")
    suites = root.findall("testsuite")
    if not suites:
        problems.append("no <testsuite> in <testsuites>")
    cases = {}
    totals = collections.Counter()
    for si, suite in enumerate(suites):
        where = f"testsuite[{si}]"
        if not suite.get("name"):
            problems.append(f"{where}: no name")
        n = f = e = 0
        for ci, tc in enumerate(suite):
            cw = f"{where}/{tc.tag}[{ci}]"
            if tc.tag != "testcase":
                problems.append(f"{cw}: unexpected element in a testsuite")
                continue
            n += 1
            name, cls = tc.get("name"), tc.get("classname")
            if not name or not cls:
                problems.append(f"{cw}: name={name!r} classname={cls!r} (both required)")
            if tc.get("file") != name:
                problems.append(f"{cw}: file={tc.get('file')!r} differs from name={name!r}")
            if name in cases:
                problems.append(f"{cw}: a second testcase for {name!r}")
            cases[name] = tc
            kinds = set()
            for child in tc:
                if child.tag not in ("failure", "error"):
                    problems.append(f"{cw}: unexpected <{child.tag}>")
                    continue
                kinds.add(child.tag)
                if not child.get("message") or not child.get("type"):
                    problems.append(f"{cw}/{child.tag}: message and type are required")
                if not (child.text or "").strip():
                    problems.append(f"{cw}/{child.tag}: no details text")
            if "failure" in kinds:
                f += 1
            elif "error" in kinds:
                e += 1
        for attr, want in (("tests", n), ("failures", f), ("errors", e)):
            got = count(suite, attr, problems, where)
            if got is not None and got != want:
                problems.append(f"{where}: {attr}={got}, but the testcases say {want}")
        if suite.get("skipped") not in (None, "0"):
            problems.append(f"{where}: skipped={suite.get('skipped')!r}")
        totals.update(tests=n, failures=f, errors=e)
    for attr in ("tests", "failures", "errors"):
        got = count(root, attr, problems, "testsuites")
        if got is not None and got != totals[attr]:
            problems.append(f"testsuites: {attr}={got}, but the testsuites say {totals[attr]}")
    n_failures = sum(1 for tc in cases.values() for c in tc if c.tag == "failure")
    if len(argv) == 3:
        findings = json.load(open(argv[2], encoding="utf-8"))
        want = collections.Counter()
        for fd in findings:
            s = fd["range"]["start"]
            want[(fd["path"], fd["rule"], f"{fd['path']}:{s['line']}:{s['column']}: {fd['rule']} {fd['message']}")] += 1
        got = collections.Counter()
        for name, tc in cases.items():
            for c in tc:
                if c.tag == "failure":
                    got[(name, c.get("type"), (c.text or "").split("\n", 1)[0])] += 1
        if want != got:
            missing = list((want - got).elements())[:5]
            extra = list((got - want).elements())[:5]
            problems.append(f"{n_failures} failures for {len(findings)} JSON findings; missing {missing}, unexpected {extra}")
    for p in problems:
        print(f"{argv[1]}: {p}")
    if not problems:
        print(f"{argv[1]}: ok ({len(cases)} testcases, {n_failures} failures, {totals['errors']} errors)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
