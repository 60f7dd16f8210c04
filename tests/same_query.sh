#!/bin/sh
# same_query.sh A.rule B.rule: the ```query blocks of two rule files are
# identical (and not empty). Used for rules that report the same patterns
# under different targets (DP006 pending, RM006 removed).
set -eu
q() { awk '/^```query/{on=1} on{print} on&&/^```$/{exit}' "$1"; }
a=$(q "$1"); b=$(q "$2")
[ -n "$a" ] || { echo "no query block in $1"; exit 1; }
if [ "$a" != "$b" ]; then
  echo "the query blocks of $1 and $2 differ:"
  printf '%s\n' "$a" > "${TMPDIR:-/tmp}/same_query.$$.a"; printf '%s\n' "$b" > "${TMPDIR:-/tmp}/same_query.$$.b"
  diff "${TMPDIR:-/tmp}/same_query.$$.a" "${TMPDIR:-/tmp}/same_query.$$.b" || true
  rm -f "${TMPDIR:-/tmp}/same_query.$$.a" "${TMPDIR:-/tmp}/same_query.$$.b"
  exit 1
fi
echo "same query: $1 $2"
