# Runs pyshift over fixtures/ (from the source dir, so paths are relative) in
# every format and writes the redacted outputs to OUTDIR/actual.<ext>, plus
# the unredacted SARIF as OUTDIR/raw.sarif for schema validation.
# usage: bash run.sh PYSHIFT SOURCE_DIR OUTDIR
set -u
PS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
mkdir -p "$3"
OUTDIR=$(cd "$3" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=$(command -v python3)
unset PYSHIFT_RULES_DIR PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
cd "$SRC" || exit 2

# The one command line the golden files record (see tests/golden/update.sh).
ARGS=(check --isolated --extend-select RM101 --jobs 2 fixtures)
status=0
for fmt in text json sarif github gitlab junit; do
  ext=$fmt
  [ "$fmt" = text ] && ext=txt
  [ "$fmt" = junit ] && ext=xml
  "$PS" "${ARGS[@]}" --format "$fmt" >"$OUTDIR/raw.$ext" 2>"$OUTDIR/stderr.$ext"
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    echo "pyshift --format $fmt exited $rc:"
    cat "$OUTDIR/stderr.$ext"
    status=1
  fi
  if [ -s "$OUTDIR/stderr.$ext" ]; then
    echo "pyshift --format $fmt wrote to stderr:"
    cat "$OUTDIR/stderr.$ext"
    status=1
  fi
  "$PY3" "$HERE/redact.py" "$fmt" "$OUTDIR/raw.$ext" "$OUTDIR/actual.$ext" || status=1
done
exit $status
