#!/usr/bin/env python3
"""Check a GitLab Code Quality report (pyshift --format gitlab) against
GitLab's published schema and documented format.

Usage: python3 gitlab_codequality_check.py REPORT [PYSHIFT_JSON]

GitLab's schema cannot be fetched at test time (no network), so what it
requires is restated here. Sources:

  * the JSON schema GitLab validates each issue with before keeping it,
    app/validators/json_schemas/codeclimate.json in gitlab-org/gitlab
    (read at the gitlabhq/gitlabhq mirror, commit
    33827e3a534757eead42e6c17460564c49ff1c3a; used by
    lib/gitlab/ci/reports/codequality_reports.rb `valid_degradation?`,
    and lib/gitlab/ci/parsers/codequality/code_climate.rb stops reading the
    report at the first issue that fails it): an object with required
    "description", "fingerprint", "severity" (strings) and "location" (an
    object); location.path a string, location.lines.begin and
    location.positions.begin.line integers when present;
  * the documented report format, doc/ci/testing/code_quality.md "Code
    Quality report format" (gitlabhq/gitlabhq commit
    1dfe61a9c1fe11a451cb24439a212b9c6df9f209): a single JSON array, no byte
    order mark; each object has at least "description", "check_name",
    "fingerprint" (strings), "severity" (one of info, minor, major,
    critical, blocker), "location.path" (a relative path in the
    repository) and "location.lines.begin" or
    "location.positions.begin.line" (an integer);
  * CodequalityReports#add_degradation keys issues by fingerprint, so a
    repeated fingerprint silently drops an issue: fingerprints must be
    unique.

Beyond GitLab's rules, this checks what pyshift promises
(docs/output-formats.md): lines >= 1 and end >= begin, "type": "issue",
paths not starting with "./" or "/" inside the repository (an absolute
path only for a file outside it, which the golden run has none of), and,
with PYSHIFT_JSON (the --format json output of the same run), one issue per
finding with the same rule, line and severity mapping.

Exit 0 when the report passes, 1 otherwise (each problem printed).
"""

import json
import sys

SEVERITIES = ("info", "minor", "major", "critical", "blocker")
# docs/output-formats.md, "gitlab"
SEVERITY_OF = {"hint": "info", "info": "minor", "warning": "major", "error": "critical"}


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_issue(i, issue, problems):
    where = f"[{i}]"
    if not isinstance(issue, dict):
        problems.append(f"{where}: not an object")
        return
    # GitLab's schema (required, types)
    for key in ("description", "fingerprint", "severity", "location"):
        if key not in issue:
            problems.append(f"{where}: missing required {key!r} (GitLab's schema)")
    for key in ("description", "fingerprint", "severity"):
        if key in issue and not isinstance(issue[key], str):
            problems.append(f"{where}.{key}: not a string")
    loc = issue.get("location")
    if "location" in issue and not isinstance(loc, dict):
        problems.append(f"{where}.location: not an object")
        loc = None
    loc = loc or {}
    if "path" in loc and not isinstance(loc["path"], str):
        problems.append(f"{where}.location.path: not a string")
    lines = loc.get("lines")
    if lines is not None:
        if not isinstance(lines, dict):
            problems.append(f"{where}.location.lines: not an object")
            lines = {}
        elif "begin" in lines and not is_int(lines["begin"]):
            problems.append(f"{where}.location.lines.begin: not an integer")
    positions = loc.get("positions")
    if positions is not None:
        begin = positions.get("begin") if isinstance(positions, dict) else None
        if not isinstance(positions, dict) or (begin is not None and not isinstance(begin, dict)):
            problems.append(f"{where}.location.positions: not an object")
        elif begin is not None and "line" in begin and not is_int(begin["line"]):
            problems.append(f"{where}.location.positions.begin.line: not an integer")
    # GitLab's documented format
    if not isinstance(issue.get("check_name"), str) or not issue.get("check_name"):
        problems.append(f"{where}: missing check_name (GitLab's report format)")
    if issue.get("severity") not in SEVERITIES:
        problems.append(f"{where}.severity: {issue.get('severity')!r} is not one of {', '.join(SEVERITIES)}")
    if not isinstance(loc.get("path"), str) or not loc.get("path"):
        problems.append(f"{where}: missing location.path (GitLab's report format)")
    has_line = isinstance(lines, dict) and is_int(lines.get("begin"))
    has_pos = isinstance(positions, dict) and isinstance(positions.get("begin"), dict) and is_int(positions["begin"].get("line"))
    if not (has_line or has_pos):
        problems.append(f"{where}: neither location.lines.begin nor location.positions.begin.line (GitLab's report format)")
    if isinstance(issue.get("fingerprint"), str) and not issue["fingerprint"]:
        problems.append(f"{where}.fingerprint: empty")
    if isinstance(issue.get("description"), str) and not issue["description"]:
        problems.append(f"{where}.description: empty")
    # pyshift's promises
    if has_line:
        b, e = lines["begin"], lines.get("end", lines["begin"])
        if b < 1 or not is_int(e) or e < b:
            problems.append(f"{where}.location.lines: begin {b}, end {e!r}")
    path = loc.get("path")
    if isinstance(path, str) and (path.startswith("./") or path.startswith("/")):
        problems.append(f"{where}.location.path: {path!r} is not relative to the repository")
    if issue.get("type") != "issue":
        problems.append(f"{where}.type: {issue.get('type')!r}, expected 'issue'")


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    raw = open(argv[1], "rb").read()
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("the report starts with a byte order mark (GitLab's parser rejects it)")
    try:
        report = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        print(f"{argv[1]}: not UTF-8 JSON: {e}")
        return 1
    if not isinstance(report, list):
        print(f"{argv[1]}: not a single JSON array")
        return 1
    for i, issue in enumerate(report):
        check_issue(i, issue, problems)
    fps = [i.get("fingerprint") for i in report if isinstance(i, dict)]
    dups = sorted({f for f in fps if fps.count(f) > 1}) if len(fps) != len(set(fps)) else []
    for f in dups:
        problems.append(f"fingerprint {f!r} repeated: GitLab would keep one of those issues")
    if len(argv) == 3:
        findings = json.load(open(argv[2], encoding="utf-8"))
        want = sorted((f["rule"], f["range"]["start"]["line"], SEVERITY_OF[f["severity"]], f["path"]) for f in findings)
        got = sorted((i.get("check_name"), i["location"]["lines"]["begin"], i.get("severity"), i["location"]["path"])
                     for i in report if isinstance(i, dict) and isinstance(i.get("location"), dict)
                     and isinstance(i["location"].get("lines"), dict))
        if want != got:
            missing = [w for w in want if w not in got][:5]
            extra = [g for g in got if g not in want][:5]
            problems.append(f"{len(got)} issues for {len(want)} JSON findings; missing {missing}, unexpected {extra}")
    for p in problems:
        print(f"{argv[1]}: {p}")
    if not problems:
        print(f"{argv[1]}: ok ({len(report)} issues, {len(set(fps))} distinct fingerprints)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
