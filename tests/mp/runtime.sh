#!/bin/sh
# runtime.sh: every MP002/MP003/MP004 breakage is real (issue 11).
#
#   tests/mp/runtime.sh PYSHIFT PYTHON314_CACHE PROGRAMS_DIR
#
# For each program pair mpNNN_<case>.bad.py / mpNNN_<case>.ok.py in
# PROGRAMS_DIR (or a pair of directories mpNNN_<case>.bad/ and .ok/ for
# cases across modules: pyshift checks the directory, the interpreter runs
# its main.py), with a line `# expect-output: REGEX`:
#   - pyshift reports rule MPNNN on the .bad program and not on the .ok one;
#   - the real CPython 3.14 (tests/mp/python314.sh, default start method
#     forkserver) runs each with a 30 s timeout in its own process group:
#     the .bad program's output (stdout and stderr) matches its regex (the
#     PicklingError, the bootstrapping RuntimeError, a worker seeing the
#     wrong global), and the .ok one exits 0 with output matching its regex.
# Skips (77) when the interpreter cannot be made here.
set -u
ps=$1
cache=$2
dir=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
py=$(sh "$here/python314.sh" "$cache") || exit $?
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# The directory cases import their own modules: no __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
n=0

run_py() { # program, output file; prints the exit status
  (cd "$work" && setsid sh -c 'echo $$ >"$1.pgid"; exec timeout -k 5 30 "$2" "$3"' sh "$2" "$py" "$1" >"$2" 2>&1)
  rc=$?
  # Children a killed program left behind: its process group, by id.
  [ -f "$2.pgid" ] && kill -9 -- "-$(cat "$2.pgid")" 2>/dev/null
  echo "$rc"
}

for bad in "$dir"/mp*.bad.py "$dir"/mp*.bad; do
  [ -e "$bad" ] || continue
  case $bad in
  *.py) case_=$(basename "$bad" .bad.py) ok=$dir/$case_.ok.py ;;
  *) case_=$(basename "$bad" .bad) ok=$dir/$case_.ok ;;
  esac
  rule=$(echo "$case_" | sed 's/^mp\([0-9]*\)_.*/MP\1/')
  for prog in "$bad" "$ok"; do
    n=$((n + 1))
    main=$prog
    [ -d "$prog" ] && main=$prog/main.py
    want=$(sed -n 's/^# expect-output: //p' "$main" | head -n 1)
    hits=$("$ps" check --isolated --select "$rule" "$prog" | grep -c ": $rule ")
    out=$work/$(basename "$prog").out
    rc=$(run_py "$main" "$out")
    case $prog in
    *.bad.py | *.bad)
      if [ "$hits" -eq 0 ]; then
        echo "FAIL: $prog: pyshift does not report $rule" >&2; fail=1
      fi
      if ! grep -Eq "$want" "$out"; then
        echo "FAIL: $prog (exit $rc) under $py: output does not match /$want/:" >&2
        tail -n 5 "$out" >&2; fail=1
      else
        echo "ok: $prog fails as $rule says: $(grep -Em1 "$want" "$out")"
      fi ;;
    *)
      if [ "$hits" -ne 0 ]; then
        echo "FAIL: $prog: pyshift reports $rule on the fixed program" >&2; fail=1
      fi
      if [ "$rc" -ne 0 ] || ! grep -Eq "$want" "$out"; then
        echo "FAIL: $prog (exit $rc) under $py: expected success with /$want/:" >&2
        tail -n 5 "$out" >&2; fail=1
      else
        echo "ok: $prog runs: $(grep -Em1 "$want" "$out")"
      fi ;;
    esac
  done
done
echo "$n programs checked"
exit $fail
