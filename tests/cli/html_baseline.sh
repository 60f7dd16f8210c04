# --format html with --baseline (issue 13, "Adopting" x "The reviewer's
# report"): every finding carries its baseline state in the page's data as
# SARIF's baselineState says (new, unchanged, absent), the summary counts
# them, the header counts only the findings still there, the "Baseline"
# filter exists only with --baseline; the page and the SARIF are copied to
# OUTDIR for the browser check (html_browser.py baseline).
# bash tests/cli/html_baseline.sh PYSHIFT SOURCE_DIR OUTDIR
OUTDIR=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

mkdir -p src/pkg
# RM001 (error) on line 1, TY035 and TY006 (info) below; two RM001 in dup.py.
printf 'import imp\nfrom typing import List\nx: List[int] = []\n' >src/a.py
printf 'import imp\nimport imp\n' >src/pkg/dup.py
run check --isolated --write-baseline base.json src
expect_rc write_rc 1
# One new finding (asynchat), one copy of `import imp` gone (absent), four unchanged.
printf 'import asynchat\nimport imp\n' >src/pkg/dup.py
run check --isolated --baseline base.json --format html=page.html --format sarif=out.sarif --format json=out.json src
expect_rc baseline_rc 1
"$PY3" - page.html out.sarif out.json <<'PY' && ok || fail states "the page's baseline states differ from the SARIF's (see above)"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
data = json.loads(re.search(r'<script type="application/json" id="ps-data">(.*?)</script>', page, re.S).group(1))
got = sorted((data["paths"][f["p"]], f["l"], f["c"], data["rules"][f["r"]]["id"], f.get("b")) for f in data["findings"])
rs = json.load(open(sys.argv[2]))["runs"][0]["results"]
want = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"], r["baselineState"])
               for r in rs)
assert got == want, (got, want)
states = [w[4] for w in want]
assert (states.count("new"), states.count("unchanged"), states.count("absent")) == (1, 4, 1), states
for s in ("new", "unchanged", "absent"):
    m = re.search(r'<b id="count-%s">(\d+)</b>' % s, page)
    assert m and int(m.group(1)) == states.count(s), s
# The header and the severity cards count the findings still there; JSON lists only the new one.
assert re.search(r'id="n-findings">5</span>', page), "header count"
assert re.search(r'<b id="count-error">3</b>', page), "error card: the three RM001 still found (the absent one not)"
assert len(json.load(open(sys.argv[3]))) == 1
assert '<select id="filter-baseline">' in page and 'new only (1)' in page
PY
# Without --baseline: no state, no baseline filter.
run check --isolated --format html=plain.html src
grep -q 'filter-baseline\|"b":"' plain.html && fail plain "baseline marks without --baseline" || ok
if [ -n "$OUTDIR" ]; then
  mkdir -p "$OUTDIR" && cp page.html "$OUTDIR/baseline.html" && cp out.sarif "$OUTDIR/baseline.sarif" || fail copy "to $OUTDIR"
fi
finish
