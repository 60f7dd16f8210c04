# The GitLab Code Quality and JUnit formats end to end (issue 13):
#   - paths relative to the repository's top from any directory (as
#     SARIF's URIs), --project-root honoured;
#   - GitLab: the report passes tests/tools/gitlab_codequality_check.py
#     (GitLab's schema and documented fields); fingerprints unique for two
#     findings of one rule on one line and on identical lines, and
#     unchanged when lines move; severities mapped hint/info/warning/error
#     -> info/minor/major/critical; an empty run is [];
#   - JUnit: passes tests/tools/junit_check.py (parses with xml.etree, the
#     shape GitLab and Jenkins read): a testcase per file, clean ones too,
#     a failure per finding, an <error> for a file that cannot be read;
#     markup and control characters in paths and messages stay well-formed
#     XML; invalid UTF-8 in a file name becomes U+FFFD;
#   - both written at once with --format gitlab=FILE --format junit=FILE,
#     with --exit-zero exiting 0.
# bash tests/cli/formats.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
GL_CHECK="$SRC/tests/tools/gitlab_codequality_check.py"
JU_CHECK="$SRC/tests/tools/junit_check.py"

g() { git -c user.name=t -c user.email=t@example.com "$@" >/dev/null 2>&1; }
gl_ok() { # NAME REPORT [JSON]
  local name=$1
  shift
  LAST_CMD="gitlab_codequality_check.py $*"
  if "$PY3" "$GL_CHECK" "$@" >"$OUT" 2>"$ERR"; then ok; else fail "$name" "not a valid GitLab Code Quality report"; fi
}
ju_ok() { # NAME REPORT [JSON]
  local name=$1
  shift
  LAST_CMD="junit_check.py $*"
  if "$PY3" "$JU_CHECK" "$@" >"$OUT" 2>"$ERR"; then ok; else fail "$name" "not a valid JUnit report"; fi
}
# py EXPR FILE: evaluates EXPR with d = the file's JSON (gitlab) or its
# parsed XML root (junit, for .xml files); prints the result.
py() { "$PY3" -c '
import json, sys, xml.etree.ElementTree as ET
f = sys.argv[2]
d = ET.parse(f).getroot() if f.endswith(".xml") else json.load(open(f))
print(eval(sys.argv[1]))' "$1" "$2"; }

# ---- a repository, scanned from a subdirectory ------------------------------
mkdir -p repo/src/pkg repo/docs
printf 'import imp\nimport imp\nx = 1\n' >repo/src/pkg/m.py
printf 'x = 1\n' >repo/src/pkg/clean.py
printf 'x = "\xff"\n' >repo/src/latin1.py
g -C repo init && g -C repo add . && g -C repo commit -qm one
(cd repo/src && "$PS" check --isolated --exit-zero --format gitlab=../../sub.gitlab --format junit=../../sub.xml \
  --format json=../../sub.json . >"$OUT" 2>"$ERR")
RC=$?
LAST_CMD="cd repo/src && pyshift check --exit-zero --format gitlab=FILE --format junit=FILE --format json=FILE ."
expect_rc both.exit_zero 0
expect_eq gitlab.paths_from_top "$(py 'sorted({i["location"]["path"] for i in d})' sub.gitlab)" "['src/pkg/m.py']"
expect_eq junit.paths_from_top "$(py '[t.get("name") for t in d.iter("testcase")]' sub.xml)" \
  "['src/latin1.py', 'src/pkg/clean.py', 'src/pkg/m.py']"
gl_ok gitlab.valid sub.gitlab
ju_ok junit.valid sub.xml
# one failure per finding, the clean file a passing testcase, the undecodable
# one an error
expect_eq junit.counts "$(py '(d.get("tests"), d.get("failures"), d.get("errors"))' sub.xml)" "('3', '1', '1')"
expect_eq junit.failures "$(py 'len(list(d.iter("failure")))' sub.xml)" 2
expect_eq junit.error "$(py '[e.get("type") for e in d.iter("error")]' sub.xml)" "['error']"
# --project-root: relative to it instead
run check --isolated --project-root repo/src --format gitlab repo/src/pkg
expect_eq gitlab.project_root "$(cp "$OUT" pr.gitlab; py 'sorted({i["location"]["path"] for i in d})' pr.gitlab)" "['pkg/m.py']"

# ---- fingerprints: unique, stable when lines move ---------------------------
n_fp() { py 'len({i["fingerprint"] for i in d})' "$1"; }
expect_eq gitlab.unique_identical_lines "$(n_fp sub.gitlab)" 2
printf 'import imp, imp\n' >repo/src/pkg/same.py
run check --isolated --format gitlab repo/src/pkg/same.py
cp "$OUT" same.gitlab
expect_eq gitlab.one_line_two_findings "$(py 'len(d)' same.gitlab) $(n_fp same.gitlab)" "2 2"
gl_ok gitlab.same_valid same.gitlab
run check --isolated --format gitlab repo/src/pkg/m.py
cp "$OUT" before.gitlab
printf '"""A docstring."""\n\n\nimport os\n' | cat - repo/src/pkg/m.py >m.new && mv m.new repo/src/pkg/m.py
run check --isolated --format gitlab repo/src/pkg/m.py
cp "$OUT" after.gitlab
expect_eq gitlab.lines_moved "$(py 'sorted(i["location"]["lines"]["begin"] for i in d if i["check_name"] == "RM001")' after.gitlab)" "[5, 6]"
expect_eq gitlab.fingerprints_stable \
  "$(py 'sorted(i["fingerprint"] for i in d if i["check_name"] == "RM001")' after.gitlab)" \
  "$(py 'sorted(i["fingerprint"] for i in d)' before.gitlab)"

# ---- severities, empty runs -------------------------------------------------
# RM001 is an error, DP002 a warning, TY101 info, TY102 a hint
# (docs/output-formats.md has the mapping).
printf 'from __future__ import annotations\nimport imp\nimport threading\nfrom typing import Text\nx: Text = "a"\nthreading.currentThread()\n' >sev.py
run check --isolated --select RM001,DP002,TY101,TY102 --min-python 3.14 --format gitlab sev.py
cp "$OUT" sev.gitlab
expect_eq gitlab.severity "$(py 'sorted({(i["check_name"], i["severity"]) for i in d})' sev.gitlab)" \
  "[('DP002', 'major'), ('RM001', 'critical'), ('TY101', 'minor'), ('TY102', 'info')]"
gl_ok gitlab.severity_valid sev.gitlab
printf 'x = 1\n' >clean.py
run check --isolated --format gitlab clean.py
expect_rc gitlab.empty_rc 0
expect_eq gitlab.empty "$(cat "$OUT")" "[]"
run check --isolated --format junit clean.py
cp "$OUT" clean.xml
ju_ok junit.clean_valid clean.xml
expect_eq junit.clean "$(py '[(t.get("name"), len(t)) for t in d.iter("testcase")]' clean.xml)" "[('clean.py', 0)]"

# ---- markup and bytes in names and messages ---------------------------------
mkdir -p odd
printf 'import imp\n' >'odd/a&b<c>"q".py'
printf 'import imp\n' >"$(printf 'odd/t\tab.py')"
printf 'import imp\n' >"$(printf 'odd/bad\xff.py')"
printf 'import imp\n' >"$(printf 'odd/nl\001ctl.py')"
run check --isolated --format junit odd
cp "$OUT" odd.xml
ju_ok junit.odd_valid odd.xml
expect_eq junit.odd_names "$(py 'sorted(t.get("name") for t in d.iter("testcase"))' odd.xml)" \
  "$("$PY3" -c 'print(sorted(["odd/a&b<c>\"q\".py", "odd/t\tab.py", "odd/bad\ufffd.py", "odd/nl\ufffdctl.py"]))')"
run check --isolated --format gitlab odd
cp "$OUT" odd.gitlab
gl_ok gitlab.odd_valid odd.gitlab
expect_eq gitlab.odd_unique "$(n_fp odd.gitlab)" 4
finish
