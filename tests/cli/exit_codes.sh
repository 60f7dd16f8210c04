# cli.exit_codes: exit status, options, selection, output destinations,
# determinism across --jobs, inline suppressions and the rules/explain
# commands.  Usage: bash exit_codes.sh PYSHIFT SOURCE_DIR
. "$(dirname "$0")/lib.sh"

IMP_MSG='`imp` was removed in Python 3.12'
printf 'import os\n' >clean.py
printf 'import imp\n' >bad.py
printf 'import cgi\n' >cgi_only.py
printf 'import _sha256\nimport imp\n' >priv.py

# ---- exit codes -------------------------------------------------------------
run check clean.py
expect_rc clean.rc 0
expect_out clean.summary 'All checks passed!'
expect_err_empty clean.stderr

run check bad.py
expect_rc finding.rc 1
expect_out finding.line "bad.py:1:8: RM001 $IMP_MSG"
expect_out finding.summary 'Found 1 finding in 1 file.'

run check --no-such-option bad.py
expect_rc bad_option.rc 2
expect_err bad_option.msg 'unknown option --no-such-option'
expect_eq bad_option.stdout "$(cat "$OUT")" ""

run check --select XX9 bad.py
expect_rc unknown_selector.rc 2
expect_err unknown_selector.msg 'unknown rule selector `XX9`'
run check --ignore XX9 bad.py
expect_rc unknown_ignore.rc 2
run check --extend-select QQ1 bad.py
expect_rc unknown_extend_select.rc 2

for v in 3.11 3.16 abc ''; do
  run check --target-version "$v" bad.py
  expect_rc "bad_target[$v].rc" 2
  expect_err "bad_target[$v].msg" '--target-version must be'
done
run check --target-version 3.14t bad.py
expect_rc target_free_threaded.rc 1

run check --jobs 0 bad.py
expect_rc bad_jobs.rc 2
run check --format xml bad.py
expect_rc bad_format.rc 2
run check
# (no paths: the working directory, which holds findings)
expect_rc default_path.rc 1

run check --exit-zero bad.py
expect_rc exit_zero.rc 0
expect_out exit_zero.still_reports "bad.py:1:8: RM001"
# --exit-zero hides file errors too (issue 13), never their message.
run check --exit-zero missing.py
expect_rc exit_zero_file_error.rc 0
expect_err exit_zero_file_error.msg 'pyshift: missing.py: no such file or directory'

# ---- selection --------------------------------------------------------------
# sel NAME WANT_RM001 WANT_RM101 ARGS...: which rules fire on priv.py.
sel() {
  local name=$1 w1=$2 w101=$3
  shift 3
  run check -q "$@" priv.py
  local has1=no has101=no
  grep -qF 'priv.py:2:8: RM001' "$OUT" && has1=yes
  grep -qF 'priv.py:1:8: RM101' "$OUT" && has101=yes
  expect_eq "select[$name]" "RM001=$has1 RM101=$has101" "RM001=$w1 RM101=$w101"
  if [ "$w1$w101" = nono ]; then expect_rc "select[$name].rc" 0; else expect_rc "select[$name].rc" 1; fi
}
sel default yes no
sel RM yes no --select RM
sel ALL yes no --select ALL
sel RM0 yes no --select RM0
sel RM1 no no --select RM1
sel RM10 no no --select RM10
sel RM101 no yes --select RM101
sel RM001 yes no --select RM001
sel RM,RM101 yes yes --select RM,RM101
sel 'RM001 RM101 (repeated --select: last wins)' no yes --select RM001 --select RM101
sel extend_RM101 yes yes --extend-select RM101
sel 'RM+extend_RM101' yes yes --select RM --extend-select RM101
sel 'ALL+extend_RM1' yes no --select ALL --extend-select RM1
sel 'ignore RM001' no no --ignore RM001
sel 'ignore RM' no no --ignore RM
sel 'ALL ignore RM001' no no --select ALL --ignore RM001
sel 'RM001 ignore RM001' no no --select RM001 --ignore RM001
sel 'RM101 ignore RM (more specific select wins)' no yes --select RM101 --ignore RM
sel 'RM101 ignore ALL' no yes --select RM101 --ignore ALL
sel 'ALL,RM101 ignore RM0' no yes --select ALL,RM101 --ignore RM0

run rules --select ALL
expect_rc rules_select_all.rc 0
if grep -qE '^RM101 .* no +target' "$OUT" && grep -qE '^RM001 .* yes +target' "$OUT"; then ok; else
  fail rules_select_all.on "ALL should turn on RM001 but not RM101"
fi
run rules --select RM101
if grep -qE '^RM101 .* yes +target' "$OUT"; then ok; else fail rules_select_rm101.on "RM101 should be on"; fi

# ---- target version ---------------------------------------------------------
run check --target-version 3.12 cgi_only.py
expect_rc target312_cgi.rc 0
expect_no_out target312_cgi.none 'RM001'
run check --target-version 3.13 cgi_only.py
expect_rc target313_cgi.rc 1
expect_out target313_cgi.found 'cgi_only.py:1:8: RM001 `cgi` was removed in Python 3.13'
for v in 3.12 3.13; do
  run check --target-version $v bad.py
  expect_rc "target${v}_imp.rc" 1
  expect_out "target${v}_imp.found" "bad.py:1:8: RM001 $IMP_MSG"
done

# ---- stdin ------------------------------------------------------------------
run_stdin 'import os\nimport imp\n' check --stdin-filename x.py
expect_rc stdin_filename.rc 1
expect_out stdin_filename.path "x.py:2:8: RM001 $IMP_MSG"
run_stdin 'import imp\n' check -
expect_rc stdin_dash.rc 1
expect_out stdin_dash.path "-:1:8: RM001 $IMP_MSG"
run_stdin 'import os\n' check -
expect_rc stdin_clean.rc 0
run_stdin 'import imp\n' check --stdin-filename pkg/y.py --format json
expect_out stdin_json.path '"path": "pkg/y.py"'
run_stdin 'import imp  # pyshift: ignore\n' check --stdin-filename z.py
expect_rc stdin_suppressed.rc 0

# ---- statistics, quiet, show-source -----------------------------------------
run check --statistics bad.py priv.py cgi_only.py
expect_rc statistics.rc 1
if grep -qE '^ +3  RM001  removed-module-import$' "$OUT"; then ok; else fail statistics.count "no '3  RM001' line"; fi
expect_eq statistics.no_findings "$(finding_count)" 0
expect_out statistics.summary 'Found 3 findings in 3 files.'

run check --quiet bad.py
expect_rc quiet.rc 1
expect_out quiet.finding 'bad.py:1:8: RM001'
expect_no_out quiet.no_summary 'Found'
run check -q clean.py
expect_rc quiet_clean.rc 0
expect_eq quiet_clean.stdout "$(cat "$OUT")" ""

printf 'x = 1\nif x:\n\timport imp  # c\n' >tab.py
run check --show-source bad.py tab.py
expect_rc show_source.rc 1
want=$(printf '%s\n' \
  "bad.py:1:8: RM001 $IMP_MSG (gh-98040); use importlib" \
  "1 | import imp" \
  "  |        ^^^" \
  "" \
  "tab.py:3:9: RM001 $IMP_MSG (gh-98040); use importlib" \
  "3 |     import imp  # c" \
  "  |            ^^^" \
  "" \
  "Found 2 findings in 2 files.")
expect_eq show_source.exact "$(cat "$OUT")" "$want"
run check --show-source --no-show-source bad.py
expect_no_out no_show_source.no_caret '^^^'

# ---- output files -----------------------------------------------------------
run check bad.py
cp "$OUT" expected.txt
run check -o out.txt bad.py
expect_rc output_file.rc 1
expect_eq output_file.stdout "$(cat "$OUT")" ""
expect_eq output_file.content "$(cat out.txt 2>/dev/null)" "$(cat expected.txt)"
run check --format json --output-file out.json bad.py
expect_rc output_json.rc 1
if "$PY3" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==1 and d[0]["rule"]=="RM001"' out.json 2>/dev/null; then ok; else
  fail output_json.content "out.json is not a one-finding JSON array"
fi
run check -o- bad.py
expect_out output_dash_is_stdout 'bad.py:1:8: RM001'
run check --format sarif --format json -o x.out bad.py
expect_rc output_two_formats_one_file.rc 2

run check --format sarif=a.sarif --format json=b.json --format text bad.py clean.py
expect_rc multi_format.rc 1
expect_out multi_format.text "bad.py:1:8: RM001 $IMP_MSG"
expect_out multi_format.text_summary 'Found 1 finding in 1 file.'
if "$PY3" - a.sarif b.json <<'EOF'; then ok; else fail multi_format.files "a.sarif/b.json wrong (see above)"; fi
import json, sys
s = json.load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
res = s["runs"][0]["results"]
assert s["version"] == "2.1.0", s["version"]
assert len(res) == 1 and res[0]["ruleId"] == "RM001", res
loc = res[0]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "bad.py", loc
assert loc["region"]["startLine"] == 1 and loc["region"]["startColumn"] == 8, loc
assert len(j) == 1 and j[0]["path"] == "bad.py" and j[0]["range"]["start"]["column"] == 8, j
EOF
validate_sarif multi_format.sarif_valid a.sarif
# The partial-file temporaries never outlive the run.
expect_eq multi_format.no_temporaries "$(ls -a | grep -c '\.tmp\.')" 0

# ---- determinism across --jobs ----------------------------------------------
mkdir -p tree
i=0
for d in a b c/d c/e f g/h; do
  mkdir -p "tree/$d"
  for n in 1 2 3 4 5; do
    i=$((i + 1))
    f="tree/$d/m$n.py"
    {
      printf '"""module %s"""\n' "$i"
      case $((i % 5)) in
        0) printf 'import os\n' ;;
        1) printf 'import imp\nimport cgi, telnetlib\n' ;;
        2) printf 'from distutils.core import setup\nx = __import__("crypt")\n' ;;
        3) printf 'def f():\n    import asyncore\n    return asyncore\n' ;;
        4) printf 'import _sha256  # private\nfrom pipes import quote\n\timport nope(\n' ;;
      esac
      for k in $(seq 1 $((i % 7))); do printf 'import uu  # %s\n' "$k"; done
    } >"$f"
  done
done
for j in 1 2 4; do
  run check -q --extend-select RM101 --jobs $j --format json=j$j.json --format sarif=s$j.sarif --format text=t$j.txt tree
  expect_rc "jobs$j.rc" 1
  "$PY3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"]:
    r.pop("invocations", None)  # times and argv (--jobs N) differ by design
json.dump(d, open(sys.argv[2], "w"), indent=1, sort_keys=True)' "s$j.sarif" "s$j.norm"
done
n_json=$("$PY3" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' j1.json)
if [ "$n_json" -gt 60 ]; then ok; else fail jobs.enough_findings "only $n_json findings in the generated tree"; fi
expect_eq jobs.file_count "$(find tree -name '*.py' | wc -l)" 30
for j in 2 4; do
  if cmp -s j1.json j$j.json; then ok; else fail "jobs$j.json_identical" "j1.json and j$j.json differ"; fi
  if cmp -s s1.norm s$j.norm; then ok; else fail "jobs$j.sarif_identical" "SARIF (without invocations) differs"; fi
  if cmp -s t1.txt t$j.txt; then ok; else fail "jobs$j.text_identical" "text output differs"; fi
done
# ...and the SARIF is byte-identical once times and the varying argv are masked.
mask() { sed -e '/"\(start\|end\)TimeUtc"/d' -e 's/--jobs [124]/--jobs N/; s/"[124]",$/"N",/' \
  -e 's/\([sjt]\)[124]\.\(sarif\|json\|txt\)/\1N.\2/g' "$1" | md5sum; }
for j in 2 4; do
  expect_eq "jobs$j.sarif_bytes" "$(mask s$j.sarif)" "$(mask s1.sarif)"
done

# ---- suppressions -----------------------------------------------------------
cat >sup.py <<'EOF'
import imp  # pyshift: ignore[RM001]
import imp  # pyshift: ignore
import imp  # noqa: RM001
import imp  # noqa
import imp  # pyshift: ignore[RM101]
import imp  # noqa: E401
s = "# pyshift: ignore"; import imp
t = """
# noqa
"""; import cgi
import imp  # pyshift: ignore[RM]
import imp  # pyshift: ignore[RM001, FT002]
import imp
EOF
run check -q sup.py
got=$(grep -oE '^sup.py:[0-9]+' "$OUT" | cut -d: -f2 | tr '\n' ' ')
# A bare noqa covers only the TY family: line 4 (import imp  # noqa) is
# still a removal.
expect_eq suppress.lines "$got" "4 5 6 7 10 13 "

printf 'import imp\nimport cgi\n# pyshift: ignore-file[RM]\n' >supf.py
run check supf.py
expect_rc suppress_file.rc 0
printf 'import imp\n# pyshift: ignore-file[RM001]\nimport cgi\n' >supf1.py
run check supf1.py
expect_rc suppress_file_id.rc 0
printf 'import imp\nimport cgi\n# pyshift: ignore-file[FT]\n' >supf2.py
run check -q supf2.py
expect_eq suppress_file_other_family "$(finding_count)" 2
printf 'import imp\nx = "# pyshift: ignore-file[RM]"\ny = "# noqa"; import cgi\n' >supf3.py
run check -q supf3.py
expect_eq suppress_in_string_ignored "$(finding_count)" 2

# ---- rules, explain, version ------------------------------------------------
run rules
expect_rc rules.rc 0
expect_out rules.rm001 'RM001  removed-module-import'
expect_out rules.rm101 'RM101  removed-private-module-import'
run explain RM001
expect_rc explain.rc 0
expect_out explain.section '## What it does'
expect_out explain.title '# RM001: removed-module-import'
run explain NOPE
expect_rc explain_unknown.rc 2
expect_err explain_unknown.msg 'unknown rule NOPE'
run explain
expect_rc explain_missing.rc 2
run --version
expect_rc version.rc 0
if grep -qE '^pyshift [0-9]+\.[0-9]+\.[0-9]+' "$OUT"; then ok; else fail version.text "no 'pyshift X.Y.Z'"; fi
run check --version
expect_rc check_version.rc 0
run nonsense
expect_rc unknown_command.rc 2
run
expect_rc no_command.rc 2
run --help
expect_rc help.rc 0
expect_out help.usage 'usage: pyshift check'

# prefilter-scope: statement queries only the top-level statements holding a
# prefilter match; file (the default) the whole tree.
mkdir -p scope_rules
for scope in statement file; do
  cat > scope_rules/XS00${#scope}-scope-$scope.rule <<RULE
---
id: XS00${#scope}
name: scope-$scope
severity: warning
message: "call of {fn}"
summary: test rule
prefilter: 'marker'
prefilter-scope: $scope
---
\`\`\`query
(call function: (identifier) @fn (#eq? @fn "probe")) @report
\`\`\`
RULE
done
printf 'def a():\n    probe()  # marker\n\n\ndef b():\n    probe()\n\n\nclass C:\n    x = "marker"\n    y = probe()\n' > scope.py
run check --isolated --rules scope_rules --select XS scope.py
expect_out "scope.statement hit in a" "scope.py:2:5: XS009"
expect_out "scope.statement hit in C" "scope.py:11:9: XS009"
expect_no_out "scope.statement skips b" "scope.py:6:5: XS009"
expect_out "scope.file hits b too" "scope.py:6:5: XS004"

# Built-in rules (PYSHIFT_RULES_DIR) are trusted: their queries compile when
# a file first needs one. A broken one is an error once, naming the rule,
# and `rules --check` (CI) refuses it up front.
mkdir -p trusted_rules
cat > trusted_rules/XB001-broken-query.rule <<'RULE'
---
id: XB001
name: broken-query
severity: warning
message: "x"
summary: test rule
prefilter: 'probe'
---
```query
(call function: (identifer) @report)
```
RULE
printf 'probe()\n' > t1.py; cp t1.py t2.py; printf 'x = 1\n' > t3.py
PYSHIFT_RULES_DIR=$T/trusted_rules run check --isolated --select XB001 t3.py
expect_rc "trusted.unneeded query is never compiled" 0
PYSHIFT_RULES_DIR=$T/trusted_rules run check --isolated --select XB001 -j1 t1.py t2.py t3.py
expect_rc "trusted.broken query is an error" 2
expect_err "trusted.error names the rule" "rule XB001"
expect_eq "trusted.reported once" "$(grep -c 'rule XB001' "$ERR")" 1
PYSHIFT_RULES_DIR=$T/trusted_rules run rules --check
expect_rc "trusted.rules --check compiles every query" 2
expect_err "trusted.rules --check points at the query" "XB001-broken-query.rule:10:"

finish
