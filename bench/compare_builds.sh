#!/bin/sh
# compare_builds.sh OLD NEW [DIR...]: byte-identical JSON and SARIF from two
# pyshift builds (every rule, targets 3.14 and 3.15, min-python 3.9 and
# 3.12; PS_COMPARE_MIN_PYTHONS="3.12 3.14" to choose; then the
# free-threading build: FT and MP rules, preview ones too, target 3.14t;
# PS_COMPARE_TARGETS="3.14t" to run only some targets), on the given corpora
# (default: Debian's stdlib and dist-packages).
# Each binary reads the rules/ of the tree it was built from: when that
# tree has moved on (a main checkout after a merge), export
# PYSHIFT_RULES_DIR=DIR so that both read the same rules.
# Times, the command line and the tool's path are masked. Exit 1 on the
# first difference, with a diff excerpt.
set -eu
# Both builds scan every file (the result cache is keyed by the binary, but
# would write .pyshift_cache into the corpora).
export PYSHIFT_NO_CACHE=1
old=$1 new=$2
shift 2
# The runs cd into each corpus: make the binaries' paths absolute.
case $old in /*) ;; *) old=$(cd "$(dirname "$old")" && pwd)/$(basename "$old") ;; esac
case $new in /*) ;; *) new=$(cd "$(dirname "$new")" && pwd)/$(basename "$new") ;; esac
for b in "$old" "$new"; do [ -x "$b" ] || { echo "compare_builds: $b: not an executable" >&2; exit 2; }; done
[ $# -gt 0 ] || set -- /usr/lib/python3.11 /usr/lib/python3/dist-packages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mask() { grep -vE '"(startTimeUtc|endTimeUtc|commandLine)"|"executableLocation"|^ *"/' "$1" || true; }
status=0
for dir in "$@"; do
  [ -d "$dir" ] || { echo "compare_builds: $dir: no such directory" >&2; exit 2; }
  # "3.14t/-": the free-threading build with the FT and MP rules (the
  # project stage's joins), default min-python.
  for target in ${PS_COMPARE_TARGETS:-3.14 3.15 3.14t}; do
    minpys=${PS_COMPARE_MIN_PYTHONS:-3.9 3.12} select=ALL
    [ "$target" = 3.14t ] && minpys=- select="FT,MP --preview"
    for minpy in $minpys; do
      for b in old new; do
        eval bin=\$$b
        # The same output names for both builds (they appear in the SARIF's arguments).
        mkdir -p "$tmp/out"
        opts="--select $select --target-version $target"
        [ "$minpy" = - ] || opts="$opts --min-python $minpy"
        # shellcheck disable=SC2086 # $opts: words without blanks
        (cd "$dir" && "$bin" check --isolated --exit-zero $opts \
           --format json="$tmp/out/r.json" --format sarif="$tmp/out/r.sarif" . >/dev/null 2>"$tmp/$b.err") || true
        mv "$tmp/out/r.json" "$tmp/$b.json"
        mv "$tmp/out/r.sarif" "$tmp/$b.sarif"
      done
      n=$(grep -c '"rule":' "$tmp/new.json" || true)
      for f in json sarif; do
        if ! mask "$tmp/old.$f" >"$tmp/o" || ! mask "$tmp/new.$f" >"$tmp/n" || ! cmp -s "$tmp/o" "$tmp/n"; then
          echo "DIFFERENT: $dir target $target min-python $minpy ($f)"
          diff "$tmp/o" "$tmp/n" | head -20
          status=1
        fi
      done
      cmp -s "$tmp/old.err" "$tmp/new.err" || { echo "DIFFERENT stderr: $dir $target $minpy"; diff "$tmp/old.err" "$tmp/new.err" | head; status=1; }
      echo "same: $dir target $target min-python $minpy: $n findings"
    done
  done
done
exit $status
