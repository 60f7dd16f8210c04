#!/bin/sh
# run.sh: MP001's honest verdict. Runs bench.py (process pool vs thread pool
# vs serial, same interpreter) under each Python given, or python3.11 and the
# CPython 3.14 that tests/mp/python314.sh builds from Debian unstable.
#   bench/mp_vs_threads/run.sh [PYTHON...]
# Results: docs/mp-vs-threads.md. Uses 2 workers (the machine has 2 cores).
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
  set -- python3.11
  py314=$(sh "$here/../../tests/mp/python314.sh" "$here/../../build/python314" 2>/dev/null) && set -- "$@" "$py314"
fi
echo "# load average: $(cut -d" " -f1-3 /proc/loadavg)"
for py in "$@"; do
  "$py" "$here/bench.py" "${WORKERS:-2}" "${REPEATS:-3}"
done
echo "# load average: $(cut -d" " -f1-3 /proc/loadavg)"
