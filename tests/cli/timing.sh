# PYSHIFT_TIMING=1 (bench/README.md, "Where the time goes"): one stderr line
# with the CPU and wall seconds of the per-file and project stages, the
# project stage's share, and the size of the copied-out facts; nothing
# without the variable, and no facts figure when no join runs.
#   bash tests/cli/timing.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

mkdir -p p
printf 'import threading\n_cache = {}\ndef put(k, v):\n    if k not in _cache:\n        _cache[k] = v\n' >p/cache.py
printf 'import threading\nfrom cache import put\nthreading.Thread(target=put, args=(1, 2)).start()\n' >p/main.py

line='^pyshift: timing: setup [0-9.]*s cpu [0-9.]*s wall; per-file [0-9.]*s cpu [0-9.]*s wall; project [0-9.]*s cpu [0-9.]*s wall \([0-9.]*% of cpu\)'

PYSHIFT_NO_CACHE=1 PYSHIFT_TIMING=1 run check --isolated --exit-zero --target-version 3.14t p
grep -qE "$line; facts of 2 files, [0-9.]* MB\$" "$ERR" && ok || fail ft_line "no timing line with the facts: $(cat "$ERR")"

# (MP003 and MP004 have joins at every target: left out here.)
PYSHIFT_NO_CACHE=1 PYSHIFT_TIMING=1 run check --isolated --exit-zero --target-version 3.14 --ignore MP003,MP004 p
grep -qE "$line\$" "$ERR" && ok || fail no_ft_line "no timing line without a join: $(cat "$ERR")"

PYSHIFT_NO_CACHE=1 run check --isolated --exit-zero --target-version 3.14t p
expect_no_err quiet "pyshift: timing:"

finish
