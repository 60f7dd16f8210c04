#!/bin/sh
# targets.sh: the MP rules' keying on the target version and per-file
# scope, beyond what one fixture's versions can show (issue 11).
#   tests/mp/targets.sh PYSHIFT DIR
set -u
ps=$1
dir=$2
fail=0
lines() {
  "$ps" check --isolated "$@" | sed -n "s/^[^:]*:\([0-9]*\):[0-9]*: \(MP[0-9]*\) .*/\1:\2/p" | tr "\n" " " | sed "s/ $//"
}
expect() {
  want=$1
  shift
  got=$(lines "$@")
  if [ "$got" != "$want" ]; then
    echo "FAIL: pyshift check $*: expected [$want], got [$got]" >&2
    fail=1
  fi
}
# At 3.13 the Linux default is fork: only the pools pinned to spawn/forkserver.
expect "11:MP003 14:MP003" --target-version 3.13 --select MP003 "$dir/mp003_313.py"
# At 3.14 forkserver is the default: the plain Pool too.
expect "10:MP003 11:MP003 14:MP003" --target-version 3.14 --select MP003 "$dir/mp003_313.py"
# Fork without threads in the file: nothing.
expect "" --select MP005 "$dir/mp005_no_threads.py"
# ... but the fork start method gets MP006's note on 3.14 targets (the
# get_context line; os.fork is not a start method), none before 3.14.
expect "6:MP006" --target-version 3.14 --select MP005,MP006 "$dir/mp005_no_threads.py"
expect "" --target-version 3.13 --select MP006 "$dir/mp005_no_threads.py"
# MP001 (a project rule): on for free-threaded targets, or when selected.
# run2's callable lives in another module and races on its _cache (the
# verdict names it even with the FT rules off); run3 picks by a helper
# around sys._is_gil_enabled() and is left alone; run4's is safe.
mp001="$dir/mp001/pkg"
expect "" --target-version 3.14 --select MP005 "$mp001"
expect "15:MP001 27:MP001" --target-version 3.14t "$mp001"
expect "15:MP001 27:MP001" --target-version 3.13 --select MP001 "$mp001"
out=$("$ps" check --isolated --target-version 3.14t --select MP001 "$mp001")
case $out in
*"runs \`pkg.work.crunch\`"*"only after guarding \`_cache\` (FT001 "*"work.py:5)"*) ;;
*) echo "FAIL: MP001 verdict on run2 does not name _cache: $out" >&2; fail=1 ;;
esac
case $out in
*"runs \`pkg.work.tidy\`"*"safe to move to ThreadPoolExecutor on 3.14t"*"InterpreterPoolExecutor"*) ;;
*) echo "FAIL: MP001 verdict on run4 is not safe: $out" >&2; fail=1 ;;
esac
# Without the FT rules (their tables are the vocabulary) MP001 does not
# claim safety.
noft=$(mktemp -d)
cp "$dir/../../../rules/multiprocessing/MP001-"*.rule "$noft/"
out=$(PYSHIFT_RULES_DIR=$noft "$ps" check --isolated --target-version 3.14t --select MP001 "$mp001")
rm -rf "$noft"
case $out in
*"safe to move"*|*"InterpreterPoolExecutor"*) echo "FAIL: MP001 claims safety without the FT rules: $out" >&2; fail=1 ;;
*"thread safety not checked"*) ;;
*) echo "FAIL: MP001 without the FT rules: $out" >&2; fail=1 ;;
esac
# The verdicts on the fixture: per-process calls and process-wide stores make
# it "not a drop-in"; reads do not; the work is classified by the rule's rows.
fx="$dir/../../../fixtures/multiprocessing/MP001-process-pool-thread-candidate.py"
out=$("$ps" check --isolated --target-version 3.14t --select MP001 "$fx")
for want in "runs \`serve\` (pure-Python CPU work) in processes: not a drop-in for threads: it calls \`signal.signal\`" \
  "runs \`with_env\` (pure-Python CPU work) in processes: not a drop-in for threads: it writes \`os.environ\`" \
  "runs \`read_env\` (pure-Python CPU work) in processes: safe to move" \
  "runs \`digest\` (C code: \`hashlib.sha256" \
  "runs \`read_size\` (I/O: \`open.read\`)" \
  "runs \`score_counted\` (pure-Python CPU work) in processes: move to threads on 3.14t only after guarding \`_seen\` (FT001 line" \
  "runs \`score\` (pure-Python CPU work) in processes: not a drop-in for threads: its starter stops it with \`terminate\`" \
  "the executor chosen by \`sys._is_gil_enabled()\` is inverted"; do
  case $out in
  *"$want"*) ;;
  *) echo "FAIL: MP001 on the fixture lacks: $want" >&2; fail=1 ;;
  esac
done
# MP003 and MP004 across modules (the project stage): the findings by file
# and line, each `# expect:` line of the tree and no `# ok:` line.
cross() {
  "$ps" check --isolated "$@" | sed -n "s/^[^:]*\/\([^/:]*\):\([0-9]*\):[0-9]*: \(MP[0-9]*\) .*/\1:\2:\3/p" | tr "\n" " " |
    sed "s/ $//"
}
want="main_global.py:9:MP004 script_bad.py:8:MP003 script_bad.py:9:MP003 script_bad.py:10:MP003"
got=$(cross --target-version 3.14 --select MP003,MP004 "$dir/mp_cross")
[ "$got" = "$want" ] || { echo "FAIL: MP003/MP004 across modules: expected [$want], got [$got]" >&2; fail=1; }
# At 3.13 the default is fork: nothing.
got=$(cross --target-version 3.13 --select MP003,MP004 "$dir/mp_cross")
[ -z "$got" ] || { echo "FAIL: MP003/MP004 across modules at 3.13: got [$got]" >&2; fail=1; }
# The finding names the start in the other module, as a related location.
out=$("$ps" check --isolated --target-version 3.14 --select MP003 "$dir/mp_cross/script_bad.py" "$dir/mp_cross/pkg")
case $out in
*"script_bad.py:10:1: MP003 \`process()\`"*"line 12 of "*"pkg/parallel.py"*) ;;
*) echo "FAIL: MP003 across modules does not name the start: $out" >&2; fail=1 ;;
esac
exit $fail
