#!/bin/sh
# targets.sh: the MP rules' keying on the target version and per-file
# scope, beyond what one fixture's versions can show (issue 11).
#   tests/mp/targets.sh PYSHIFT DIR
set -u
ps=$1
dir=$2
fail=0
lines() {
  "$ps" check --preview --isolated "$@" | sed -n "s/^[^:]*:\([0-9]*\):[0-9]*: \(MP[0-9]*\) .*/\1:\2/p" | tr "\n" " " | sed "s/ $//"
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
exit $fail
