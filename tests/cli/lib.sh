# tests/cli/lib.sh: helpers shared by the end-to-end CLI test scripts.
#
# Sourced by tests/cli/<area>.sh, which are run as
#     bash tests/cli/<area>.sh PYSHIFT SOURCE_DIR
# Sourcing makes PS (absolute path of the binary) and SRC (the source dir)
# available, creates a scratch directory $T (removed on exit) and cd's into
# it. Each check prints "FAIL: ..." with context when it fails; `finish`
# prints "N passed, M failed" and exits non-zero if anything failed.
#
#   run ARGS...          runs pyshift with stdin from /dev/null; sets RC and
#                        leaves stdout in $OUT, stderr in $ERR (file names)
#   run_stdin TEXT ARGS  same, with TEXT (printf %b) on stdin
#   expect_rc NAME N     the last run exited with N
#   expect_out NAME STR  stdout of the last run contains STR (fixed string)
#   expect_no_out NAME STR, expect_err NAME STR, expect_no_err NAME STR
#   expect_err_empty NAME
#   expect_eq NAME GOT WANT
#   ok NAME / fail NAME WHY
#   validate_sarif NAME FILE...  tests/tools/sarif_validate.py (schema,
#                        GitHub's rules, the SARIF Multitool) passes on the
#                        FILEs; PS_SARIF_SCHEMA and PS_SARIF_MULTITOOL come
#                        from ctest (tests/report.cmake's PS_SARIF_ENV).
#                        A missing validator is noted and passes, except
#                        under CI=..., where sarif_validate.py fails.
#   validate_sarif_big NAME FILE...  the same with --representatives: every
#                        result gets GitHub's checks and limits, the schema and
#                        the Multitool one result per class (logs of 10,000s)
#
# Every run also fails its area if stderr holds a sanitizer report, so the
# ASan+UBSan build catches memory errors even where the exit code is 1.

set -u

if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -d "$2" ]; then
  echo "usage: $0 PYSHIFT SOURCE_DIR" >&2
  exit 2
fi
PS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=$(command -v python3)
unset PYSHIFT_RULES_DIR PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER NO_COLOR PYSHIFT_NO_CACHE PYSHIFT_CACHE_DIR PYSHIFT_CACHE_STATS
# ASan's own exit code must not look like "findings" (1).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1"

T=$(mktemp -d "${TMPDIR:-/tmp}/pyshift-cli.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 2
OUT="$T/.out"
ERR="$T/.err"
PASS=0
FAILED=0
LAST_CMD=""
RC=0

sanitizer_check() {
  if grep -qE 'Sanitizer|runtime error:' "$ERR"; then
    FAILED=$((FAILED + 1))
    echo "FAIL: sanitizer report from: $LAST_CMD"
    sed -n '1,40p' "$ERR" | sed 's/^/    /'
  fi
}

run() {
  LAST_CMD="pyshift $*"
  "$PS" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  sanitizer_check
}

run_stdin() {
  local text=$1
  shift
  LAST_CMD="printf '$text' | pyshift $*"
  printf '%b' "$text" | "$PS" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  sanitizer_check
}

ok() { PASS=$((PASS + 1)); }

fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $1: $2"
  echo "    command: $LAST_CMD (exit $RC)"
  if [ -s "$OUT" ]; then echo "    stdout:"; sed -n '1,15p' "$OUT" | sed 's/^/      /'; fi
  if [ -s "$ERR" ]; then echo "    stderr:"; sed -n '1,15p' "$ERR" | sed 's/^/      /'; fi
}

expect_rc() {
  if [ "$RC" = "$2" ]; then ok; else fail "$1" "exit code $RC, expected $2"; fi
}

expect_out() {
  if grep -qF -- "$2" "$OUT"; then ok; else fail "$1" "stdout lacks: $2"; fi
}

expect_no_out() {
  if grep -qF -- "$2" "$OUT"; then fail "$1" "stdout should not contain: $2"; else ok; fi
}

expect_err() {
  if grep -qF -- "$2" "$ERR"; then ok; else fail "$1" "stderr lacks: $2"; fi
}

expect_no_err() {
  if grep -qF -- "$2" "$ERR"; then fail "$1" "stderr should not contain: $2"; else ok; fi
}

expect_err_empty() {
  if [ -s "$ERR" ]; then fail "$1" "stderr should be empty"; else ok; fi
}

# expect_err_lines NAME N: stderr has exactly N lines.
expect_err_lines() {
  local n
  n=$(wc -l <"$ERR")
  if [ "$n" -eq "$2" ]; then ok; else fail "$1" "stderr has $n lines, expected $2"; fi
}

validate_sarif() {
  local name=$1 rc opts=
  shift
  [ "$name" != --representatives ] || { opts=$name; name=$1; shift; }
  LAST_CMD="sarif_validate.py $opts $*"
  # shellcheck disable=SC2086 # $opts: one word or none
  "$PY3" "$SRC/tests/tools/sarif_validate.py" $opts "${PS_SARIF_SCHEMA:-/nonexistent/sarif-2.1.0.json}" "$@" >"$OUT" 2>"$ERR"
  rc=$?
  if [ $rc -eq 0 ]; then ok
  elif [ $rc -eq 77 ]; then echo "note: $name: SARIF validation skipped: $(tail -1 "$ERR")"; ok
  else RC=$rc; fail "$name" "sarif_validate.py found problems"; fi
}

validate_sarif_big() { validate_sarif --representatives "$@"; }

expect_eq() {
  if [ "$2" = "$3" ]; then ok; else fail "$1" "got [$2], expected [$3]"; fi
}

# finding_count: number of "path:line:col: ID" lines in text stdout.
finding_count() { grep -cE '^[^ ]+:[0-9]+:[0-9]+: [A-Z]+[0-9]+ ' "$OUT"; }

finish() {
  echo "$PASS passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}
