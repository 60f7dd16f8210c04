#!/usr/bin/env bash
# Writes the SARIF of a real corpus with every rule, preview ones included,
# for report.sarif.stdlib to validate (tests/report.cmake).
# usage: bash corpus_sarif.sh PYSHIFT CORPUS_DIR OUT.sarif
# Exit 0 when OUT.sarif was written with results, 77 (skip) when the corpus
# is missing and CI is unset, 1 otherwise.
set -u
PS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CORPUS=$2
OUT=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
if [ ! -d "$CORPUS" ]; then
  if [ -n "${CI:-}" ]; then echo "corpus_sarif: $CORPUS missing (CI is set, so this is a failure)" >&2; exit 1; fi
  echo "corpus_sarif: $CORPUS missing; skipping" >&2
  exit 77
fi
unset PYSHIFT_RULES_DIR PYSHIFT_PARSE_ONLY PYSHIFT_NO_PREFILTER
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
rm -f "$OUT"
# From the corpus's top, as docs/ci/ says to run it: URIs relative to it.
cd "$CORPUS" || exit 1
"$PS" check --isolated --select ALL --preview --exit-zero --jobs 2 --format sarif="$OUT" . 2>"$OUT.stderr"
rc=$?
if [ $rc -ne 0 ]; then
  echo "corpus_sarif: pyshift exited $rc (--exit-zero)" >&2
  head -20 "$OUT.stderr" >&2
  exit 1
fi
/usr/bin/python3 - "$OUT" <<'PY' || exit 1
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
n = len(run["results"])
rules = {r["ruleId"] for r in run["results"]}
print(f"corpus_sarif: {n} results of {len(rules)} rules, "
      f"{len(run['tool']['driver']['rules'])} rules in tool.driver.rules, "
      f"{len(run['invocations'][0].get('toolExecutionNotifications', []))} notifications")
sys.exit(0 if n > 0 else "no results")
PY
