# Regression cases for bugs the CLI tests found, one case each:
# bash regressions.sh PYSHIFT SOURCE_DIR CASE. Each case asserts the correct
# behaviour; open (still failing) cases are listed in known_bugs.txt.
CASE=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

printf 'import imp\n' >good.py

case $CASE in
lone_cr_line_numbers)
  # Python (and tree-sitter) end a line at a lone CR; positions must agree.
  # Today: cr.py:1:18.
  printf 'import os\rimport imp\r' >cr.py
  run check cr.py
  expect_rc rc 1
  expect_out position 'cr.py:2:8: RM001'
  ;;
noqa_uppercase)
  # suppress.c accepts "noqa" in any case (as flake8 and ruff do), but the
  # engine only hands it comments that contain lower-case "noqa".
  printf 'import imp  # NOQA\nimport cgi  # NoQA: RM001\n' >upper.py
  run check upper.py
  expect_rc rc 0
  expect_no_out not_reported 'RM001'
  ;;
fingerprint_raw_bytes)
  # docs/output-formats.md: the fingerprint is codeql-action's, computed on
  # the file as Node decodes it (BOM kept, invalid sequences -> U+FFFD).
  # pyshift hashes its decoded text (BOM stripped, latin-1 converted, each
  # invalid byte replaced), so these files get different hashes.
  printf 'import os\nimport imp\n\timport cgi\n' >plain.py
  printf '\xef\xbb\xbfimport imp\nx = 1\n' >bom.py
  printf '# -*- coding: latin-1 -*-\nimport imp  # \xe9\n' >latin.py
  printf 'import imp  # \xe2\x82\n' >invalid.py
  run check --format sarif plain.py bom.py latin.py invalid.py
  cp "$OUT" out.sarif
  LAST_CMD="codeql_fingerprint.py out.sarif"
  if "$PY3" "$HERE/codeql_fingerprint.py" out.sarif >"$OUT" 2>"$ERR"; then ok; else
    RC=1
    fail fingerprints "primaryLocationLineHash differs from codeql-action's"
  fi
  cat "$OUT"
  ;;
stdin_drops_paths)
  # With stdin selected, other paths are dropped without a word.
  # Want: they are scanned too, or at least named in a warning/usage error.
  run_stdin 'import imp\n' check - good.py
  if grep -qF 'good.py' "$OUT" "$ERR"; then ok; else fail dash "good.py neither scanned nor mentioned"; fi
  run_stdin 'import imp\n' check --stdin-filename x.py good.py
  if grep -qF 'good.py' "$OUT" "$ERR"; then ok; else fail stdin_filename "good.py neither scanned nor mentioned"; fi
  ;;
usage_error_printed_twice)
  # args.c: the --config/--isolated prescan calls match_opt(), which prints
  # the error; the full pass then prints it again.
  run check --no-such-option good.py
  expect_rc rc 2
  expect_eq once "$(grep -c 'unknown option' "$ERR")" 1
  run check good.py --select
  expect_eq needs_value_once "$(grep -c 'needs a value' "$ERR")" 1
  ;;
sarif_uri_outside_cwd)
  # docs/output-formats.md: "a file outside it gets an absolute file:// URI
  # and no uriBaseId". ../good.py gets {"uri": "../good.py", "uriBaseId":
  # "%SRCROOT%"} instead.
  mkdir sub
  cd sub || exit 2
  run check --format sarif ../good.py
  "$PY3" -c '
import json, sys
a = json.load(open(sys.argv[1]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
ok = a["uri"].startswith("file:///") and a["uri"].endswith("/good.py") and "uriBaseId" not in a
sys.exit(0 if ok else "artifactLocation %r" % (a,))' "$OUT" && ok || fail uri "outside file must get an absolute file:// uri"
  ;;
stubs_are_not_first_party)
  # A typeshed-like tree of stubs (cgi.pyi, distutils/__init__.pyi) beside
  # the code made every stdlib name first-party, so nothing was reported on
  # dist-packages once python3-mypy was installed. Stubs are not runtime
  # modules; a real cgi.py still is.
  mkdir -p tree/typeshed/stdlib/distutils tree/app
  printf 'def escape(s: str) -> str: ...\n' >tree/typeshed/stdlib/cgi.pyi
  printf '' >tree/typeshed/stdlib/distutils/__init__.pyi
  printf 'import cgi\nimport distutils.core\n' >tree/app/main.py
  run check tree
  expect_rc rc 1
  expect_out cgi_reported 'main.py:1:8: RM001'
  expect_out distutils_reported 'main.py:2:8: RM001'
  printf 'x = 1\n' >tree/app/cgi.py
  run check tree
  expect_no_out real_module_shadows 'main.py:1:8: RM001'
  ;;
r14_01_long_line_prefilter)
  # Issue 14 item 1: a long line overflowed PCRE2's default 32 KiB JIT stack
  # in the combined prefilter (PCRE2_ERROR_JIT_STACKLIMIT), and the engine
  # took any negative result for "no match": the file was skipped, exit 0.
  "$PY3" - <<'PY'
open("comment.py", "w").write("import cgi  # " + "x" * 1500 + "\n")
open("many.py", "w").write("import os, " + ", ".join("mod%d" % i for i in range(300)) + ", cgi\n")
open("spaces.py", "w").write("from typing import List" + " " * 5000 + "\n")
PY
  for f in comment many spaces; do
    run check --isolated $f.py
    expect_rc $f.rc 1
  done
  run check --isolated comment.py many.py spaces.py
  expect_out comment 'comment.py:1:8: RM001'
  expect_out many 'many.py:1:2302: RM001'
  expect_out spaces 'spaces.py:1:1: TY035'
  ;;
r14_02_regex_errors_are_not_no_match)
  # Issue 14 item 2: a PCRE2 error (here the match limit, on a catastrophic
  # regex) was taken for "no match": a user rule's prefilter made the whole
  # file skipped (DP005 lost, exit 0), and a #match? predicate silently
  # dropped its matches. A prefilter error admits the file; a predicate
  # error is a per-file error naming the rule, the rest is still reported.
  "$PY3" - <<'PY'
import os
os.mkdir("xr")
def rule(rid, name, head, query):
    with open("xr/%s-%s.rule" % (rid, name), "w") as f:
        f.write("---\nid: %s\nname: %s\nseverity: warning\nstatus: stable\nsince: 0.1.0\n"
                "message: \"m\"\nsummary: test\n%s---\n```query\n%s\n```\n"
                "## What it does\nx\n## Why is this bad?\nx\n" % (rid, name, head, query))
rule("XX001", "bad-prefilter", "prefilter: '^(\\w+\\s?)*$'\n", "(module) @report")
rule("XX002", "bad-predicate", "", '((string_content) @report (#match? @report "^(\\\\w+\\\\s?)*$"))')
PY
  "$PY3" -c 'open("w.py", "w").write("a" * 38 + "!\nx = ~True\ny = \"" + "a" * 38 + "!\"\n")'
  run check --isolated --rules xr --select XX001,DP005 w.py
  expect_rc prefilter.rc 1
  expect_out prefilter.dp005 'w.py:2:5: DP005'
  expect_out prefilter.own_rule 'w.py:1:1: XX001'
  run check --isolated --rules xr --select XX002,DP005,RM001 w.py good.py
  expect_rc predicate.rc 2
  expect_err predicate.named 'pyshift: w.py: rule XX002: its #match? regex failed on this file'
  expect_err_lines predicate.one_line 1
  expect_out predicate.same_file 'w.py:2:5: DP005'
  expect_out predicate.other_file 'good.py:1:8: RM001'
  ;;
r14_03_deep_nesting_not_truncated)
  # Issue 14 item 3: the TY analysis kept node paths in a fixed 512-entry
  # array and dropped what lay deeper: 199 nested Optional[ gave 169 TY045
  # findings, without a word.
  "$PY3" -c 'open("deep.py", "w").write("from typing import Optional\nx: " + "Optional[" * 199 + "int" + "]" * 199 + " = None\n")'
  run check --isolated --select TY045 --min-python 3.10 deep.py
  expect_rc rc 1
  expect_out all 'Found 199 findings'
  expect_err_empty quiet
  # An except tuple of more than 64 types still counts ImportError.
  "$PY3" -c 'open("exc.py", "w").write("try:\n    import imp\nexcept (" + ", ".join("E%d" % i for i in range(70)) + ", ImportError):\n    imp = None\n")'
  run check --isolated --select RM001 exc.py
  expect_rc except_rc 0
  # A noqa code longer than the 16-byte slot was dropped, which left a
  # blanket `# noqa` hiding every finding of the line.
  printf 'import imp  # noqa: ABCDEFGHIJKLMNOPQRSTUVWXYZ\n' >noqa.py
  run check --isolated noqa.py
  expect_rc noqa_rc 1
  expect_out noqa 'noqa.py:1:8: RM001'
  ;;
r14_06_file_timeout_whole_file)
  # Issue 14 item 6: --file-timeout covered only the parse (and, loosely,
  # the query cursor): the TY analysis took 131 s on a 144 KB file with
  # --file-timeout 2 (a descent from the root per reference), a user rule
  # ran minutes past --file-timeout 1, and 1 MB of comments kept the lexer
  # busy for minutes between two budget checks. Each is either scanned
  # quickly or reported as over budget. A CPU-time limit (not wall time: the
  # machine may be busy) stands for "never": late SECONDS ARGS.
  late() {
    local cpu=$1
    shift
    LAST_CMD="pyshift $* (ulimit -t $cpu)"
    (ulimit -t "$cpu"; exec timeout 600 "$PS" "$@") >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    sanitizer_check
  }
  "$PY3" - <<'PY'
open("union.py", "w").write("from typing import Union\nz: " + "Union[int, " * 12000 + "int" + "]" * 12000 + "\n")
open("calls.py", "w").write("".join("x%d = f(a, b, c, d)\n" % i for i in range(300)))
open("names.py", "w").write("".join("a%d\n" % i for i in range(3000)))
line = "# " + "x" * 97 + "\n"
open("comments.py", "w").write("import cgi\n" + line * (12 * 1024 * 1024 // len(line)))
PY
  late 20 check --isolated --min-python 3.10 --file-timeout 2 union.py
  expect_rc union.rc 1
  expect_out union.all 'Found 12000 findings'
  mkdir ur
  for r in "UX001 slow-siblings (_ (_)* @a (_)* @b (_)* @c) @report" \
           "UX002 slow-repeat (expression_statement ((identifier)*)+) @report"; do
    set -- $r
    id=$1 name=$2
    shift 2
    printf -- '---\nid: %s\nname: %s\nseverity: warning\nstatus: stable\nsince: 0.1.0\nmessage: "m"\nsummary: test\n---\n```query\n%s\n```\n## What it does\nx\n## Why is this bad?\nx\n' \
      "$id" "$name" "$*" >"ur/$id-$name.rule"
  done
  late 20 check --isolated --rules ur --select UX001,RM001 --file-timeout 1 calls.py good.py
  expect_rc siblings.rc 2
  expect_err siblings.budget 'pyshift: calls.py: scanning took more than the 1000 ms CPU budget (--file-timeout) in query matching'
  expect_out siblings.others 'good.py:1:8: RM001'
  late 20 check --isolated --rules ur --select UX002 --file-timeout 1 names.py
  expect_rc repeat.rc 2
  expect_err repeat.named 'pyshift: names.py: '
  # One lex of the 12 MB took 12 s of CPU before the parser checked its
  # budget again; the input now comes in chunks, each checking the clock.
  late 6 check --isolated --file-timeout 0.5 comments.py good.py
  expect_rc comments.rc 2
  expect_err comments.budget 'pyshift: comments.py: parsing took more than the 500 ms CPU budget'
  expect_out comments.others 'good.py:1:8: RM001'
  ;;
*)
  echo "unknown case '$CASE' (see tests/cli/known_bugs.txt)" >&2
  exit 2
  ;;
esac
finish
