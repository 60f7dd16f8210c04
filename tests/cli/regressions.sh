# Regression cases for bugs the CLI tests found, one case each:
# bash regressions.sh PYSHIFT SOURCE_DIR CASE. Each case asserts the correct
# behaviour; open (still failing) cases are listed in known_bugs.txt.
CASE=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

printf 'import imp\n' >good.py

case $CASE in
noqa_ruff_codes)
  # Issue 12 item 7: ruff's UPnnn in `# noqa` and `# ruff: noqa` is TYnnn
  # (a project that silenced ruff's rule does not want pyshift's mirror of
  # it), and a blanket noqa (written for another linter) never hides a
  # removal. Before: UP006 was an unknown code, `# ruff: noqa` nothing, and
  # a bare `# noqa` hid RM001.
  printf 'import typing\nx: typing.List[int] = []  # noqa: UP006\ny: typing.Optional[int] = None  # noqa\nimport imp  # noqa\n' >up.py
  printf '# ruff: noqa: UP035\nfrom typing import Callable\nimport typing\nz: typing.List[int] = []\n' >file_up.py
  printf '# flake8: noqa\nimport typing\nz: typing.List[int] = []\nimport cgi\n' >file_all.py
  run check -q --min-python 3.10 up.py file_up.py file_all.py
  expect_rc rc 1
  expect_no_out up006_mapped 'up.py:2:4: TY006'
  expect_no_out blanket_covers_ty 'up.py:3:4: TY045'
  expect_out blanket_keeps_removal 'up.py:4:8: RM001'
  expect_no_out file_up035 'file_up.py:2:1: TY035'
  expect_out file_up035_only 'file_up.py:4:4: TY006'
  expect_no_out file_blanket_ty 'file_all.py:3:4: TY006'
  expect_out file_blanket_keeps_removal 'file_all.py:4:8: RM001'
  ;;
unused_import_prose)
  # Issue 12 item 13: the cleanup after --fix kept any import whose name
  # appeared in a comment or docstring (one unused `from typing import
  # List` per fixed file on typed code). Only real references count: names
  # in code, in type-expression strings and in __all__.
  printf '"""Returns a List of names."""\nfrom typing import List, Dict\n\n\ndef f(x: List[int]) -> Dict[str, int]:  # a List\n    """The List."""\n    return {}\n' >prose.py
  printf 'from typing import List\n\n__all__ = ["List"]\nx: List[int] = []\n' >reexport.py
  printf 'from typing import List\nx: List[int] = []\ny: "List[str]" = []\n' >quoted.py
  run check --fix --min-python 3.9 prose.py reexport.py quoted.py
  expect_rc rc 1
  expect_out only_reexport_left 'Found 6 findings (5 fixed, 1 remaining).'
  expect_out reexport_left 'reexport.py:1:1: TY035'
  expect_eq quoted_fixed "$(cat quoted.py)" "$(printf 'x: list[int] = []\ny: "list[str]" = []')"
  expect_eq prose_dropped "$(cat prose.py)" "$(printf '"""Returns a List of names."""\n\n\ndef f(x: list[int]) -> dict[str, int]:  # a List\n    """The List."""\n    return {}')"
  expect_eq all_keeps "$(head -1 reexport.py)" "from typing import List"
  ;;
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
  printf 'import typing\nx: typing.List[int]  # NOQA\nimport cgi  # NoQA: RM001\n' >upper.py
  run check --min-python 3.9 upper.py
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
*)
  echo "unknown case '$CASE' (see tests/cli/known_bugs.txt)" >&2
  exit 2
  ;;
esac
finish
