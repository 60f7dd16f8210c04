#!/bin/sh
# probe.sh: what ruff reports on a snippet.
#   bench/ruff/probe.sh 'x: List[int] = []' py39 UP006,UP007 [--preview] [--json]
# The snippet is taken as is (use $'...' or a real newline for several lines);
# the target defaults to py39 and the rules to UP006,UP007,UP045,UP035,UP037,
# UP040,UP046,UP047,UP019,UP043,UP049. Fixes are shown as "content"@start-end
# (1-based row:column, columns in characters, end exclusive).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 'python code' [pyXY] [CODES] [--preview] [--json]" >&2; exit 2; }
code=$1; shift
target=py39; rules=UP006,UP007,UP045,UP035,UP037,UP040,UP046,UP047,UP019,UP043,UP049
case "${1:-}" in py3*) target=$1; shift;; esac
case "${1:-}" in [A-Z]*) rules=$1; shift;; esac
[ -f "$here/node_modules/@astral-sh/ruff-wasm-nodejs/ruff_wasm_bg.wasm" ] || "$here/setup.sh"
printf '%s\n' "$code" | node "$here/ruff.mjs" --stdin-filename snippet.py --target "$target" --select "$rules" "$@" -
