# --format html end to end (issue 13, "The reviewer's report"): the page is
# written beside other formats, to a file or standard output, is the same
# bytes for any --jobs (the start time masked), holds every finding of the
# JSON report, and escapes a hostile file name from a real scan.
# bash tests/cli/html.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

mask() { sed 's|<time id="run-start">[^<]*</time>|<time id="run-start">T</time>|' "$1"; }

# Determinism: the fixtures with 1 and 2 workers.
cp -r "$SRC/fixtures" fx
(cd fx && "$PS" check --exit-zero --jobs 1 --format html=../j1.html --format json=../j1.json . >/dev/null 2>&1)
(cd fx && "$PS" check --exit-zero --jobs 2 --format html=../j2.html . >/dev/null 2>&1)
LAST_CMD="pyshift check --jobs 1|2 --format html=FILE fixtures"
if [ -s j1.html ] && cmp -s <(mask j1.html) <(mask j2.html); then ok; else fail jobs "the pages differ between --jobs 1 and 2"; fi
grep -q '<time id="run-start">20[0-9-]*T[0-9:]*Z</time>' j1.html && ok || fail start_time "no run start time"
# Every finding of the JSON is in the page's data, in the same order.
"$PY3" - j1.html j1.json <<'PY' && ok || fail same_findings "the page's findings differ from the JSON's"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(re.search(r'<script type="application/json" id="ps-data">(.*?)</script>', page, re.S).group(1))
want = [(x["path"], x["rule"], x["range"]["start"]["line"], x["message"]) for x in json.load(open(sys.argv[2]))]
got = [(data["paths"][f["p"]], data["rules"][f["r"]]["id"], f["l"], f["m"]) for f in data["findings"]]
assert len(want) > 50 and got == want, (len(got), len(want))
assert data["total"] == len(want)
PY

# Standard output, and the usage text.
mkdir src && printf 'import imp\n' >src/app.py
run check --format html src
expect_rc html_stdout.rc 1
expect_out html_stdout '<!DOCTYPE html>'
expect_out html_stdout_ends '</html>'
run check --format htm src
expect_rc bad_format.rc 2
expect_err bad_format 'github, html, '
run check --help
expect_out help 'github, html, '

# A hostile file name and source line from a real scan: escaped in markup,
# \u003c in the data block.
evil='e"<img src=x onerror=alert(1)>'
mkdir -p evil/"$evil" && printf 'import imp  # </script><img src=x onerror=alert(1)>\n' >evil/"$evil"/"$evil.py"
run check --exit-zero --format html=evil.html evil
expect_rc evil.rc 0
if grep -q '<img' evil.html; then fail evil_markup "an <img> tag in the page"; else ok; fi
grep -q '>evil.e&quot;&lt;img src=x onerror=alert(1)&gt;</a>' evil.html && ok || fail evil_text "directory name not escaped as text"
grep -q '# \\u003c/script\\u003e\\u003cimg' evil.html && ok || fail evil_json "source line not \\u003c-escaped"
[ "$(grep -c '</script>' evil.html)" = 2 ] && ok || fail evil_script "a </script> from the scanned code"

# A project analysis's {object} and {defined} message variables group its
# findings by shared object (what the FT races use): the test-only XP001 with
# an `object` column.
mkdir -p xrules && cp -r "$SRC/tests/project/tree" xtree
awk -F'\t' 'BEGIN { OFS = "\t" } /^name\tinstead$/ { print $0, "object"; next }
  /^pkg\./ { print $0, "the " $1; next } { print }' "$SRC/tests/project/rules/XP001-legacy-api-call.rule" \
  >xrules/XP001-legacy-api-call.rule
(cd xtree && "$PS" check --isolated --rules ../xrules --select XP001 --exit-zero --format html=../x.html . >/dev/null 2>&1)
LAST_CMD="pyshift check --rules xrules --select XP001 --format html=x.html"
"$PY3" - x.html <<'PY' && ok || fail object_groups "no group per {object}"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(re.search(r'<script type="application/json" id="ps-data">(.*?)</script>', page, re.S).group(1))
groups = {g["object"]: g for g in data["groups"]}
g = groups["the pkg.legacy.old_api"]
assert len(g["f"]) >= 2 and g["defined"].startswith("pkg/legacy.py:"), g
assert all(data["rules"][data["findings"][i]["r"]]["id"] == "XP001" for i in g["f"])
PY

finish
