#!/bin/sh
# ft_high_repos.sh: the FT rules in app mode (high confidence: thread entries
# in the scanned tree) on public projects that start threads (issue 10, "Real
# corpora"), each fetched with git at a pinned commit into WORKDIR (their
# code is never committed here). Judged in docs/ft-precision.md.
#
#   bench/ft_high_repos.sh PYSHIFT WORKDIR
#
# Writes WORKDIR/NAME.json per project and prints the findings per rule and
# confidence. Needs network access to github.com.
set -u
ps=${1:?usage: ft_high_repos.sh PYSHIFT WORKDIR}
work=${2:?usage: ft_high_repos.sh PYSHIFT WORKDIR}
mkdir -p "$work" || exit 2
. "$(dirname "$0")/lib/fetch_pinned.sh"
# owner/name commit
repos="giampaolo/pyftpdlib 9167dea23607bfb599abc339641a4e4dea0ee712
cherrypy/cherrypy 1f75bc9eed8e0e385f64f368bd69f58d96fb8c2b
paramiko/paramiko 8697158113a3eab25ed1d1d541ebe2cad10169a7
rq/rq aa666a8a60dbc5e8bb43f166cda869c67426a11a
locustio/locust 407343d0f5ab84a32f41f6f9a7c991188d10a55a
gorakhargosh/watchdog a0bb46c54bc26b9f62975d5d0d625d8cac82e968
dbader/schedule 82a43db1b938d8fdf60103bd41f329e06c8d3651
Bogdanp/dramatiq 848b35f2f960457ff54a72f9edb3af0de754f72f
coleifer/huey 358bdc58b1ce671daa65d92a5194d3d153939d6d
python-zk/kazoo 4476a3b7338656c9a1ed89f255f20d80cb0f630b
eclipse/paho.mqtt.python d45de3737879cfe7a6acc361631fa5cb1ef584bb
getsentry/sentry-python 064542dd2cbdbe0b11f1cda7f47d7d2920b0c38b
irmen/Pyro5 54979291a8da08db2ad5a1c80042dc9bb7ac033f
tomerfiliba-org/rpyc 14f20a77845309ee555c21b6f6cc3be9d7e29c57
Pylons/waitress 4a378915f6fef264c6aaf03f059bd992287ba8ba
jodal/pykka 30af2130c66936762cc68ef06ecfe850d8bc9fee
prometheus/client_python d0b497ffe069865537e55af52cb00c329d58a6f0"
echo "$repos" | while read -r repo commit; do
  dir=$work/$(echo "$repo" | tr / +)
  fetch_pinned "$dir" "$repo" "$commit" || exit 2
  # Scan from WORKDIR so paths read NAME/...; one project at a time (app
  # mode: each project's own thread entries).
  (cd "$work" && "$ps" check --isolated --exit-zero --target-version 3.14t --select FT --ft-mode app \
    --format json "$(basename "$dir")") >"$dir.json" || exit 2
done || exit $?
python3 - "$work" <<'PY'
import collections, glob, json, os, sys
total = collections.Counter()
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    c = collections.Counter((x["rule"], x.get("confidence")) for x in json.load(open(f)))
    total.update(c)
    print(os.path.basename(f)[:-5], sum(c.values()), " ".join(f"{r}/{k}={n}" for (r, k), n in sorted(c.items())))
print("total", sum(total.values()), " ".join(f"{r}/{k}={n}" for (r, k), n in sorted(total.items())))
PY
