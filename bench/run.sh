#!/usr/bin/env bash
# bench/run.sh: times `pyshift check` on real corpora against a parse-only
# baseline run by the same binary, and reports the rule cost, the prefilter
# saving, -j1/-j2 scaling and peak RSS as a Markdown table
# (bench/results/latest.md). See bench/README.md.
#
# The three modes, all `pyshift check --isolated --exit-zero -q`, stdout
# discarded by hyperfine (not `-o /dev/null`: see "Output" in bench/README.md):
#   (a) parse-only          PYSHIFT_PARSE_ONLY=1: load and parse every file, no rules
#   (b) full                the default rules, prefilter on (what users run)
#   (c) full-no-prefilter   PYSHIFT_NO_PREFILTER=1: default rules, every file parsed
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS="$ROOT/bench/results"
BUILD_DIR="$ROOT/build-bench"
PYSHIFT=""
RUNS=5
WARMUP=1
INSTALL=0
CALLGRIND=0
BUILD=1
QUICK=0
JOBS_LIST=(1 2)
CORPORA=()
CALLGRIND_DIR=/usr/lib/python3.11/email
DEFAULT_CORPORA=(stdlib=/usr/lib/python3.11 django=/usr/lib/python3/dist-packages/django)
PACKAGES=(hyperfine libpython3.11-testsuite python3-django)

usage() {
  cat <<EOF
usage: bench/run.sh [OPTIONS]

  --install            apt-get install -y ${PACKAGES[*]} (valgrind too with --callgrind)
  --callgrind          also count instructions with valgrind --tool=callgrind on
                       $CALLGRIND_DIR (parse-only vs full, -j1)
  --callgrind-dir DIR  the (small) tree for --callgrind
  --corpus NAME=DIR    benchmark DIR as NAME; repeatable, replaces the defaults
                       (${DEFAULT_CORPORA[*]})
  --jobs "1 2"         the -j values to measure (default "1 2"; speedup is first/last)
  --runs N             hyperfine runs per command (default 5, at least 5)
  --quick              2 runs, no warmup: to try the script, not for publishing
  --pyshift PATH       benchmark this binary instead of building build-bench/
  --no-build           use build-bench/pyshift as it is
  -h, --help           this text

Results: bench/results/<corpus>-j<N>.json (hyperfine), bench/results/latest.md.
EOF
}

die() {
  echo "bench/run.sh: $*" >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --install) INSTALL=1 ;;
    --callgrind) CALLGRIND=1 ;;
    --callgrind-dir) CALLGRIND_DIR=${2:?}; shift ;;
    --corpus) CORPORA+=("${2:?}"); shift ;;
    --jobs) read -r -a JOBS_LIST <<<"${2:?}"; shift ;;
    --runs) RUNS=${2:?}; shift ;;
    --quick) QUICK=1 ;;
    --pyshift) PYSHIFT=${2:?}; BUILD=0; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done
((${#CORPORA[@]})) || CORPORA=("${DEFAULT_CORPORA[@]}")
[[ $RUNS =~ ^[0-9]+$ ]] || die "--runs needs a number, got $RUNS"
if ((QUICK)); then
  RUNS=2 WARMUP=0
elif ((RUNS < 5)); then
  die "--runs must be at least 5 (use --quick to try the script)"
fi

# ---- prerequisites ------------------------------------------------------------

if ((INSTALL)); then
  pkgs=("${PACKAGES[@]}")
  ((CALLGRIND)) && pkgs+=(valgrind)
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    apt-get install -y "${missing[@]}"
  fi
fi
command -v hyperfine >/dev/null || die "hyperfine is missing (run with --install)"
[[ -c /dev/null ]] || die "/dev/null is not a character device; fix the machine first"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing (it summarises the results)"
((CALLGRIND)) && { command -v valgrind >/dev/null || die "valgrind is missing (run with --install)"; }
for c in "${CORPORA[@]}"; do
  [[ $c == *=* ]] || die "--corpus takes NAME=DIR, got $c"
  [[ -d ${c#*=} ]] || die "corpus ${c%%=*}: ${c#*=} is not a directory (run with --install)"
done
[[ ${CORPORA[*]} != *"/usr/lib/python3.11"* || -d /usr/lib/python3.11/test ]] ||
  die "/usr/lib/python3.11/test is missing: install libpython3.11-testsuite (or run with --install)"

# ---- the binary ---------------------------------------------------------------

if [[ -z $PYSHIFT ]]; then
  PYSHIFT="$BUILD_DIR/pyshift"
  if ((BUILD)); then
    if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
      cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
    grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD_DIR/CMakeCache.txt" ||
      die "$BUILD_DIR is not a Release build"
    cmake --build "$BUILD_DIR" -j2 --target pyshift >/dev/null
  fi
fi
[[ -x $PYSHIFT ]] || die "$PYSHIFT is not built"

# Nothing from the caller's environment may change what is measured.
unset PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER
export PYSHIFT_RULES_DIR="$ROOT/rules"
# Every timed run scans: the result cache (docs/cache.md) would turn reruns into reads.
export PYSHIFT_NO_CACHE=1

mkdir -p "$RESULTS"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
META="$RESULTS/meta.tsv" # kind <tab> fields..., read by summarize.py
: >"$META"

MODES=(parse-only full full-no-prefilter)
mode_env() {
  case "$1" in
    parse-only) echo "PYSHIFT_PARSE_ONLY=1" ;;
    full) echo "PYSHIFT_BENCH_MODE=full" ;; # a no-op variable: same `env` cost in every mode
    full-no-prefilter) echo "PYSHIFT_NO_PREFILTER=1" ;;
  esac
}

# ---- the machine and the tree -------------------------------------------------

commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no -- scanner CMakeLists.txt grammars rules 2>/dev/null |
  awk '{print $2}' | paste -sd, -)
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'commit\t%s\n' "$commit"
  printf 'dirty\t%s\n' "${dirty:-}"
  printf 'cpu\t%s\n' "${cpu:-unknown}"
  printf 'cores\t%s\n' "$(nproc)"
  printf 'kernel\t%s\n' "$(uname -r)"
  printf 'hyperfine\t%s\n' "$(hyperfine --version)"
  printf 'pyshift\t%s\n' "$("$PYSHIFT" --version)"
  printf 'runs\t%s\t%s\n' "$RUNS" "$WARMUP"
  printf 'quick\t%s\n' "$QUICK"
  printf 'load_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$META"

# Sizes a corpus: the *.py/*.pyi files pyshift opens to scan (after the
# walk's default excludes), traced with strace in a parse-only run. Without
# strace, every *.py/*.pyi under the directory is counted instead.
corpus_size() { # dir -> "files bytes method"
  if command -v strace >/dev/null; then
    PYSHIFT_PARSE_ONLY=1 strace -f -qq -e trace=openat -o "$TMP/open.log" \
      "$PYSHIFT" check --isolated --exit-zero -q -j1 "$1" >/dev/null 2>&1 || true
    python3 - "$TMP/open.log" <<'PY'
import os, re, sys
paths = set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r'openat\(AT_FDCWD, "((?:[^"\\]|\\.)*)", ([^,)]*)[^=]*= (-?\d+)', line)
    if m and int(m.group(3)) >= 0 and "O_DIRECTORY" not in m.group(2) and m.group(1).endswith((".py", ".pyi")):
        paths.add(m.group(1))
print(len(paths), sum(os.path.getsize(p) for p in paths), "strace")
PY
  else
    find -L "$1" -type f \( -name '*.py' -o -name '*.pyi' \) -printf '%s\n' |
      awk '{n++; s += $1} END {print n + 0, s + 0, "find"}'
  fi
}

# No `-o /dev/null`: pyshift writes -o files through a temp file renamed over
# the target, and when /dev/null is (even briefly) a regular file, that rename
# replaces the device for everyone on the machine. stdout goes to hyperfine's
# own null sink instead; with -q and few findings it is a few lines.
common_args() { # jobs dir
  echo "check --isolated --exit-zero -q -j$1 $(printf '%q' "$2")"
}

count_findings() { # json file
  python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1"
}

# ---- timing ---------------------------------------------------------------------

for entry in "${CORPORA[@]}"; do
  name=${entry%%=*} dir=${entry#*=}
  echo "== $name ($dir)" >&2

  read -r files bytes method < <(corpus_size "$dir")
  walked=$(find -L "$dir" -type f \( -name '*.py' -o -name '*.pyi' \) | wc -l)
  printf 'corpus\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dir" "$files" "$bytes" "$walked" "$method" >>"$META"

  # Correctness: the prefilter must not lose findings, and only per-file
  # problems (bad encodings in the test suite) may make pyshift exit 2.
  for mode in full full-no-prefilter; do
    set +e
    env "$(mode_env "$mode")" "$PYSHIFT" check --isolated --exit-zero -q --format json \
      -o "$TMP/$mode.json" -j2 "$dir" 2>"$TMP/$mode.err"
    rc=$?
    set -e
    bad=$(grep -cv "^pyshift: $dir/" "$TMP/$mode.err" || true)
    ((rc == 0 || (rc == 2 && bad == 0))) || {
      cat "$TMP/$mode.err" >&2
      die "$name/$mode: pyshift exited $rc"
    }
    printf 'check\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mode" "$rc" "$(wc -l <"$TMP/$mode.err")" \
      "$(count_findings "$TMP/$mode.json")" >>"$META"
  done
  head -n 3 "$TMP/full.err" | sed "s/^/   stderr (expected, per-file): /" >&2

  for j in "${JOBS_LIST[@]}"; do
    cmds=()
    for mode in "${MODES[@]}"; do
      cmds+=(-n "$mode" "env $(mode_env "$mode") $(printf '%q' "$PYSHIFT") $(common_args "$j" "$dir")")
    done
    # -i: the stdlib's deliberately broken test files make pyshift exit 2
    # (checked above). -N: no shell between hyperfine and pyshift.
    hyperfine -N -i --style basic --warmup "$WARMUP" --runs "$RUNS" \
      --export-json "$RESULTS/$name-j$j.json" "${cmds[@]}" >&2
    for mode in "${MODES[@]}"; do
      env "$(mode_env "$mode")" /usr/bin/time -f %M -o "$TMP/rss" \
        "$PYSHIFT" check --isolated --exit-zero -q -j"$j" "$dir" >/dev/null 2>&1 || true
      printf 'rss\t%s\t%s\t%s\t%s\n' "$name" "$j" "$mode" "$(tail -n 1 "$TMP/rss")" >>"$META"
    done
  done
done

# ---- instruction counts -----------------------------------------------------------

callgrind_ir() { # out-file -> total instructions
  awk '/^(summary|totals):/ {print $2; exit}' "$1"
}

if ((CALLGRIND)); then
  echo "== callgrind ($CALLGRIND_DIR)" >&2
  [[ -d $CALLGRIND_DIR ]] || die "--callgrind-dir $CALLGRIND_DIR is not a directory"
  mkdir -p "$TMP/empty"
  cg_bytes=$(find -L "$CALLGRIND_DIR" -type f \( -name '*.py' -o -name '*.pyi' \) -printf '%s\n' |
    awk '{s += $1} END {print s + 0}')
  printf 'cgdir\t%s\t%s\n' "$CALLGRIND_DIR" "$cg_bytes" >>"$META"
  for target in corpus startup; do
    d=$CALLGRIND_DIR
    [[ $target == startup ]] && d="$TMP/empty" # rule loading, query and regex compilation only
    for mode in "${MODES[@]}"; do
      out="$RESULTS/callgrind.$target.$mode.out"
      env "$(mode_env "$mode")" valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$PYSHIFT" check --isolated --exit-zero -q -j1 "$d" >/dev/null 2>"$TMP/cg.err" || true
      ir=$(callgrind_ir "$out")
      [[ -n $ir ]] || { cat "$TMP/cg.err" >&2; die "callgrind $target/$mode gave no totals"; }
      printf 'callgrind\t%s\t%s\t%s\n' "$target" "$mode" "$ir" >>"$META"
    done
  done
fi

printf 'load_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$META"

python3 "$ROOT/bench/summarize.py" "$RESULTS" "${JOBS_LIST[@]}" | tee "$RESULTS/latest.md"
