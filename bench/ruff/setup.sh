#!/bin/sh
# setup.sh: install what the ruff comparison needs (idempotent).
#   bench/ruff/setup.sh            node + npm, the pinned ruff wasm package
#   bench/ruff/setup.sh --corpora  also the corpora: python3-django,
#                                  libpython3.11-testsuite (the stdlib corpus is
#                                  /usr/lib/python3.11 with its test/ directory)
#                                  and python3-mypy (annotated code with
#                                  `from __future__ import annotations`)
# Needs root for apt-get (only when something is missing).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

apt_install() {
    missing=
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "setup.sh: apt-get install$missing" >&2
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi

# the package-lock.json pins the exact version; node_modules is not committed
if [ ! -f "$here/node_modules/@astral-sh/ruff-wasm-nodejs/ruff_wasm_bg.wasm" ] ||
   ! cmp -s "$here/package-lock.json" "$here/node_modules/.package-lock.json.ci" 2>/dev/null; then
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    cp "$here/package-lock.json" "$here/node_modules/.package-lock.json.ci"
fi

if [ "${1:-}" = "--corpora" ]; then
    apt_install python3-django libpython3.11-testsuite python3-mypy
    [ -d /usr/lib/python3.11 ] || apt_install libpython3.11-stdlib
fi
