"""Independent port of github/codeql-action's fingerprints.ts hash().

usage: codeql_fingerprint.py SARIF_FILE
For each result, recomputes primaryLocationLineHash from the file on disk
(read as codeql-action reads it: raw bytes decoded as UTF-8 by Node, invalid
sequences -> U+FFFD, a BOM kept) and prints "path line got want OK|MISMATCH".
Exits 1 if any result mismatches.
"""
import json
import sys
import urllib.parse

MASK = (1 << 64) - 1
BLOCK = 100


def line_hashes(data: bytes) -> dict:
    units = []
    for ch in data.decode("utf-8", errors="replace"):
        c = ord(ch)
        if c >= 0x10000:
            c -= 0x10000
            units += [0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)]
        else:
            units.append(c)
    window = [0] * BLOCK
    line_at = [-1] * BLOCK
    first_mod = pow(37, BLOCK, 1 << 64)
    st = {"i": 0, "line": 0, "start": True, "cr": False, "h": 0}
    counts, out = {}, {}

    def output():
        hv = format(st["h"], "x")
        counts[hv] = counts.get(hv, 0) + 1
        out[line_at[st["i"]]] = "%s:%d" % (hv, counts[hv])
        line_at[st["i"]] = -1

    def update(cur):
        old = window[st["i"]]
        window[st["i"]] = cur
        st["h"] = (37 * st["h"] + cur - first_mod * old) & MASK
        st["i"] = (st["i"] + 1) % BLOCK

    def process(cur):
        if cur in (32, 9) or (st["cr"] and cur == 10):
            st["cr"] = False
            return
        if cur == 13:
            cur, st["cr"] = 10, True
        else:
            st["cr"] = False
        if line_at[st["i"]] != -1:
            output()
        if st["start"]:
            st["start"] = False
            st["line"] += 1
            line_at[st["i"]] = st["line"]
        if cur == 10:
            st["start"] = True
        update(cur)

    for u in units:
        process(u)
    process(65535)
    for _ in range(BLOCK):
        if line_at[st["i"]] != -1:
            output()
        update(0)
    return out


def main():
    run = json.load(open(sys.argv[1]))["runs"][0]
    bad = 0
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        path = urllib.parse.unquote(loc["artifactLocation"]["uri"])
        line = loc["region"]["startLine"]
        want = line_hashes(open(path, "rb").read()).get(line)
        got = r.get("partialFingerprints", {}).get("primaryLocationLineHash")
        ok = got == want
        bad += not ok
        print(path, line, got, want, "OK" if ok else "MISMATCH")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
