#!/usr/bin/env python3
"""Validate SARIF logs against the SARIF 2.1.0 schema and GitHub's expectations.

Usage: python3 sarif_validate.py SCHEMA FILE...

Checks, for each FILE:
  * JSON Schema validation with jsonschema.Draft7Validator (the OASIS schema
    is draft-04 but means the same under draft 7; see shared/schemas/README.md);
  * no null anywhere (the schema rejects most, this names the path);
  * "version" is "2.1.0" and "$schema" is present;
  * what GitHub code scanning relies on: every result has a ruleId naming a
    rule of its run's tool.driver.rules; a ruleIndex, when present, points at
    the rule with that id; rule ids are unique; each result has a location
    with an artifactLocation.uri and region.startLine >= 1 (and columns >= 1);
    a relative uri carries a uriBaseId that originalUriBaseIds defines (when
    the run has originalUriBaseIds); partialFingerprints.primaryLocationLineHash
    is present and looks like "<hex>:<n>"; relatedLocations ids are unique;
    each codeFlow has one threadFlow whose locations have a
    location.physicalLocation and a message; GitHub's hard limits (25,000
    results per run, 1,000 locations per result, 10,000 thread flow
    locations per result) hold.

Exit status: 0 when every file passes, 1 when any check fails (each problem
is printed as FILE: PATH: message), 77 (ctest's skip code) when the schema
file or the jsonschema module is missing and the CI environment variable is
not set; with CI set those are failures (exit 1).

Run it with the system python (/usr/bin/python3), which has Debian's
python3-jsonschema.
"""

import json
import os
import re
import sys

SKIP = 77
# GitHub code scanning's hard limits (docs.github.com, "SARIF results exceed
# hard limit"): more is rejected.
MAX_RESULTS = 25000
MAX_LOCATIONS = 1000
MAX_THREAD_FLOW_LOCATIONS = 10000
HASH_RE = re.compile(r"^[0-9a-f]{1,16}:[1-9][0-9]*$")


def missing(what):
    """A prerequisite is missing: skip locally, fail in CI."""
    if os.environ.get("CI"):
        print(f"sarif_validate: {what} (CI is set, so this is a failure)", file=sys.stderr)
        sys.exit(1)
    print(f"sarif_validate: {what}; skipping", file=sys.stderr)
    sys.exit(SKIP)


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def find_nulls(value, path, problems):
    if value is None:
        problems.append((path, "null value (the SARIF schema rejects nulls)"))
    elif isinstance(value, dict):
        for k, v in value.items():
            find_nulls(v, path + [k], problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            find_nulls(v, path + [i], problems)


def is_relative_uri(uri):
    return not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri)


def check_region(region, path, problems):
    if not isinstance(region, dict):
        problems.append((path, "missing region"))
        return
    start = region.get("startLine")
    if not isinstance(start, int) or start < 1:
        problems.append((path + ["startLine"], f"startLine must be >= 1, got {start!r}"))
    for key in ("startColumn", "endColumn", "endLine"):
        v = region.get(key)
        if v is not None and (not isinstance(v, int) or v < 1):
            problems.append((path + [key], f"{key} must be >= 1, got {v!r}"))
    end = region.get("endLine")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        problems.append((path + ["endLine"], f"endLine {end} before startLine {start}"))


def check_artifact(loc, base_ids, path, problems):
    if not isinstance(loc, dict) or not isinstance(loc.get("uri"), str):
        problems.append((path, "artifactLocation needs a uri"))
        return
    uri = loc["uri"]
    if is_relative_uri(uri):
        base = loc.get("uriBaseId")
        if base is None:
            problems.append((path, f"relative uri {uri!r} without uriBaseId"))
        elif base_ids is not None and base not in base_ids:
            problems.append((path, f"uriBaseId {base!r} is not in originalUriBaseIds"))
        if uri.startswith("/"):
            problems.append((path, f"relative uri {uri!r} starts with /"))
    elif "uriBaseId" in loc:
        problems.append((path, f"absolute uri {uri!r} should not have a uriBaseId"))


def check_github(log, problems):
    if log.get("version") != "2.1.0":
        problems.append((["version"], f"version must be \"2.1.0\", got {log.get('version')!r}"))
    if "$schema" not in log:
        problems.append((["$schema"], "missing $schema"))
    for ri, run in enumerate(log.get("runs") or []):
        rp = ["runs", ri]
        rules = (((run.get("tool") or {}).get("driver") or {}).get("rules")) or []
        ids = {}
        for i, rule in enumerate(rules):
            rid = rule.get("id")
            if rid in ids:
                problems.append((rp + ["tool", "driver", "rules", i, "id"], f"duplicate rule id {rid!r}"))
            ids.setdefault(rid, i)
        base_ids = run.get("originalUriBaseIds")
        if len(run.get("results") or []) > MAX_RESULTS:
            problems.append((rp + ["results"], f"{len(run['results'])} results (GitHub rejects more than {MAX_RESULTS})"))
        for resi, res in enumerate(run.get("results") or []):
            p = rp + ["results", resi]
            rid = res.get("ruleId")
            if not isinstance(rid, str):
                problems.append((p, "result without ruleId"))
            elif rid not in ids:
                problems.append((p + ["ruleId"], f"ruleId {rid!r} is not a rule of tool.driver.rules"))
            if "ruleIndex" in res:
                idx = res["ruleIndex"]
                if not isinstance(idx, int) or not 0 <= idx < len(rules):
                    problems.append((p + ["ruleIndex"], f"ruleIndex {idx!r} out of range (0..{len(rules) - 1})"))
                elif rules[idx].get("id") != rid:
                    problems.append((p + ["ruleIndex"],
                                     f"ruleIndex {idx} names rule {rules[idx].get('id')!r}, not {rid!r}"))
            locs = res.get("locations") or []
            if not locs:
                problems.append((p, "result without locations"))
            for li, loc in enumerate(locs):
                pl = p + ["locations", li, "physicalLocation"]
                phys = loc.get("physicalLocation")
                if not isinstance(phys, dict):
                    problems.append((pl, "missing physicalLocation"))
                    continue
                check_artifact(phys.get("artifactLocation"), base_ids, pl + ["artifactLocation"], problems)
                check_region(phys.get("region"), pl + ["region"], problems)
            fp = (res.get("partialFingerprints") or {}).get("primaryLocationLineHash")
            if fp is None:
                problems.append((p, "missing partialFingerprints.primaryLocationLineHash"))
            elif not isinstance(fp, str) or not HASH_RE.match(fp):
                problems.append((p + ["partialFingerprints"], f"malformed primaryLocationLineHash {fp!r}"))
            seen = set()
            for li, rel in enumerate(res.get("relatedLocations") or []):
                pl = p + ["relatedLocations", li]
                if rel.get("id") in seen:
                    problems.append((pl + ["id"], f"duplicate related location id {rel.get('id')!r}"))
                seen.add(rel.get("id"))
                phys = rel.get("physicalLocation")
                if isinstance(phys, dict):
                    check_artifact(phys.get("artifactLocation"), base_ids, pl + ["physicalLocation", "artifactLocation"], problems)
                    check_region(phys.get("region"), pl + ["physicalLocation", "region"], problems)
            n_steps = 0
            for ci, flow in enumerate(res.get("codeFlows") or []):
                tfs = flow.get("threadFlows") or []
                if len(tfs) != 1:
                    problems.append((p + ["codeFlows", ci], f"{len(tfs)} threadFlows (viewers show one per codeFlow)"))
                for ti, tf in enumerate(tfs):
                    for li, tfl in enumerate(tf.get("locations") or []):
                        n_steps += 1
                        pl = p + ["codeFlows", ci, "threadFlows", ti, "locations", li, "location"]
                        loc = tfl.get("location")
                        phys = loc.get("physicalLocation") if isinstance(loc, dict) else None
                        if not isinstance(phys, dict):
                            problems.append((pl, "thread flow location without location.physicalLocation"))
                            continue
                        if not isinstance((loc.get("message") or {}).get("text"), str):
                            problems.append((pl, "thread flow location without message.text"))
                        check_artifact(phys.get("artifactLocation"), base_ids, pl + ["physicalLocation", "artifactLocation"], problems)
                        check_region(phys.get("region"), pl + ["physicalLocation", "region"], problems)
            if n_steps > MAX_THREAD_FLOW_LOCATIONS:
                problems.append((p, f"{n_steps} thread flow locations (GitHub rejects more than {MAX_THREAD_FLOW_LOCATIONS})"))
            n_locs = len(locs) + len(res.get("relatedLocations") or [])
            if n_locs > MAX_LOCATIONS:
                problems.append((p, f"{n_locs} locations (GitHub rejects more than {MAX_LOCATIONS})"))
            for fi, fix in enumerate(res.get("fixes") or []):
                for ci, change in enumerate(fix.get("artifactChanges") or []):
                    pc = p + ["fixes", fi, "artifactChanges", ci]
                    check_artifact(change.get("artifactLocation"), base_ids, pc + ["artifactLocation"], problems)
                    for ki, rep in enumerate(change.get("replacements") or []):
                        check_region(rep.get("deletedRegion"), pc + ["replacements", ki, "deletedRegion"], problems)


def main(argv):
    if len(argv) < 3:
        print("usage: sarif_validate.py SCHEMA FILE...", file=sys.stderr)
        return 2
    schema_path, files = argv[1], argv[2:]
    if not os.path.isfile(schema_path):
        missing(f"schema {schema_path} not found")
    try:
        import jsonschema
    except ImportError:
        missing(f"python module jsonschema not available to {sys.executable}")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    failed = False
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                log = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}")
            failed = True
            continue
        problems = []
        for err in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path))):
            problems.append((list(err.absolute_path), f"schema: {err.message}"))
        find_nulls(log, [], problems)
        check_github(log, problems)
        if problems:
            failed = True
            for p, msg in problems:
                print(f"{path}: {json_path(p)}: {msg}")
        else:
            n = sum(len(r.get("results") or []) for r in log.get("runs") or [])
            print(f"{path}: ok ({n} results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
