"""Checks on pyshift's real SARIF beyond the schema.

usage: sarif_checks.py FILE
- every result has partialFingerprints.primaryLocationLineHash ("hex:n");
- every relative artifact URI (results, notifications) has uriBaseId
  %SRCROOT%, and %SRCROOT% is declared in originalUriBaseIds;
- ruleIndex points at the rule with the result's ruleId.
"""
import json
import re
import sys

run = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]
problems = []
rules = run["tool"]["driver"]["rules"]
bases = run.get("originalUriBaseIds", {})


def check_artifact(where, a):
    uri = a.get("uri", "")
    if re.match(r"^[a-z][a-z0-9+.-]*:", uri):
        if "uriBaseId" in a:
            problems.append("%s: absolute uri %s has a uriBaseId" % (where, uri))
    elif a.get("uriBaseId") != "%SRCROOT%":
        problems.append("%s: relative uri %s without uriBaseId %%SRCROOT%%" % (where, uri))
    elif "%SRCROOT%" not in bases:
        problems.append("%s: %%SRCROOT%% not in originalUriBaseIds" % where)


if not run.get("results"):
    problems.append("no results: the fixtures should produce findings")
for i, r in enumerate(run.get("results", [])):
    where = "results[%d]" % i
    fp = r.get("partialFingerprints", {}).get("primaryLocationLineHash")
    if not fp or not re.match(r"^[0-9a-f]+:[1-9][0-9]*$", fp):
        problems.append("%s: primaryLocationLineHash missing or malformed: %r" % (where, fp))
    idx = r.get("ruleIndex")
    if idx is None or idx >= len(rules) or rules[idx]["id"] != r.get("ruleId"):
        problems.append("%s: ruleIndex %r does not name %s" % (where, idx, r.get("ruleId")))
    for k, loc in enumerate(r.get("locations", [])):
        check_artifact("%s.locations[%d]" % (where, k), loc["physicalLocation"]["artifactLocation"])
for inv in run.get("invocations", []):
    for k, n in enumerate(inv.get("toolExecutionNotifications", [])):
        for loc in n.get("locations", []):
            check_artifact("notification[%d]" % k, loc["physicalLocation"]["artifactLocation"])

for p in problems:
    print(p)
print("%d results checked, %d problems" % (len(run.get("results", [])), len(problems)))
sys.exit(1 if problems else 0)
