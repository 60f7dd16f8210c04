"""Redacts what changes between machines and runs from pyshift output.

usage: redact.py FORMAT IN OUT   (FORMAT: text, json, sarif, github, gitlab or junit)

SARIF: tool version and semanticVersion, invocation times, the working
directory and %SRCROOT% URIs, commandLine and arguments, and
versionControlProvenance (left out: there is none in a clone without .git,
and the commit changes with every one; tests/cli/regressions.sh
r13_04_sarif_repository_root checks it). The other formats
hold nothing volatile and are copied unchanged. The SARIF keeps pyshift's
own layout (2-space indent, key order), so the diff reads like the output.
"""
import json
import sys

fmt, src, dst = sys.argv[1:4]
data = open(src, encoding="utf-8").read()
if fmt == "sarif":
    doc = json.loads(data)
    for run in doc["runs"]:
        drv = run["tool"]["driver"]
        for k in ("version", "semanticVersion"):
            if k in drv:
                drv[k] = "<redacted>"
        for inv in run.get("invocations", []):
            for k in ("startTimeUtc", "endTimeUtc", "commandLine"):
                if k in inv:
                    inv[k] = "<redacted>"
            if "arguments" in inv:
                inv["arguments"] = ["<redacted>"]
            if "workingDirectory" in inv:
                inv["workingDirectory"]["uri"] = "file:///<redacted>/"
        run.pop("versionControlProvenance", None)
        for base in run.get("originalUriBaseIds", {}).values():
            base["uri"] = "file:///<redacted>/"
    data = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
open(dst, "w", encoding="utf-8").write(data)
