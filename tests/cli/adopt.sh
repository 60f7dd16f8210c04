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
*)
  echo "unknown case '$CASE'" >&2
  exit 2
  ;;
esac
finish
