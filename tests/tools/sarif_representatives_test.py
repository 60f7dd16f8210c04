#!/usr/bin/env python3
"""sarif_representatives_test.py SCHEMA MULTITOOL RICH.sarif: sarif_validate.py
--representatives (used on the 25,000-result log of r13_05) passes a big
valid log, and still fails when one result among thousands breaks the
schema, a position or fingerprint it no longer hands to the validators is
wrong, or a GitHub limit is crossed. Exit 77 when a validator is missing."""
import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main(schema, multitool, rich):
    if not (os.path.isfile(schema) and os.access(multitool, os.X_OK)):
        print("sarif_representatives_test: no schema or Multitool; skipped", file=sys.stderr)
        return 1 if os.environ.get("CI") else 77
    with open(rich, encoding="utf-8") as f:
        base = json.load(f)
    seed = base["runs"][0]["results"][0]

    def log_with(n, change=None):
        log = copy.deepcopy(base)
        results = []
        for i in range(n):
            r = copy.deepcopy(seed)
            line = 2 + i
            for loc in r["locations"]:
                loc["physicalLocation"]["region"]["startLine"] = loc["physicalLocation"]["region"]["endLine"] = line
            r["partialFingerprints"]["primaryLocationLineHash"] = "%x:1" % (i + 1)
            results.append(r)
        if change:
            change(results)
        log["runs"][0]["results"] = results
        return log

    def level(rs):
        rs[3000]["level"] = "fatal"

    def line0(rs):
        rs[2000]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0

    def bad_hash(rs):
        rs[1500]["partialFingerprints"]["primaryLocationLineHash"] = "not a hash"

    cases = [("valid", log_with(5000), 0, "5000 results, all checked"),
             ("schema", log_with(5000, level), 1, "schema"),
             ("line", log_with(5000, line0), 1, "startLine must be >= 1"),
             ("hash", log_with(5000, bad_hash), 1, "malformed primaryLocationLineHash"),
             ("limit", log_with(25001), 1, "25001 results (GitHub rejects more than 25000)")]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="sarif_repr.") as tmp:
        for name, log, want_rc, want_text in cases:
            path = os.path.join(tmp, name + ".sarif")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(log, f)
            p = subprocess.run([sys.executable, os.path.join(HERE, "sarif_validate.py"), "--representatives",
                                "--multitool", multitool, schema, path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if (p.returncode != 0) != bool(want_rc) or want_text not in p.stdout:
                print("FAIL %s: exit %d, want %s and %r in:\n%s" % (name, p.returncode,
                      "failure" if want_rc else "success", want_text, p.stdout[-2000:]))
                failed += 1
            else:
                print("ok %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
