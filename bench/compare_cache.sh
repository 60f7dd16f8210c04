#!/bin/sh
# compare_cache.sh PYSHIFT [DIR...]: the result cache changes nothing.
# For each corpus (default: Debian's stdlib and dist-packages; the cache
# goes to a scratch directory, nothing is written into the corpus), every
# rule, targets 3.14 and 3.15 (PS_CACHE_TARGETS to choose): the JSON, SARIF,
# text, GitLab and JUnit reports and stderr of a run without the cache
# (PYSHIFT_NO_CACHE=1), of a first run filling an empty cache, of a rerun
# reading it, and of a run reading a cache filled by a text-only run (no
# fingerprints computed by the engine) must be byte-identical (SARIF's
# times masked). The reruns must be all hits but for files with errors
# (never cached). Exit 1 on a difference, with a diff excerpt.
set -eu
bin=$1
shift
case $bin in /*) ;; *) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; esac
[ -x "$bin" ] || { echo "compare_cache: $bin: not an executable" >&2; exit 2; }
[ $# -gt 0 ] || set -- /usr/lib/python3.11 /usr/lib/python3/dist-packages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mask() { grep -vE '"(startTimeUtc|endTimeUtc)"' "$1" || true; }
status=0
for dir in "$@"; do
  [ -d "$dir" ] || { echo "compare_cache: $dir: no such directory" >&2; exit 2; }
  for target in ${PS_CACHE_TARGETS:-3.14 3.15}; do
    rm -rf "$tmp/cache"
    for mode in nocache cold warm textfill fromtext; do
      if [ $mode = textfill ]; then
        rm -rf "$tmp/cache"
        (cd "$dir" && PYSHIFT_NO_CACHE= PYSHIFT_CACHE_DIR="$tmp/cache" "$bin" check --isolated --exit-zero --select ALL \
           --target-version "$target" . >/dev/null 2>&1) || true
        continue
      fi
      mkdir -p "$tmp/out"
      if [ $mode = nocache ]; then set_env="PYSHIFT_NO_CACHE=1"; else set_env="PYSHIFT_NO_CACHE="; fi
      # The same output names and arguments in every mode (SARIF records them).
      (cd "$dir" && env $set_env PYSHIFT_CACHE_DIR="$tmp/cache" PYSHIFT_CACHE_STATS=1 \
         "$bin" check --isolated --exit-zero --select ALL --target-version "$target" \
         --format json="$tmp/out/r.json" --format sarif="$tmp/out/r.sarif" --format text="$tmp/out/r.txt" \
         --format gitlab="$tmp/out/r.gitlab" --format junit="$tmp/out/r.junit" . \
         >/dev/null 2>"$tmp/$mode.err") || true
      for f in json sarif txt gitlab junit; do mv "$tmp/out/r.$f" "$tmp/$mode.$f"; done
      grep 'pyshift: cache:' "$tmp/$mode.err" >"$tmp/$mode.stats" || true
      grep -v 'pyshift: cache:' "$tmp/$mode.err" >"$tmp/$mode.msgs" || true
    done
    n=$(grep -c '"rule":' "$tmp/nocache.json" || true)
    for mode in cold warm fromtext; do
      for f in json sarif txt gitlab junit; do
        if ! mask "$tmp/nocache.$f" >"$tmp/o" || ! mask "$tmp/$mode.$f" >"$tmp/n" || ! cmp -s "$tmp/o" "$tmp/n"; then
          echo "DIFFERENT: $dir target $target: $mode run ($f)"
          diff "$tmp/o" "$tmp/n" | head -20
          status=1
        fi
      done
      cmp -s "$tmp/nocache.msgs" "$tmp/$mode.msgs" || {
        echo "DIFFERENT stderr: $dir $target $mode"
        diff "$tmp/nocache.msgs" "$tmp/$mode.msgs" | head
        status=1
      }
    done
    hits=$(sed -n 's/.*cache: \([0-9]*\) hits.*/\1/p' "$tmp/warm.stats")
    hits2=$(sed -n 's/.*cache: \([0-9]*\) hits.*/\1/p' "$tmp/fromtext.stats")
    written=$(sed -n 's/.* \([0-9]*\) written.*/\1/p' "$tmp/cold.stats")
    if [ -z "$hits" ] || [ "$hits" != "$written" ] || [ "$hits2" != "$written" ]; then
      echo "CACHE NOT USED: $dir $target: cold run $(cat "$tmp/cold.stats"), reruns $(cat "$tmp/warm.stats" "$tmp/fromtext.stats")"
      status=1
    fi
    echo "same: $dir target $target: $n findings; $(cat "$tmp/warm.stats" | sed 's/pyshift: //')"
  done
done
exit $status
