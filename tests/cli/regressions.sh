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
r14_05_base_class_paths)
  # Issue 14 item 5: removed-APIs matched `self.readfp` against base
  # classes path by path: 20 classes each deriving from the 19 others took
  # 19^5 resolutions and 24 GB. Each class is now resolved once per file.
  "$PY3" - <<'PY'
names = ["C%d" % i for i in range(20)]
out = ["from configparser import ConfigParser", ""]
for n in names:
    out += ["class %s(%s):" % (n, ", ".join(m for m in names if m != n)),
            "    def f(self, x):", "        self.readfp(x)"]
out += ["class D0(ConfigParser):", "    pass", "class D1(D0):", "    def f(self, x):", "        self.readfp(x)"]
open("mutual.py", "w").write("\n".join(out) + "\n")
PY
  LAST_CMD="pyshift check mutual.py (ulimit -v 2000000, timeout 60)"
  (
    grep -q __asan_init "$PS" || ulimit -v 2000000
    exec timeout 60 "$PS" check mutual.py
  ) >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  sanitizer_check
  expect_rc rc 1
  expect_out d1_reported 'mutual.py:67:9: RM003'
  expect_eq one_finding "$(finding_count)" 1
  ;;
r14_10_file_memory_budget)
  # Issue 14 item 10: memory per file was unbounded (a 16.6 MB list took
  # 3.4 GB) and standard input was read until the process aborted. A file
  # over its memory budget is a per-file error; stdin is capped like files.
  "$PY3" -c '
n = 1600000 // 3
open("big.py", "w").write("from typing import List\nx: List[int] = [" + "1, " * n + "1]\n")'
  run check --max-file-memory 64M big.py good.py
  expect_rc rc 2
  expect_err over 'pyshift: big.py: over the 64 MiB memory budget (--max-file-memory), skipped'
  expect_out others_kept 'good.py:1:8: RM001'
  mkdir cfg && cp big.py good.py cfg/ && printf '[tool.pyshift]\nmax-file-memory = 67108864\n' >cfg/pyproject.toml
  run check cfg
  expect_rc config_rc 2
  expect_err config 'big.py: over the 64 MiB memory budget'
  run check --max-file-memory 0 good.py
  expect_rc zero_refused 2
  # Without the option the budget is large enough for the file.
  run check big.py
  expect_rc default_rc 1
  LAST_CMD="pyshift check --stdin-filename x.py </dev/zero (ulimit -v 1000000, timeout 60)"
  (
    grep -q __asan_init "$PS" || ulimit -v 1000000
    exec timeout 60 "$PS" check --stdin-filename x.py </dev/zero
  ) >"$OUT" 2>"$ERR"
  RC=$?
  sanitizer_check
  expect_rc stdin_rc 2
  expect_err stdin_capped 'pyshift: x.py: input is over the --max-file-size limit of 16777216 bytes, skipped'
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
*)
  echo "unknown case '$CASE' (see tests/cli/known_bugs.txt)" >&2
  exit 2
  ;;
esac
finish
