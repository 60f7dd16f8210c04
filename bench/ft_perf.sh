#!/usr/bin/env bash
# bench/ft_perf.sh PYSHIFT [DIR]: the FT run's cost in CPU time, for issue
# 10's "Speed and memory" budget (bench/results/ft-perf.md).
# For -j1 and -j2 (FT_PERF_JOBS), REPS runs each (FT_PERF_REPS, default 3)
# of the modes in FT_PERF_MODES (default: parse-only 3.14 3.14t):
#   parse-only  PYSHIFT_PARSE_ONLY=1 (every file loaded and parsed, no rules)
#   3.14        the default rules for 3.14 (no FT)
#   3.14t       the default rules for 3.14t (FT on)
#   3.14-noprefilter  PYSHIFT_NO_PREFILTER=1, 3.14: every file through the rules
# each `pyshift check --isolated --exit-zero -q -jN --target-version T DIR`
# under /usr/bin/time; prints one line per run (mode, -j, run, user s, sys s,
# peak RSS KB) and then the medians of user+sys with the ratio to
# parse-only. CPU time, not wall time: on a shared machine wall times say
# more about the other load than about pyshift (hardware counters are not
# available in every VM). The result cache is off.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:?usage: bench/ft_perf.sh PYSHIFT [DIR]}
DIR=${2:-/usr/lib/python3.11}
export PYSHIFT_RULES_DIR="$ROOT/rules" PYSHIFT_NO_CACHE=1
unset PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER PYSHIFT_TIMING
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for j in ${FT_PERF_JOBS:-1 2}; do
  for r in $(seq "${FT_PERF_REPS:-3}"); do
    for mode in ${FT_PERF_MODES:-parse-only 3.14 3.14t}; do
      case $mode in
        parse-only) e=PYSHIFT_PARSE_ONLY=1 tv=3.14t ;;
        3.14) e=PYSHIFT_BENCH_MODE=full tv=3.14 ;;
        3.14t) e=PYSHIFT_BENCH_MODE=full tv=3.14t ;;
        3.14-noprefilter) e=PYSHIFT_NO_PREFILTER=1 tv=3.14 ;;
        *) echo "bench/ft_perf.sh: unknown mode $mode" >&2; exit 2 ;;
      esac
      env "$e" /usr/bin/time -f "%U %S %M" -o "$TMP/t" "$BIN" check --isolated --exit-zero -q -j"$j" \
        --target-version "$tv" "$DIR" >/dev/null 2>&1 || true
      echo "run $mode j$j r$r $(cat "$TMP/t")" | tee -a "$TMP/all"
    done
  done
done
python3 - "$TMP/all" <<'PY'
import collections, statistics as st, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    d[(p[2], p[1])].append((float(p[4]) + float(p[5]), int(p[6])))
for (j, mode), v in sorted(d.items()):
    cpu = st.median(x[0] for x in v)
    po = d.get((j, "parse-only"))
    ratio = cpu / st.median(x[0] for x in po) if po else float("nan")
    print(f"{j} {mode:17} median user+sys {cpu:6.2f} s ({' '.join('%.2f' % x[0] for x in v)})"
          f"  {ratio:.2f}x parse-only  peak RSS {max(x[1] for x in v) / 1024:.1f} MiB")
PY
