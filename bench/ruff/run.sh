#!/bin/sh
# run.sh: set up, build pyshift, and compare its TY rules with ruff on the
# stdlib and django corpora (and mypy's sources: annotated code, where django
# has almost no annotations) at 3.9, 3.10 and 3.12.
#   bench/ruff/run.sh                         build build-ruff/ (Release) and compare
#   bench/ruff/run.sh --pyshift PATH          use this binary
#   bench/ruff/run.sh --no-pyshift            ruff's counts only
#   bench/ruff/run.sh ... -- --show 30 --min-agreement 0.95   (more compare.py options)
# Writes bench/ruff/out/compare.txt (what is printed), diffs.txt (every
# difference), counts.json and ruff-counts.md. Exit status: compare.py's (1 below the agreement
# threshold, 2 on errors).
set -eu
# pyshift scans every file (no result cache, docs/cache.md): counts, not reruns.
export PYSHIFT_NO_CACHE=1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
pyshift=
mode=build
while [ $# -gt 0 ]; do
    case "$1" in
        --pyshift) pyshift=$2; mode=given; shift 2;;
        --no-pyshift) mode=none; shift;;
        --) shift; break;;
        -h|--help) sed -n '2,12p' "$0"; exit 0;;
        *) echo "run.sh: unknown option $1" >&2; exit 2;;
    esac
done

"$here/setup.sh" --corpora

if [ "$mode" = build ]; then
    if [ ! -f "$repo/build-ruff/CMakeCache.txt" ]; then
        cmake -S "$repo" -B "$repo/build-ruff" -DCMAKE_BUILD_TYPE=Release >&2
    fi
    cmake --build "$repo/build-ruff" -j2 --target pyshift >&2
    pyshift=$repo/build-ruff/pyshift
fi

out=$here/out
mkdir -p "$out"
if [ "$mode" = none ]; then
    set -- --no-pyshift "$@"
else
    set -- --pyshift "$pyshift" --list-all "$out/diffs.txt" "$@"
fi
rc=0
python3 "$here/compare.py" --corpus stdlib=/usr/lib/python3.11 \
    --corpus django=/usr/lib/python3/dist-packages/django \
    --corpus mypy=/usr/lib/python3/dist-packages/mypy \
    --targets 3.9,3.10,3.12 --json-out "$out/counts.json" --markdown "$out/ruff-counts.md" "$@" >"$out/compare.txt" || rc=$?
cat "$out/compare.txt"
exit $rc
