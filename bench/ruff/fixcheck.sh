#!/bin/sh
# fixcheck.sh: apply pyshift's TY fixes to a copy of a corpus and check the
# result: every changed file still compiles, and a second scan finds nothing
# left to fix safely.
#
#   bench/ruff/fixcheck.sh --pyshift build-ruff/pyshift [--min-python 3.10] [--keep] [DIR...]
#
# DIR defaults to the stdlib and django corpora (bench/ruff/setup.sh --corpora).
# For each DIR:
#   1. copy its Python files to a temp dir: the list compare.py compares (*.py
#      outside site-packages/dist-packages, UTF-8, compiled by Python 3.11);
#   2. pyshift check --isolated --select TY --min-python X --fix --no-respect-gitignore
#      on the copy;
#   3. list the changed files with diff -rq; compile each with python3 -m py_compile,
#      using Python X itself when it can be found (python3.X on PATH or in
#      ~/.pyenv/versions), else python3; a file that did not compile before the
#      fix is not held against the fix;
#   4. scan the copy again (JSON) and require no TY finding with a safe fix.
# --keep leaves the temp dir (printed) for a look. Exit status: 0 all good,
# 1 a check failed, 2 setup problems (no --fix in this pyshift, no corpus).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pyshift=
minpy=3.10
keep=
while [ $# -gt 0 ]; do
    case "$1" in
        --pyshift) pyshift=$2; shift 2;;
        --min-python) minpy=$2; shift 2;;
        --keep) keep=1; shift;;
        -h|--help) sed -n '2,21p' "$0"; exit 0;;
        --) shift; break;;
        -*) echo "fixcheck.sh: unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
[ -n "$pyshift" ] || { echo "fixcheck.sh: --pyshift PATH is required" >&2; exit 2; }
case "$pyshift" in /*) ;; *) pyshift=$(pwd)/$pyshift;; esac
[ -x "$pyshift" ] || { echo "fixcheck.sh: $pyshift is not executable" >&2; exit 2; }
if ! "$pyshift" check --help 2>&1 | grep -q -- '--fix'; then
    echo "fixcheck.sh: $pyshift has no --fix option yet (pyshift check --help)" >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    set -- /usr/lib/python3.11 /usr/lib/python3/dist-packages/django
fi

# the interpreter that compiles the fixed files: Python $minpy if there is one
py=
for cand in $(ls -d "$HOME"/.pyenv/versions/"$minpy".*/bin/python3 2>/dev/null | sort -V | tail -1) \
        "python$minpy"; do
    v=$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [ "$v" = "$minpy" ]; then py=$cand; break; fi
done
if [ -z "$py" ]; then
    py=python3
    echo "fixcheck.sh: no Python $minpy found; compiling with $(python3 -V 2>&1)" >&2
fi
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pyshift-fixcheck.XXXXXX")
cleanup() { if [ -z "$keep" ]; then rm -rf "$tmp"; else echo "fixcheck.sh: kept $tmp" >&2; fi; }
trap cleanup EXIT
export PYTHONPYCACHEPREFIX="$tmp/pycache"   # py_compile writes nothing into the copies

status=0
n=0
for dir in "$@"; do
    [ -d "$dir" ] || { echo "fixcheck.sh: $dir is not a directory" >&2; exit 2; }
    n=$((n + 1))
    name=$(basename "$dir")
    orig="$tmp/$n-$name.orig"
    work="$tmp/$n-$name"
    mkdir -p "$orig" "$work"
    # one pristine copy to diff against, one to fix
    # the files compare.py compares: *.py, UTF-8, compiled by Python 3.11
    python3 "$here/compare.py" --list-files "$dir" >"$tmp/$n-files.txt"
    for d in "$orig" "$work"; do
        (cd "$dir" && tar -cf - -T "$tmp/$n-files.txt") | tar -xf - -C "$d"
    done
    echo "=== $dir at --min-python $minpy (compiling with Python $pyver)"

    rc=0
    (cd "$work" && "$pyshift" check --isolated --select TY --min-python "$minpy" --fix \
        --no-respect-gitignore -j2 --exit-zero . >"$tmp/$n-fix.out" 2>"$tmp/$n-fix.err") || rc=$?
    if [ "$rc" -ge 2 ]; then
        # e.g. "fixes would introduce a syntax error; file left unchanged": a
        # fix bug; the other checks still run on what was written
        echo "  FAIL: pyshift --fix exited $rc:"; sed 's/^/    /' "$tmp/$n-fix.err" | head -20
        status=1
    elif [ -s "$tmp/$n-fix.err" ]; then
        sed 's/^/  pyshift stderr: /' "$tmp/$n-fix.err" | head -5
    fi
    tail -n 3 "$tmp/$n-fix.out" | sed 's/^/  pyshift: /'

    # changed files; a file added or removed by --fix is a failure
    diff -rq -x __pycache__ "$orig" "$work" >"$tmp/$n-diff.txt" || true
    if grep -q '^Only in' "$tmp/$n-diff.txt"; then
        echo "  FAIL: files added or removed:"; grep '^Only in' "$tmp/$n-diff.txt" | sed 's/^/    /' | head -20
        status=1
    fi
    sed -n "s|^Files $orig/\(.*\) and $work/.* differ\$|\1|p" "$tmp/$n-diff.txt" >"$tmp/$n-changed.txt"
    changed=$(wc -l <"$tmp/$n-changed.txt")
    echo "  changed files: $changed"

    # compile every changed .py file, before and after
    bad=0
    while IFS= read -r rel; do
        case "$rel" in *.py) ;; *) echo "  FAIL: a non-Python file changed: $rel"; status=1; continue;; esac
        if "$py" -m py_compile "$work/$rel" 2>"$tmp/err.txt"; then
            continue
        fi
        if ! "$py" -m py_compile "$orig/$rel" 2>/dev/null; then
            continue    # did not compile before the fix either
        fi
        bad=$((bad + 1))
        status=1
        echo "  FAIL: $rel no longer compiles:"
        sed "s|$work/||g; s/^/    /" "$tmp/err.txt" | tail -n 4
        diff -u "$orig/$rel" "$work/$rel" | sed 's/^/    /' | head -40
    done <"$tmp/$n-changed.txt"
    echo "  changed files that no longer compile: $bad"

    # nothing safely fixable left
    rc=0
    (cd "$work" && "$pyshift" check --isolated --select TY --min-python "$minpy" --format json \
        --no-respect-gitignore -j2 . >"$tmp/$n-after.json" 2>"$tmp/$n-after.err") || rc=$?
    if [ "$rc" -ge 2 ]; then
        echo "  FAIL: the second scan exited $rc:"; sed 's/^/    /' "$tmp/$n-after.err" | head -20
        status=1
        continue
    fi
    left=$(python3 - "$tmp/$n-after.json" <<'PY'
import json, sys
from collections import Counter
data = json.load(open(sys.argv[1], encoding="utf-8"))
safe = [d for d in data if d["rule"].startswith("TY") and d.get("fix") and d["fix"]["applicability"] == "safe"]
unsafe = Counter(d["rule"] for d in data if d.get("fix") and d["fix"]["applicability"] != "safe")
nofix = Counter(d["rule"] for d in data if not d.get("fix"))
for d in safe[:20]:
    s = d["range"]["start"]
    print(f"    {d['path']}:{s['line']}:{s['column']}: {d['rule']} {d['message']}", file=sys.stderr)
print(f"{len(safe)} safe-fixable left; unsafe-fixable {dict(sorted(unsafe.items()))}; "
      f"without fix {dict(sorted(nofix.items()))}", file=sys.stderr)
print(len(safe))
PY
)
    if [ "$left" != 0 ]; then
        echo "  FAIL: $left TY findings with a safe fix remain after --fix"
        status=1
    else
        echo "  OK: no safe fix left"
    fi
done
exit $status
