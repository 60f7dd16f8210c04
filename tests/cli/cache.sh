# Issue 13, "Adopting on a big codebase", the result cache (docs/cache.md):
# one case per property.
#   bash tests/cli/cache.sh PYSHIFT SOURCE_DIR CASE
# Each case would fail without what it checks: a rerun is served from the
# cache with byte-identical JSON, SARIF and text; a changed file is
# rescanned; a changed rule, option or first-party layout invalidates; a
# corrupt entry is a miss, never a crash or a wrong result; concurrent runs
# do not corrupt each other; --no-cache / `cache = false`; --fix, --diff
# and --add-noqa bypass it; files feeding the project stage are rescanned;
# eviction, `pyshift clean`, the cache's location.
CASE=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
export PYSHIFT_CACHE_STATS=1

# A small project: RM001 (imp), TY findings with fixes, a clean file.
mk_tree() {
  mkdir -p "$1/pkg"
  printf 'import imp\nfrom typing import List\nx: List[int] = []\n' >"$1/legacy.py"
  printf 'from typing import Optional, Dict\ndef f(a: Optional[int]) -> Dict[str, int]:\n    return {}\n' >"$1/pkg/mod.py"
  printf '' >"$1/pkg/__init__.py"
  printf 'print("fine")\n' >"$1/clean.py"
  printf 'import asyncore  # pyshift: ignore[RM001]\nimport cgi\n' >"$1/pkg/supp.py"
}

# stats: the "hits misses written" counts of the last run.
stats() { sed -n 's/^pyshift: cache: \([0-9]*\) hits, \([0-9]*\) misses, \([0-9]*\) written$/\1 \2 \3/p' "$ERR"; }

# outputs NAME ARGS...: runs a check writing JSON, SARIF, text, GitLab and
# JUnit reports to NAME.*
# (the same argument list for every run, so SARIF's invocation matches).
outputs() {
  local name=$1
  shift
  mkdir -p o
  run check --isolated --exit-zero --format json=o/r.json --format sarif=o/r.sarif --format text=o/r.txt \
    --format gitlab=o/r.gitlab --format junit=o/r.junit "$@"
  for f in json sarif txt gitlab junit; do grep -vE '"(startTimeUtc|endTimeUtc)"' "o/r.$f" >"$name.$f"; done
  grep -v '^pyshift: cache:' "$ERR" >"$name.err" || true
  rm -rf o
}

# same NAME A B: A.{json,sarif,txt,gitlab,junit,err} and B.* are byte-identical.
same() {
  local f
  for f in json sarif txt gitlab junit err; do
    if cmp -s "$2.$f" "$3.$f"; then ok; else fail "$1.$f" "$2.$f and $3.$f differ: $(diff "$2.$f" "$3.$f" | head -5)"; fi
  done
}

key_dirs() { find "$1/v1" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
entries() { find "$1/v1" -type f 2>/dev/null | wc -l; }

case $CASE in
r13_11_rerun)
  # A rerun reads every result from .pyshift_cache; the reports are the
  # same, byte for byte, as a run without the cache.
  mk_tree p
  cd p
  PYSHIFT_NO_CACHE=1 outputs ../none .
  expect_eq no_cache_stats "$(stats)" ""
  [ ! -e .pyshift_cache ] && ok || fail no_cache_dir "PYSHIFT_NO_CACHE=1 created .pyshift_cache"
  outputs ../cold .
  expect_eq cold_stats "$(stats)" "0 5 5"
  outputs ../warm .
  expect_eq warm_stats "$(stats)" "5 0 0"
  same cold ../none ../cold
  same warm ../none ../warm
  grep -q 'primaryLocationLineHash' ../warm.sarif && ok || fail fingerprints "the cached SARIF lost its fingerprints"
  [ -f .pyshift_cache/CACHEDIR.TAG ] && ok || fail cachedir_tag "no CACHEDIR.TAG"
  grep -qx '\*' .pyshift_cache/.gitignore && ok || fail gitignore "no .gitignore holding *"
  expect_eq one_key "$(key_dirs .pyshift_cache)" 1
  expect_eq five_entries "$(entries .pyshift_cache)" 5
  # A text run after a JSON one: the same entries (fingerprints are not
  # part of the key), and --jobs does not matter.
  run check --isolated -j1 .
  expect_eq text_hits "$(stats)" "5 0 0"
  expect_out text_finding 'legacy.py:1:8: RM001'
  # Entries written by a text run (which computes no fingerprints) give
  # JSON and SARIF their fingerprints all the same.
  rm -rf .pyshift_cache
  run check --isolated .
  expect_eq text_fills "$(stats)" "0 5 5"
  outputs ../from_text .
  expect_eq from_text_hits "$(stats)" "5 0 0"
  same from_text ../none ../from_text
  # An entry is the file's as displayed from this directory: named
  # alone or as ./pkg/mod.py, it is the same file.
  run check --isolated pkg/mod.py
  expect_eq one_path "$(stats)" "1 0 0"
  run check --isolated ./pkg/mod.py
  expect_eq dot_path "$(stats)" "1 0 0"
  # The cache directory itself is never walked.
  printf 'import imp\n' >.pyshift_cache/stray.py
  run check --isolated .
  expect_no_out not_walked 'stray.py'
  ;;
r13_11_changed_file)
  # An edited file is scanned again (same size, same mtime too); the
  # others still come from the cache.
  mk_tree p
  cd p
  run check --isolated .
  printf 'import cgi\nfrom typing import List\nx: List[int] = []\n' >legacy.py.new
  touch -r legacy.py legacy.py.new
  mv legacy.py.new legacy.py
  outputs ../cached .
  expect_eq rescanned "$(stats)" "4 1 1"
  grep -q 'legacy.py:1:8: RM001 `cgi`' ../cached.txt && ok || fail new_finding "the edit is not reported"
  PYSHIFT_NO_CACHE=1 outputs ../none .
  same edited ../none ../cached
  # Back to the old bytes: the old entry was replaced, so a miss again.
  printf 'import imp\nfrom typing import List\nx: List[int] = []\n' >legacy.py
  run check --isolated .
  expect_eq reverted "$(stats)" "4 1 1"
  expect_out old_finding 'legacy.py:1:8: RM001'
  ;;
r13_11_invalidation)
  # What decides a result besides the file is in the key: a rule file's
  # text, the selection, the target, min-python, per-file-ignores, the
  # first-party modules.
  mk_tree p
  mkdir rules
  cat >rules/XX001-print-call.rule <<'EOF'
---
id: XX001
name: print-call
severity: warning
message: "print call"
---
```query
((call function: (identifier) @f (#eq? @f "print")) @report)
```
## What it does
Finds print.
EOF
  cd p
  run check --isolated --rules ../rules --extend-select XX001 .
  expect_eq first "$(stats)" "0 5 5"
  run check --isolated --rules ../rules --extend-select XX001 .
  expect_eq again "$(stats)" "5 0 0"
  expect_out rule_fires 'clean.py:1:1: XX001 print call'
  sed -i 's/message: "print call"/message: "a print call"/' ../rules/XX001-print-call.rule
  run check --isolated --rules ../rules --extend-select XX001 .
  expect_eq rule_text "$(stats)" "0 5 5"
  expect_out new_message 'clean.py:1:1: XX001 a print call'
  run check --isolated --rules ../rules .
  expect_eq selection "$(stats)" "0 5 5"
  run check --isolated --target-version 3.15 .
  expect_eq target "$(stats)" "0 5 5"
  run check --isolated --target-version 3.15 --min-python 3.12 .
  expect_eq min_python "$(stats)" "0 5 5"
  run check --isolated --target-version 3.15 --min-python 3.12 .
  expect_eq same_options "$(stats)" "5 0 0"
  printf '[tool.pyshift]\nper-file-ignores = {"legacy.py" = ["RM001"]}\n' >pyproject.toml
  run check .
  expect_eq per_file_ignores "$(stats)" "0 5 5"
  expect_no_out ignored 'legacy.py:1:8: RM001'
  rm pyproject.toml
  # A first-party imp.py: `import imp` is then the project's own module.
  run check --isolated .
  run check --isolated .
  expect_eq default_options "$(stats)" "5 0 0"
  printf 'X = 1\n' >imp.py
  run check --isolated .
  expect_eq first_party "$(stats)" "0 6 6"
  expect_no_out own_imp 'legacy.py:1:8: RM001'
  ;;
r13_11_corrupt)
  # Corrupt, truncated, foreign or swapped entries are misses: the reports
  # stay those of an uncached run, nothing crashes, and the entries are
  # written again.
  mk_tree p
  cd p
  PYSHIFT_NO_CACHE=1 outputs ../none .
  outputs ../cold .
  dir=$(find .pyshift_cache/v1 -mindepth 1 -maxdepth 1 -type d)
  cp -r "$dir" ../pristine
  n=0
  for mode in truncate flip zero empty garbage swap dir fifo symlink append; do
    rm -rf "$dir"
    cp -r ../pristine "$dir"
    set -- "$dir"/*
    for e in "$@"; do
      size=$(stat -c %s "$e")
      case $mode in
        truncate) head -c $((size / 2)) "$e" >"$e.x" && mv "$e.x" "$e" ;;
        flip) "$PY3" -c 'import sys,random
p=sys.argv[1]; b=bytearray(open(p,"rb").read()); r=random.Random(int(sys.argv[2]))
for _ in range(3):
    i=r.randrange(len(b)); b[i]^=1<<r.randrange(8)
open(p,"wb").write(b)' "$e" "$n" ;;
        zero) head -c "$size" /dev/zero >"$e" ;;
        empty) : >"$e" ;;
        garbage) head -c 4096 /dev/urandom >"$e" ;;
        swap) ;;
        dir) rm "$e" && mkdir "$e" ;;
        fifo) rm "$e" && mkfifo "$e" ;;
        symlink) rm "$e" && ln -s /dev/zero "$e" ;;
        append) printf 'x' >>"$e" ;;
      esac
      n=$((n + 1))
    done
    if [ $mode = swap ]; then # every entry holds another file's result
      first=$1
      tmpf=$(mktemp)
      cp "$first" "$tmpf"
      prev=$first
      for e in "$@"; do [ "$e" = "$first" ] || { cp "$e" "$prev"; prev=$e; }; done
      cp "$tmpf" "$prev"
      rm -f "$tmpf"
    fi
    outputs ../$mode .
    expect_rc "$mode.rc" 0
    expect_eq "$mode.all_missed" "$(stats | cut -d' ' -f1)" 0
    same "$mode" ../none ../$mode
    # The broken entries were replaced (but for those that are now
    # directories: a rename cannot replace them; still a miss).
    outputs ../$mode.after .
    case $mode in
      dir) expect_eq "$mode.still_missed" "$(stats)" "0 5 0" ;;
      *) expect_eq "$mode.rewritten" "$(stats)" "5 0 0" ;;
    esac
    same "$mode.after" ../none ../$mode.after
  done
  # A little fuzzing: random bytes flipped in one entry at a time, 40 rounds.
  rm -rf "$dir" && cp -r ../pristine "$dir"
  for i in $(seq 1 40); do
    set -- "$dir"/*
    e=$(eval echo "\${$((i % $# + 1))}")
    "$PY3" -c 'import sys,random
p=sys.argv[1]; r=random.Random(int(sys.argv[2])); b=bytearray(open(p,"rb").read())
k=r.randrange(4)
if k==0: b[r.randrange(len(b))]=r.randrange(256)
elif k==1: del b[r.randrange(len(b)):]
elif k==2: b.insert(r.randrange(len(b)+1), r.randrange(256))
else:
    i=r.randrange(max(1,len(b)-8)); b[i:i+4]=bytes(r.randrange(256) for _ in range(4))
open(p,"wb").write(b)' "$e" "$i"
    outputs ../fuzz .
    if [ "$RC" != 0 ] || ! cmp -s ../none.json ../fuzz.json || ! cmp -s ../none.sarif ../fuzz.sarif || \
       ! cmp -s ../none.txt ../fuzz.txt || ! cmp -s ../none.gitlab ../fuzz.gitlab || ! cmp -s ../none.err ../fuzz.err; then
      fail "fuzz.$i" "entry $e mutated (seed $i): exit $RC or different reports"
      break
    fi
    ok
  done
  ;;
r13_11_concurrent)
  # Runs sharing one cache at once: each report is right, the cache ends up
  # whole (a later run hits every file and reports the same).
  mkdir p
  for d in a b c d e f g h; do
    mkdir -p "p/$d"
    for i in 1 2 3 4 5 6 7 8 9 10; do
      printf 'import imp\nfrom typing import List, Optional\nx%s: List[int] = []\ndef f(a: Optional[int]): ...\n' "$i" >"p/$d/m$i.py"
    done
  done
  cd p
  PYSHIFT_NO_CACHE=1 run check --isolated --exit-zero --format json .
  cp "$OUT" ../none.json
  for round in 1 2 3; do
    rm -rf .pyshift_cache
    pids=""
    for k in 1 2 3 4 5 6; do
      "$PS" check --isolated --exit-zero -j2 --format json . >"../c$k.json" 2>"../c$k.err" </dev/null &
      pids="$pids $!"
    done
    for p in $pids; do wait "$p"; done
    for k in 1 2 3 4 5 6; do
      if cmp -s ../none.json "../c$k.json" && ! grep -qv '^pyshift: cache:' "../c$k.err"; then ok
      else fail "round$round.run$k" "a concurrent run's report differs or it printed errors: $(head -3 "../c$k.err")"; fi
    done
    run check --isolated --exit-zero --format json .
    expect_eq "round$round.after" "$(stats)" "80 0 0"
    cmp -s ../none.json "$OUT" && ok || fail "round$round.after_report" "the report from the cache differs"
    left=$(find .pyshift_cache -name '*.tmp.*' | wc -l)
    expect_eq "round$round.no_temp_files" "$left" 0
  done
  # Writers racing over the same entries while readers read them.
  printf 'import imp\n' >a/m1.py
  pids=""
  for k in 1 2 3 4; do
    "$PS" check --isolated --exit-zero -j1 --format json . >"../r$k.json" 2>/dev/null </dev/null &
    pids="$pids $!"
  done
  for p in $pids; do wait "$p"; done
  PYSHIFT_NO_CACHE=1 run check --isolated --exit-zero --format json .
  for k in 1 2 3 4; do cmp -s "$OUT" "../r$k.json" && ok || fail "race$k" "report differs"; done
  ;;
r13_11_off)
  # --no-cache, `cache = false`, PYSHIFT_NO_CACHE and standard input use
  # no cache at all; --fix, --diff and --add-noqa neither read nor write
  # it, and what they change is scanned again afterwards.
  mk_tree p
  cd p
  run check --isolated --no-cache .
  expect_eq flag "$(stats)" ""
  [ ! -e .pyshift_cache ] && ok || fail flag_dir ".pyshift_cache made with --no-cache"
  printf '[tool.pyshift]\ncache = false\n' >pyproject.toml
  run check .
  expect_eq pyproject_off "$(stats)" ""
  [ ! -e .pyshift_cache ] && ok || fail pyproject_dir ".pyshift_cache made with cache = false"
  printf '[tool.pyshift]\ncache = "no"\n' >pyproject.toml
  run check .
  expect_rc pyproject_bad 2
  expect_err pyproject_bad_msg '`cache` must be a boolean'
  rm pyproject.toml
  run_stdin 'import imp\n' check --isolated --stdin-filename x.py
  expect_eq stdin "$(stats)" ""
  run check --isolated .
  expect_eq filled "$(stats)" "0 5 5"
  run check --isolated --diff .
  expect_eq diff_bypasses "$(stats)" ""
  expect_out diff_shows '+x: list[int] = []'
  run check --isolated --fix .
  expect_eq fix_bypasses "$(stats)" ""
  grep -q 'list\[int\]' legacy.py && ok || fail fixed "--fix did not rewrite legacy.py"
  outputs ../after_fix .
  expect_eq fixed_rescanned "$(stats)" "3 2 2"
  PYSHIFT_NO_CACHE=1 outputs ../none .
  same after_fix ../none ../after_fix
  run check --isolated --add-noqa .
  expect_eq noqa_bypasses "$(stats)" ""
  run check --isolated .
  expect_rc noqa_clean 0
  expect_eq noqa_rescanned "$(stats)" "3 2 2"
  ;;
r13_11_project)
  # Files whose facts feed a join are scanned every time (facts are not
  # cached); the others come from the cache; the project findings are
  # those of an uncached run.
  cp -r "$SRC/tests/project/tree" tree
  cd tree
  # Files the join's gates do not admit (no facts): these are cached.
  printf 'import imp\n' >unrelated.py
  printf 'from typing import List\nx: List[int] = []\n' >pkg/typed.py
  R="$SRC/tests/project/rules"
  PYSHIFT_NO_CACHE=1 outputs ../none --rules "$R" --select XP001,RM,TY .
  outputs ../cold --rules "$R" --select XP001,RM,TY .
  cold=$(stats)
  outputs ../warm --rules "$R" --select XP001,RM,TY .
  warm=$(stats)
  same cold ../none ../cold
  same warm ../none ../warm
  grep -q 'XP001' ../warm.txt && ok || fail project_findings "no project finding from the cached run"
  total=$(find . -name '*.py' -not -path './.pyshift_cache/*' | wc -l)
  hits=${warm%% *}
  written=$(echo "$cold" | cut -d' ' -f3)
  expect_eq hits_are_written "$hits" "$written"
  expect_eq facts_not_cached "$warm" "2 $((total - 2)) 0"
  ;;
r13_11_location)
  # Where the cache lives: the pyproject's directory, --cache-dir,
  # PYSHIFT_CACHE_DIR, `cache-dir` (inside the project only), the user's
  # cache home when the project's .pyshift_cache cannot be made.
  mk_tree proj
  printf '[tool.pyshift]\nselect = ["RM"]\n' >proj/pyproject.toml
  mkdir elsewhere && cd elsewhere
  run check ../proj
  [ -d ../proj/.pyshift_cache ] && ok || fail pyproject_dir "no cache beside the pyproject.toml"
  [ ! -e .pyshift_cache ] && ok || fail not_cwd "a cache in the working directory"
  run check --isolated ../proj
  [ -d .pyshift_cache ] && ok || fail isolated_cwd "--isolated: no cache in the working directory"
  cd ..
  run check --isolated --cache-dir "$T/cd" proj
  expect_eq cache_dir "$(entries "$T/cd")" 5
  PYSHIFT_CACHE_DIR="$T/env" run check --isolated proj
  expect_eq env_dir "$(entries "$T/env")" 5
  PYSHIFT_CACHE_DIR="$T/env" run check --isolated --cache-dir "$T/cd" proj
  expect_eq flag_wins "$(stats)" "5 0 0"
  printf '[tool.pyshift]\ncache-dir = "build/pyshift-cache"\n' >proj/pyproject.toml
  run check proj
  expect_eq config_dir "$(entries proj/build/pyshift-cache)" 5
  PYSHIFT_CACHE_DIR="$T/env2" run check proj
  expect_eq env_over_config "$(entries "$T/env2")" 5
  printf '[tool.pyshift]\ncache-dir = "/tmp/x"\n' >proj/pyproject.toml
  run check proj
  expect_rc absolute 2
  expect_err absolute_msg '`cache-dir` must be a relative path inside the project'
  printf '[tool.pyshift]\ncache-dir = "../x"\n' >proj/pyproject.toml
  run check proj
  expect_rc dotdot 2
  rm proj/pyproject.toml
  # The project's .pyshift_cache cannot be made (a file of that name, as a
  # read-only directory would do for a user other than root): the user's
  # cache home.
  mkdir ro && cd ro && mk_tree . && : >.pyshift_cache
  XDG_CACHE_HOME="$T/xdg" run check --isolated .
  expect_rc xdg_rc 1
  expect_eq xdg "$(find "$T/xdg/pyshift" -type f -path '*/v1/*' | wc -l)" 5
  XDG_CACHE_HOME="$T/xdg" run check --isolated .
  expect_eq xdg_hits "$(stats)" "5 0 0"
  # Nowhere to write: the run goes on without a cache.
  XDG_CACHE_HOME=/dev/null/x HOME=/dev/null/y run check --isolated .
  expect_rc nowhere_rc 1
  expect_eq nowhere "$(stats)" ""
  expect_out nowhere_findings 'legacy.py:1:8: RM001'
  ;;
r13_11_evict_clean)
  # At most 8 configurations are kept, the least recently used dropped;
  # `pyshift clean` removes the cache and nothing else.
  mk_tree p
  cd p
  for t in 3.12 3.13 3.14 3.15; do
    for m in 3.9 3.10 3.11; do run check --isolated --target-version $t --min-python $m .; done
  done
  expect_eq bounded "$(key_dirs .pyshift_cache)" 8
  run check --isolated --target-version 3.15 --min-python 3.11 .
  expect_eq newest_kept "$(stats)" "5 0 0"
  run check --isolated --target-version 3.12 --min-python 3.9 .
  expect_eq oldest_dropped "$(stats)" "0 5 5"
  run clean
  expect_rc clean_rc 0
  expect_err clean_msg 'removed'
  [ ! -e .pyshift_cache ] && ok || fail clean_gone ".pyshift_cache is still there"
  run clean
  expect_rc clean_again 0
  expect_err clean_nothing 'no cache to remove'
  mkdir ../shared && printf 'keep me\n' >../shared/notes.txt
  run check --isolated --cache-dir ../shared .
  run clean --cache-dir ../shared
  [ -f ../shared/notes.txt ] && [ ! -e ../shared/v1 ] && ok || fail clean_only_ours "clean removed too much or too little"
  run clean extra
  expect_rc clean_usage 2
  ;;
*)
  echo "usage: $0 PYSHIFT SOURCE_DIR CASE"
  exit 2
  ;;
esac
finish
