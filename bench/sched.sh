#!/usr/bin/env bash
# bench/sched.sh: where does each pyshift thread spend a run's wall time?
#
#   bench/sched.sh [MODE] [JOBS] [DIR]      (MODE: parse-only | full | full-no-prefilter)
#
# Runs one `pyshift check` under `perf sched record` and splits every
# thread's time into running, runnable but waiting for a CPU (preempted, or
# woken and not yet on a CPU) and sleeping (blocked: mutex, condition
# variable, I/O). It also sums what other processes ran on the same CPUs
# meanwhile. A -jN run that reaches less than N times -j1 either sleeps
# (serial phases, lock waits: our problem) or waits runnable (the CPUs are
# busy with other work: the machine's problem). Needs perf and root (or
# kernel.perf_event_paranoid <= 1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=${1:-parse-only}
JOBS=${2:-2}
DIR=${3:-/usr/lib/python3.11}
PYSHIFT=${PYSHIFT:-$ROOT/build-bench/pyshift}
[[ -x $PYSHIFT ]] || { echo "bench/sched.sh: build $PYSHIFT first (bench/run.sh does)" >&2; exit 2; }
command -v perf >/dev/null || { echo "bench/sched.sh: perf is missing" >&2; exit 2; }

unset PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER
case $MODE in
  parse-only) export PYSHIFT_PARSE_ONLY=1 ;;
  full) ;;
  full-no-prefilter) export PYSHIFT_NO_PREFILTER=1 ;;
  *) echo "bench/sched.sh: MODE is parse-only, full or full-no-prefilter" >&2; exit 2 ;;
esac
export PYSHIFT_RULES_DIR="$ROOT/rules"
# Every timed run scans: the result cache (docs/cache.md) would turn reruns into reads.
export PYSHIFT_NO_CACHE=1

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The shell writes its pid and execs pyshift, so that pid is pyshift's.
perf sched record -q -o "$TMP/sched.data" -- sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$TMP/pid" \
  "$PYSHIFT" check --isolated --exit-zero -q -j"$JOBS" "$DIR" >/dev/null 2>&1 || true
pid=$(cat "$TMP/pid")

echo "pyshift check -j$JOBS $DIR ($MODE), pid $pid; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
perf sched timehist -i "$TMP/sched.data" --state 2>/dev/null | awk -v pid="$pid" '
  NR <= 3 { next }
  {
    t = $1 + 0; task = $3; wait = $4; delay = $5; run = $6; state = $7
    n = split(task, a, /[\[\/\]]/)
    tid = a[2]; p = (a[3] != "" ? a[3] : a[2])
    if (p == pid && tid + 0 > 0) {
      if (!(tid in seen)) { seen[tid] = 1; order[++nt] = tid; if (!t0 || t - run / 1000 < t0) t0 = t - run / 1000 }
      if (prev[tid] == "R") runnable[tid] += wait
      else { sleep[tid] += wait - delay; runnable[tid] += delay }
      running[tid] += run; ins[tid]++; prev[tid] = state
      if (t > t1) t1 = t
    } else {
      no++; ot[no] = t; orun[no] = run; otask[no] = task
    }
  }
  END {
    wall = (t1 - t0) * 1000
    printf "%-10s %10s %10s %10s %8s\n", "thread", "run ms", "runnable", "sleep ms", "sched-in"
    for (k = 1; k <= nt; k++) {
      tid = order[k]
      printf "%-10s %10.1f %10.1f %10.1f %8d\n", (tid == pid ? "main" : "thread " tid), running[tid], runnable[tid], sleep[tid], ins[tid]
      total += running[tid]; wait_r += runnable[tid]
      if (tid != pid) { wsum += running[tid]; if (running[tid] > wmax) wmax = running[tid] }
    }
    printf "wall %.1f ms (first to last event); pyshift ran %.1f ms = %.2f CPUs on average; %.1f ms runnable but not running\n", wall, total, total / wall, wait_r
    if (wmax > 0)
      printf "workers ran %.1f ms in all, the busiest %.1f ms: with a free CPU each, the workers would finish %.2fx faster than one worker doing it all\n", wsum, wmax, wsum / wmax
    for (i = 1; i <= no; i++) {
      if (ot[i] < t0 || ot[i] > t1) continue
      name = otask[i]; sub(/\[.*/, "", name)
      sum[name] += orun[i]; others += orun[i]
    }
    printf "other processes ran %.1f ms on these CPUs meanwhile:", others
    for (o in sum) if (sum[o] >= 0.05 * others) printf " %s %.0f;", o, sum[o]
    print ""
  }'
