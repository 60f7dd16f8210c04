#!/usr/bin/env python3
"""Validate SARIF logs against the SARIF 2.1.0 schema and GitHub's expectations.

Usage: python3 sarif_validate.py [--multitool PATH] [--expect-multitool-errors]
                                  [--representatives] SCHEMA FILE...

Checks, for each FILE:
  * JSON Schema validation against SCHEMA, with the validator its "$schema"
    names (the SARIF Multitool package's sarif-2.1.0.json is 2020-12; OASIS'
    sarif-schema-2.1.0.json is draft-04, checked with Draft7Validator, which
    means the same for the keywords it uses);
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

--representatives, for logs of tens of thousands of results (the schema
validator and the Multitool take minutes on a 40 MB log): every result of
the log gets the checks above that read values (GitHub's rules, no nulls,
and GitHub's limits on the whole log, including its 10 MB gzipped size), and
the schema and the Multitool validate a copy of the log in which results
that differ only in what those checks already verified for every result
(region lines and columns, >= 1 and ordered; the primaryLocationLineHash,
"<hex>:<n>") are kept once. The schema has no constraint across results,
so a result is valid exactly when its representative is; the counts the
Multitool's GH1004 checks are checked on the whole log.

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
import subprocess
import sys
import tempfile

SKIP = 77
# GitHub code scanning's hard limits (docs.github.com, "SARIF results exceed
# hard limit"): more is rejected.
MAX_RESULTS = 25000
MAX_LOCATIONS = 1000
MAX_THREAD_FLOW_LOCATIONS = 10000
MAX_GZIP_BYTES = 10 * 1000 * 1000  # the upload, gzipped
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


def _masked(value, key=None):
    """value with what check_github verifies on every result replaced by a
    placeholder: region lines/columns and primaryLocationLineHash."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("startLine", "endLine", "startColumn", "endColumn", "charOffset", "charLength") and \
                    isinstance(v, int) and not isinstance(v, bool) and key in ("region", "deletedRegion"):
                out[k] = "#"
            elif k == "primaryLocationLineHash" and isinstance(v, str) and key == "partialFingerprints":
                out[k] = "#"
            else:
                out[k] = _masked(v, k)
        return out
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    return value


def representatives(log):
    """A copy of log keeping, per run, the first result of each class of
    results equal up to _masked. Returns (copy, results before, after)."""
    before = after = 0
    out = dict(log)
    runs = []
    for run in log.get("runs") or []:
        seen = set()
        kept = []
        for res in run.get("results") or []:
            key = json.dumps(_masked(res), sort_keys=True)
            if key not in seen:
                seen.add(key)
                kept.append(res)
        before += len(run.get("results") or [])
        after += len(kept)
        r = dict(run)
        if "results" in run:
            r["results"] = kept
        runs.append(r)
    if "runs" in log:
        out["runs"] = runs
    return out, before, after


def gzip_size(path):
    import zlib
    z = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip, as an upload is compressed
    n = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            n += len(z.compress(chunk))
    return n + len(z.flush())


def schema_validator(schema):
    import jsonschema
    declared = str(schema.get("$schema", ""))
    if "2020-12" in declared:
        cls = jsonschema.Draft202012Validator
    else:
        # draft-04 (OASIS) and draft-07 copies: Draft7 reads both the same.
        cls = jsonschema.Draft7Validator
    cls.check_schema(schema)
    return cls(schema)


def message_text(res, rules):
    """A result's message: its text, else the rule's messageStrings[id] with
    {0}, {1}... replaced by the arguments."""
    msg = res.get("message") or {}
    if isinstance(msg.get("text"), str):
        return msg["text"]
    args = msg.get("arguments") or []
    template = (((rules.get(res.get("ruleId")) or {}).get("messageStrings") or {}).get(msg.get("id")) or {}).get("text")
    if not isinstance(template, str):
        return ", ".join(map(str, args))
    return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1))]) if int(m.group(1)) < len(args) else m.group(0), template)


def run_multitool(multitool, files):
    """Runs the Multitool over files; returns {file: [(level, rule, line, text)]}
    and a list of problems with the run itself."""
    found = {os.path.realpath(f): [] for f in files}
    with tempfile.TemporaryDirectory(prefix="sarif_validate.") as tmp:
        out = os.path.join(tmp, "validation.sarif")
        cmd = [multitool, "validate", "--rule-kind", "Gh;Sarif", "--max-file-size-in-kb", "1048576", "--output", out] + [os.path.abspath(f) for f in files]
        # .NET wants a writable HOME for its first-run files.
        env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", HOME=os.environ.get("HOME") or tmp)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        console = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0 or not os.path.exists(out):
            return found, [f"Multitool exited {proc.returncode}:\n{console[-3000:]}"]
        with open(out, encoding="utf-8-sig") as f:
            log = json.load(f)
    problems = []
    for run in log.get("runs") or []:
        tool = run.get("tool") or {}
        rules = {}
        for comp in [tool.get("driver") or {}] + (tool.get("extensions") or []):
            for rule in comp.get("rules") or []:
                rules.setdefault(rule.get("id"), rule)
        for inv in run.get("invocations") or []:
            if inv.get("executionSuccessful") is False:
                problems.append("Multitool run not successful")
            for n in inv.get("toolExecutionNotifications") or []:
                if n.get("level", "warning") in ("error", "warning"):
                    problems.append(f"Multitool: {(n.get('message') or {}).get('text')}")
        for res in run.get("results") or []:
            level = res.get("level", "warning")
            phys = ((res.get("locations") or [{}])[0]).get("physicalLocation") or {}
            uri = (phys.get("artifactLocation") or {}).get("uri", "")
            path = uri[len("file://"):] if uri.startswith("file://") else uri
            from urllib.parse import unquote
            path = os.path.realpath(unquote(path))
            text = message_text(res, rules)
            line = (phys.get("region") or {}).get("startLine")
            found.setdefault(path, []).append((level, res.get("ruleId"), line, text))
    return found, problems


def main(argv):
    args = argv[1:]
    multitool = os.environ.get("PS_SARIF_MULTITOOL") or None
    expect_errors = reduce = False
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--multitool" and args:
            multitool = args.pop(0)
        elif opt == "--expect-multitool-errors":
            expect_errors = True
        elif opt == "--representatives":
            reduce = True
        else:
            args = []
            break
    if len(args) < 2:
        print("usage: sarif_validate.py [--multitool PATH] [--expect-multitool-errors] [--representatives] SCHEMA FILE...",
              file=sys.stderr)
        return 2
    schema_path, files = args[0], args[1:]
    if not os.path.isfile(schema_path):
        missing(f"schema {schema_path} not found")
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        missing(f"python module jsonschema not available to {sys.executable}")
    if not multitool:
        missing("no SARIF Multitool given (--multitool or PS_SARIF_MULTITOOL)")
    if not (os.path.isfile(multitool) and os.access(multitool, os.X_OK)):
        missing(f"SARIF Multitool {multitool} not found or not executable (tests/sarif-multitool/, installed by tests/report.cmake)")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = schema_validator(schema)

    readable = []
    failed = False
    reduced_dir = tempfile.TemporaryDirectory(prefix="sarif_validate.reduced.") if reduce else None
    shown = {}  # the file validated -> the file named in messages
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                log = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}")
            failed = True
            continue
        if not reduce:
            readable.append(path)
            shown[path] = path
            continue
        # Every result: GitHub's rules, nulls, the limits; then a copy with
        # one result per class for the schema and the Multitool.
        problems = []
        find_nulls(log, [], problems)
        check_github(log, problems)
        gz = gzip_size(path)
        if gz > MAX_GZIP_BYTES:
            problems.append(([], f"{gz} bytes gzipped (GitHub rejects more than {MAX_GZIP_BYTES})"))
        for p, msg in problems:
            print(f"{path}: {json_path(p)}: {msg}")
        failed |= bool(problems)
        small, before, after = representatives(log)
        copy = os.path.join(reduced_dir.name, "%d-%s" % (len(readable), os.path.basename(path)))
        with open(copy, "w", encoding="utf-8") as f:
            json.dump(small, f)
        print(f"{path}: {before} results, all checked for GitHub's rules and limits ({gz} bytes gzipped); "
              f"{after} representatives for the schema and the Multitool")
        readable.append(copy)
        shown[copy] = path
    mt_found, mt_problems = run_multitool(multitool, readable) if readable else ({}, [])
    for p in mt_problems:
        print(f"sarif_validate: {p}")
        failed = True

    for path in readable:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        name = shown[path]
        problems = []
        for err in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path))):
            problems.append((list(err.absolute_path), f"schema: {err.message}"))
        find_nulls(log, [], problems)
        check_github(log, problems)
        mt = mt_found.get(os.path.realpath(path), [])
        bad = [m for m in mt if m[0] in ("error", "warning")]
        notes = len(mt) - len(bad)
        if expect_errors:
            if not any(m[0] == "error" for m in mt):
                problems.append(([], "the Multitool reported no error for a log it should reject"))
        else:
            for level, rule, line, text in bad:
                problems.append(([], f"multitool {level} {rule} (line {line}): {text}"))
        if problems:
            failed = True
            for p, msg in problems:
                print(f"{name}: {json_path(p)}: {msg}")
        else:
            n = sum(len(r.get("results") or []) for r in log.get("runs") or [])
            what = f"{sum(1 for m in mt if m[0] == 'error')} Multitool errors as expected" if expect_errors else "Multitool: 0 errors, 0 warnings"
            print(f"{name}: ok ({n} results{' validated' if reduce else ''}; {what}, {notes} notes)")
    if reduced_dir:
        reduced_dir.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
