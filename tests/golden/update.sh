#!/usr/bin/env bash
# Regenerates tests/golden/expected.{txt,json,sarif,github,gitlab,xml} from a build:
#     tests/golden/update.sh [PYSHIFT]     (default: build/pyshift)
# Review the diff before committing it.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
PS=${1:-$SRC/build/pyshift}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bash "$HERE/run.sh" "$PS" "$SRC" "$TMP"
for ext in txt json sarif github gitlab xml; do
  cp "$TMP/actual.$ext" "$HERE/expected.$ext"
done
echo "updated $HERE/expected.{txt,json,sarif,github,gitlab,xml}"
