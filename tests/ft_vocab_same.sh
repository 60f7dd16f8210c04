#!/bin/sh
# The FT rules share one vocabulary: each rules/freethreading/FT*.rule
# carries the same ```table (so any one selected alone knows every thread
# API, lock and container). Fails, naming the file, if one differs.
# sh ft_vocab_same.sh RULES_DIR
set -u
dir=$1/freethreading
first=""
status=0
for f in "$dir"/FT*.rule; do
  t=$(sed -n '/^```table$/,/^```$/p' "$f")
  if [ -z "$first" ]; then first=$t; ref=$f; continue; fi
  if [ "$t" != "$first" ]; then
    echo "FAIL: the vocabulary table of $f differs from $ref"
    status=1
  fi
done
[ -n "$first" ] || { echo "FAIL: no FT rule under $dir"; exit 1; }
[ $status = 0 ] && echo "FT vocabulary tables identical"
exit $status
