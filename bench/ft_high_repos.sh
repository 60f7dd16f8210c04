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
# owner/name commit (the first 17: docs/ft-precision.md "High confidence on
# applications"; the next 33: "A wider sample"; the last 12: held out,
# scanned only after the fixes were made)
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
prometheus/client_python d0b497ffe069865537e55af52cb00c329d58a6f0
agronholm/apscheduler f2337f7aa675718ba5f0af33e0cb53006304ab0a
pika/pika 2126d43a76c14fb8d365d96bd1bdcef13dad75b5
celery/kombu 9ee8595b835c77b4f04cfb54b40b5d446f985a35
python-zeroconf/python-zeroconf fce7094fc55d68f2f584df17cb7fd811cdea8b49
benoitc/gunicorn 65ac1a3a4c0aa00960968c720d6e6bd2ac32f1b9
moses-palmer/pystray cf38ef6aa20f5c799829502993892827c7574146
spotify/luigi 715f65c4a56a908ef0a1df4df6fc33b8420e2e6c
tqdm/tqdm f6a30fab726ab8e794a9db88b4392ce207760937
websocket-client/websocket-client e46a8fe2dbc74f88a2cfa749f2499f7cc6f31409
jasonrbriggs/stomp.py e2b359094dd3de8411c4c7808c81d65ae98d6c40
segmentio/analytics-python cb3e7ff0ea7c9c0e25158ab5badaa2267c4681c8
boto/s3transfer bf4262882ba285aea84daee2adbbd1359c23eec6
Textualize/rich 42899d8a0a96b121a514516f4be9db44ff7aeaf3
tornadoweb/tornado e530031405e2154654dedc4c84d5656b557ea310
Delgan/loguru 2a17be730e111cf874d0bf967c4c5da15b7e4670
pyinvoke/invoke 6a71e680c535ba6520e935c497099fbca011d03c
influxdata/influxdb-client-python f0098121acf16aa529a1b95dcd77e5d8f4276c7e
PostHog/posthog-python c55c9b22ffb6ae2db2c4a1e30813d2f89b50e297
pyserial/pyserial 7aeea35429d15f3eefed10bbb659674638903e3a
ipython/ipykernel dfb3467ba8939b7183d0fd6367ca7d538858b871
elastic/apm-agent-python f2f3a67e6046b66a4272647ea657d7bc2c660951
DataDog/datadogpy d18ac6d4ceced0e595c3c91184f7eb536d027fc5
rollbar/pyrollbar c01b721d24c1c7696a84fc0fe25db6e8accf4473
bugsnag/bugsnag-python bb936a1b313ee29f610fb8c09f2602f2891baede
getsentry/raven-python 5b3f48c66269993a0202cfc988750e5fe66e0c00
jupyter/jupyter_client 8d760b1efeff2ac7aa2b4b75c44023e59c6945f8
honeybadger-io/honeybadger-python 28d2503d8eb2bdf4901e401ad0db3d90ecc331ba
open-telemetry/opentelemetry-python 0a5d76b65094a4bad414e0c0ab68981fc266f0a9
beetbox/beets 07f39c5204997a356fd98b7e88ba9b185efb2e66
streamlink/streamlink 5376d2e8851bd523e390a2141360afddccb5adba
yt-dlp/yt-dlp 81ecd58b1394793e6da9998cc19fdb45657f1685
mopidy/mopidy b08755670fadc1122383446e9d545ab38becef90
Flexget/Flexget 05b661f561b55147735538c0898abe966eb7525b
pallets/werkzeug 1b00618e787f40dfb21eba29caf8f8be7c8e1d93
python-telegram-bot/python-telegram-bot 1183d401f8358d8103de9da116156c0f4bcdf602
pyload/pyload 3776f8bd4814e74a0926cf18899276a415437fb6
kivy/kivy 26f870bbf6d187f5dceed6680a6f0bf05b77eaed
pyro-ppl/pyro ff6ae1c9572591791aae8842bcd702fcf0b46fd6
jupyterhub/jupyterhub 2841153db6c1c25d8b50955e2f4b39f78f3d0119
hardbyte/python-can 5d5cc168bb7bb6f0888459d75c5f5defa11c8bc5
moses-palmer/pynput 74c5220a61fecf9eec0734abdbca23389001ea6b
r0x0r/pywebview 2fc63cd6a92b8630c14f6d4dd73f9691591f8eea
boppreh/keyboard d232de09bda50ecb5211ebcc59b85bc6da6aaa24
cherrypy/cheroot 2ffb0baf8aa480da9da8d522b3fd7eab271f6dba
elastic/elasticsearch-py a5b15390037de892ade8764823394e47ef96a4d9"
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
