# Issue 13, "Adopting on a big codebase": one case per item.
#   bash tests/cli/adopt.sh PYSHIFT SOURCE_DIR CASE
# Each case would fail without its feature: --fail-on, --baseline /
# --write-baseline, --add-noqa, --report-unused-ignores, --since, the cache.
CASE=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# RM001 (error) on line 1, TY035 and TY006 (info) below.
mk_legacy() {
  printf 'import imp\nfrom typing import List\nx: List[int] = []\n' >"$1"
}
# Only info findings.
mk_typing() {
  printf 'from typing import List\nx: List[int] = []\n' >"$1"
}

case $CASE in
r13_06_fail_on)
  # A migration gate fails on errors, not on TY notes.
  mk_legacy legacy.py
  mk_typing typing_only.py
  run check --isolated --fail-on error typing_only.py
  expect_rc info_below_error 0
  expect_out still_reported 'typing_only.py:1:1: TY035'
  run check --isolated --fail-on error legacy.py
  expect_rc error_fails 1
  run check --isolated --fail-on warning typing_only.py
  expect_rc info_below_warning 0
  run check --isolated --fail-on info typing_only.py
  expect_rc info_at_info 1
  run check --isolated typing_only.py
  expect_rc default_any 1
  run check --isolated --fail-on fatal typing_only.py
  expect_rc bad_value 2
  expect_err bad_value_msg '--fail-on must be error, warning, info or hint, got fatal'
  mkdir -p proj && mk_typing proj/t.py
  printf '[tool.pyshift]\nfail-on = "error"\n' >proj/pyproject.toml
  run check proj/t.py
  expect_rc pyproject_key 0
  run check --fail-on info proj/t.py
  expect_rc cli_overrides_pyproject 1
  printf '[tool.pyshift]\nfail-on = "loud"\n' >proj/pyproject.toml
  run check proj/t.py
  expect_rc pyproject_bad_value 2
  expect_err pyproject_bad_msg '`fail-on` must be'
  ;;
r13_07_baseline)
  # --write-baseline records; --baseline reports only what is new, and the
  # match survives line shifts, re-spacing and edits elsewhere.
  mkdir -p src/pkg
  mk_legacy src/a.py
  printf 'import imp\nimport imp\n' >src/pkg/dup.py
  run check --isolated --write-baseline base.json src
  expect_rc write_rc 1
  expect_err write_msg 'pyshift: base.json: recorded 5 findings'
  "$PY3" - base.json <<'PYEOF' && ok || fail format "base.json is not a version 1 baseline with 5 findings"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["pyshift-baseline"] == 1, d
fs = d["findings"]
assert len(fs) == 5, fs
assert {f["path"] for f in fs} == {"src/a.py", "src/pkg/dup.py"}, fs
assert sorted(f["occurrence"] for f in fs if f["path"] == "src/pkg/dup.py") == [0, 1], fs
for f in fs:
    assert set(f) >= {"rule", "path", "hash", "occurrence", "line", "column"}, f
PYEOF
  run check --isolated --baseline base.json src
  expect_rc unchanged_rc 0
  expect_out unchanged_clean 'All checks passed!'
  # Lines added above, the finding's line re-spaced, an edit elsewhere.
  printf '"""Doc."""\n\nimport   imp\nfrom typing import List\ny = 2\nx: List[int] = []\n' >src/a.py
  run check --isolated --baseline base.json src
  expect_rc shifted_rc 0
  expect_no_out shifted_none 'RM001'
  # A new finding, and a third copy of a baselined line, are new.
  printf 'import asynchat\nimport imp\nimport imp\nimport imp\n' >src/pkg/dup.py
  run check --isolated --baseline base.json src
  expect_rc new_rc 1
  expect_out new_finding 'src/pkg/dup.py:1:8: RM001 `asynchat`'
  expect_out third_copy 'src/pkg/dup.py:4:8: RM001 `imp`'
  expect_no_out old_copies 'src/pkg/dup.py:2:'
  expect_err summary 'pyshift: base.json: 5 findings of the baseline not shown, 0 no longer found'
  # --fail-on sees only the new findings.
  run check --isolated --baseline base.json --fail-on error src/a.py
  expect_rc gate_rc 0
  # The finding's own line changed: new.
  printf 'import imp as legacy_imp\n' >src/pkg/dup.py
  run check --isolated --baseline base.json src/pkg
  expect_rc edited_rc 1
  expect_out edited 'src/pkg/dup.py:1:8: RM001'
  # Paths are relative to the baseline file: from a subdirectory too.
  printf 'import imp\nimport imp\n' >src/pkg/dup.py
  cd src
  run check --isolated --baseline ../base.json .
  expect_rc subdir_rc 0
  cd ..
  # SARIF: new, unchanged (suppressed) and absent results.
  printf 'import asynchat\nimport imp\n' >src/pkg/dup.py
  run check --isolated --baseline base.json --format sarif=out.sarif src
  expect_rc sarif_rc 1
  "$PY3" - out.sarif <<'PYEOF' && ok || fail sarif_states "baselineState wrong (see above)"
import json, sys
rs = json.load(open(sys.argv[1]))["runs"][0]["results"]
got = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"], r["baselineState"],
              r.get("kind", "fail"), bool(r.get("suppressions"))) for r in rs)
want = sorted([
    ("src/a.py", 3, "RM001", "unchanged", "fail", True),
    ("src/a.py", 4, "TY035", "unchanged", "fail", True),
    ("src/a.py", 6, "TY006", "unchanged", "fail", True),
    ("src/pkg/dup.py", 1, "RM001", "new", "fail", False),
    ("src/pkg/dup.py", 2, "RM001", "unchanged", "fail", True),
    ("src/pkg/dup.py", 2, "RM001", "absent", "pass", False),
])
if got != want:
    print("got ", got, "\nwant", want)
    sys.exit(1)
for r in rs:
    if r["baselineState"] == "absent":
        assert r["level"] == "none", r
PYEOF
  validate_sarif sarif_schema out.sarif
  # Updating: --baseline and --write-baseline on one file.
  run check --isolated --baseline base.json --write-baseline base.json src
  expect_err updated 'pyshift: base.json: recorded 5 findings'
  run check --isolated --baseline base.json src
  expect_rc updated_rc 0
  # A missing or broken baseline stops the run; never an empty baseline.
  run check --isolated --baseline missing.json src
  expect_rc missing_rc 2
  expect_err missing_msg 'pyshift: missing.json: cannot read the baseline: No such file or directory'
  expect_no_out missing_nothing_scanned 'RM001'
  printf '{"pyshift-baseline": 1, "findings": [' >broken.json
  run check --isolated --baseline broken.json src
  expect_rc broken_rc 2
  expect_err broken_msg 'pyshift: broken.json:1:'
  : >empty.json
  run check --isolated --baseline empty.json src
  expect_rc empty_rc 2
  expect_err empty_msg 'not a pyshift baseline'
  printf '{"pyshift-baseline": 2, "findings": []}\n' >v2.json
  run check --isolated --baseline v2.json src
  expect_rc version_rc 2
  expect_err version_msg 'baseline format version 2 is not supported (this pyshift reads version 1)'
  printf '{"pyshift-baseline": 1, "findings": [{"rule": "RM001", "path": "a.py", "occurrence": 0}]}\n' >nohash.json
  run check --isolated --baseline nohash.json src
  expect_rc entry_rc 2
  expect_err entry_msg 'findings[0]: "hash" must be 16 lower-case hex digits'
  printf '[]\n' >array.json
  run check --isolated --baseline array.json src
  expect_rc array_rc 2
  ;;
r13_08_add_noqa)
  # --add-noqa suppresses every current finding in place, merging into an
  # existing `# pyshift: ignore[...]`, never corrupting a line that ends in
  # a string or a backslash continuation; a rerun reports nothing more and
  # changes nothing.
  cat >a.py <<'PY'
import imp   
import asynchat  # pyshift: ignore[RM002]
import asyncore  # noqa: E501
from typing import List  # pyshift: ignore[TY006]
x: List[int] = []
s = """abc %s""" % imp.reload
t = f"""{imp.reload(
)}"""
z = imp.reload + \
    1
PY
  printf 'import imp\r\nimport asynchat\r\n' >crlf.py
  printf '# -*- coding: latin-1 -*-\nimport imp\ns = "caf\xe9"\n' >latin.py
  cp a.py a.orig
  run check --isolated --add-noqa a.py crlf.py latin.py
  expect_rc some_left_rc 1
  expect_err summary 'pyshift: added `# pyshift: ignore` to 9 findings in 3 files'
  expect_err skipped_string 'pyshift: warning: a.py:7: no `# pyshift: ignore` comment added (--add-noqa): the line ends inside a multi-line string; suppress it by hand'
  expect_err skipped_backslash 'pyshift: warning: a.py:9: no `# pyshift: ignore` comment added (--add-noqa): the line continues with a backslash'
  expect_out left_string 'a.py:7:10: RM002'
  expect_out left_backslash 'a.py:9:5: RM002'
  cat >a.want <<'PY'
import imp  # pyshift: ignore[RM001]
import asynchat  # pyshift: ignore[RM002, RM001]
import asyncore  # noqa: E501  # pyshift: ignore[RM001]
from typing import List  # pyshift: ignore[TY006, TY035]
x: List[int] = []  # pyshift: ignore[TY006]
s = """abc %s""" % imp.reload  # pyshift: ignore[RM002]
t = f"""{imp.reload(
)}"""
z = imp.reload + \
    1
PY
  if cmp -s a.py a.want; then ok; else fail rewritten "$(diff a.want a.py)"; fi
  if [ "$(od -An -c crlf.py | tr -s ' ' | tr -d '\n')" = "$(printf 'import imp  # pyshift: ignore[RM001]\r\nimport asynchat  # pyshift: ignore[RM001]\r\n' | od -An -c | tr -s ' ' | tr -d '\n')" ]; then ok; else fail crlf "$(od -c crlf.py)"; fi
  if [ "$(cat latin.py | od -An -tx1 | tr -d ' \n')" = "$(printf '# -*- coding: latin-1 -*-\nimport imp  # pyshift: ignore[RM001]\ns = "caf\xe9"\n' | od -An -tx1 | tr -d ' \n')" ]; then ok; else fail latin1 "$(od -c latin.py)"; fi
  cp a.py a.after
  run check --isolated --add-noqa a.py crlf.py latin.py
  expect_err rerun_nothing 'pyshift: added `# pyshift: ignore` to 0 findings in 0 files'
  if cmp -s a.py a.after; then ok; else fail rerun_unchanged "$(diff a.after a.py)"; fi
  mk_legacy clean.py
  run check --isolated --add-noqa clean.py
  expect_rc clean_rc 0
  run check --isolated clean.py
  expect_rc clean_rerun_rc 0
  expect_out clean_rerun 'All checks passed!'
  # Project-wide findings (a join over several files) get theirs too.
  cp -r "$SRC/tests/project/tree" tree
  run check --isolated --rules "$SRC/tests/project/rules" --select XP001 --add-noqa tree
  expect_rc project_rc 0
  expect_out project_comment_added 'All checks passed!'
  if grep -q 'pyshift: ignore\[XP001\]' tree/main.py; then ok; else fail project_comment "$(cat tree/main.py)"; fi
  run check --isolated --rules "$SRC/tests/project/rules" --select XP001 tree
  expect_rc project_rerun_rc 0
  # Usage errors.
  run check --isolated --add-noqa --fix a.py
  expect_rc with_fix 2
  run check --isolated --add-noqa --baseline x.json a.py
  expect_rc with_baseline 2
  run_stdin 'import imp\n' check --isolated --add-noqa -
  expect_rc with_stdin 2
  ;;
r13_09_unused_ignores)
  # --report-unused-ignores: `# pyshift:` codes that suppress nothing are
  # PS100 findings; noqa comments (other linters' too) and codes for rules
  # this run does not check are left alone.
  cat >a.py <<'PY'
import imp  # pyshift: ignore[RM001]
import os  # pyshift: ignore[RM001, TY006]
import sys  # pyshift: ignore
x = 1  # pyshift: ignore[XX999]
import asynchat  # noqa: E501, RM001
PY
  printf 'import os  # pyshift: ignore[RM001]\n' >quiet.py
  run check --isolated --report-unused-ignores a.py quiet.py
  expect_rc rc 1
  expect_no_out used 'a.py:1:'
  expect_out unused_code 'a.py:2:12: PS100 unused suppression: `RM001` in `# pyshift: ignore[...]` suppresses nothing on this line'
  expect_out unused_code2 'a.py:2:12: PS100 unused suppression: `TY006` in `# pyshift: ignore[...]` suppresses nothing on this line'
  expect_out unused_blanket 'a.py:3:13: PS100 unused suppression: `# pyshift: ignore` suppresses nothing on this line'
  expect_out unknown_code "a.py:4:8: PS100 unused suppression: \`XX999\` in \`# pyshift: ignore[...]\` is no rule's id or prefix"
  expect_no_out noqa_left_alone 'a.py:5:'
  expect_out no_rule_fires 'quiet.py:1:12: PS100'
  # Without the option, nothing changes.
  run check --isolated a.py quiet.py
  expect_rc off_rc 0
  expect_no_out off 'PS100'
  # A rule this run does not check may still need its code.
  run check --isolated --report-unused-ignores --select TY a.py
  expect_no_out other_selection 'RM001` in'
  # SARIF lists PS100 among its rules.
  run check --isolated --report-unused-ignores --format sarif=o.sarif a.py
  "$PY3" -c 'import json,sys; d=json.load(open("o.sarif")); r=d["runs"][0]; ids=[x["id"] for x in r["tool"]["driver"]["rules"]]; assert "PS100" in ids and ids==sorted(ids), ids; assert all(res["ruleId"]=="PS100" and res["ruleIndex"]==ids.index("PS100") for res in r["results"]), r["results"]' && ok || fail sarif_rule "PS100 missing from SARIF rules"
  validate_sarif sarif_schema o.sarif
  # A suppression that only a project analysis's join uses is not judged.
  cp -r "$SRC/tests/project/tree" tree
  run check --isolated --rules "$SRC/tests/project/rules" --select XP001 --report-unused-ignores tree
  expect_no_out project_code 'PS100'
  ;;
r13_10_since)
  # --since REF: only findings on lines changed since REF (git diff), and
  # in new files; a missing git or ref is an error, not an empty diff.
  mkdir repo && cd repo
  git init -q -b main . && git config user.email t@example.com && git config user.name t
  printf 'import imp\nimport os\n\n\nimport asynchat\n' >a.py
  printf 'import imp\n' >old.py
  printf 'import imp\n' >ignored.py
  printf 'ignored.py\n' >.gitignore
  git add a.py old.py .gitignore && git commit -qm base
  printf 'import imp\nimport asyncore\n\nx = 1\n\nimport asynchat\n' >a.py
  printf 'import imp\n' >new.py
  mkdir sub
  run check --isolated --since HEAD .
  expect_rc rc 1
  expect_out changed_line 'a.py:2:8: RM001 `asyncore`'
  expect_out new_file 'new.py:1:8: RM001'
  expect_no_out unchanged_line 'a.py:1:'
  expect_no_out moved_line 'a.py:6:'
  expect_no_out unchanged_file 'old.py'
  expect_eq count "$(finding_count)" 2
  # Committed changes count too: since the first commit.
  git add -A && git commit -qm second
  run check --isolated --since HEAD~1 .
  expect_eq since_commit "$(finding_count)" 2
  run check --isolated --since HEAD .
  expect_rc nothing_changed 0
  # From a subdirectory, and from outside the work tree.
  printf 'import imp\nimport asyncore  # changed\n\nx = 1\n\nimport asynchat\n' >a.py
  cd sub
  run check --isolated --since HEAD ..
  expect_out from_subdir '../a.py:2:8: RM001'
  cd "$T"
  run check --isolated --since HEAD repo/a.py
  expect_out from_outside 'repo/a.py:2:8: RM001'
  # Errors.
  run check --isolated --since no-such-ref repo
  expect_rc bad_ref_rc 2
  expect_err bad_ref 'pyshift: --since: no-such-ref is not a commit in this repository'
  run check --isolated --since --exit-zero repo
  expect_rc option_as_ref 2
  mkdir -p plain && printf 'import imp\n' >plain/p.py
  run check --isolated --since HEAD plain
  expect_rc no_repo_rc 2
  expect_err no_repo 'pyshift: --since: not inside a git work tree'
  LAST_CMD="PATH=/nonexistent pyshift check --since HEAD repo"
  PATH=/nonexistent "$PS" check --isolated --since HEAD repo >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_rc no_git_rc 2
  expect_err no_git 'pyshift: --since: cannot run git: git is not installed (or not on PATH)'
  run check --isolated --since HEAD --fix repo
  expect_rc with_fix 2
  # With a baseline, findings on unchanged lines are not "absent".
  run check --isolated --write-baseline b.json repo
  run check --isolated --since HEAD --baseline b.json --format sarif=s.sarif repo
  "$PY3" -c 'import json; rs=json.load(open("s.sarif"))["runs"][0]["results"]; assert not [r for r in rs if r["baselineState"]=="absent"], rs' && ok || fail since_not_absent "absent results in a --since run"
  validate_sarif since_sarif_valid s.sarif
  ;;
*)
  echo "unknown case '$CASE'" >&2
  exit 2
  ;;
esac
finish
