#!/usr/bin/env python3
"""bench/summarize.py: turns bench/run.sh's raw results into Markdown.

Reads RESULTS/meta.tsv (written by run.sh) and RESULTS/<corpus>-j<N>.json
(hyperfine exports) and prints the report on stdout. Usage:

    bench/summarize.py bench/results 1 2

The jobs arguments are the -j values measured; speedup is first over last.
Times are medians (robust against the odd slow run on a shared machine);
CPU is user+system seconds, which contention on a busy machine inflates
much less than wall time.
"""
import json
import os
import sys

MODES = ["parse-only", "full", "full-no-prefilter"]
RULE_COST_TARGET = 1.2
SPEEDUP_TARGET = 1.8


def read_meta(path):
    meta = {"corpus": [], "check": [], "rss": {}, "callgrind": {}}
    with open(path, encoding="utf-8") as f:
        for line in f:
            kind, *fields = line.rstrip("\n").split("\t")
            if kind == "corpus":
                name, d, files, size, walked, method = fields
                meta["corpus"].append((name, d, int(files), int(size), int(walked), method))
            elif kind == "check":
                meta["check"].append(fields)
            elif kind == "rss":
                name, j, mode, kb = fields
                meta["rss"][(name, j, mode)] = int(kb) if kb.isdigit() else None
            elif kind == "callgrind":
                target, mode, ir = fields
                meta["callgrind"][(target, mode)] = int(ir)
            else:
                meta[kind] = fields if len(fields) > 1 else fields[0]
    return meta


def load_runs(results, name, j):
    path = os.path.join(results, f"{name}-j{j}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {r["command"]: r for r in data["results"]}


def ok(flag):
    return "yes" if flag else "**no**"


def main():
    results, jobs = sys.argv[1], sys.argv[2:]
    meta = read_meta(os.path.join(results, "meta.tsv"))
    runs, warmup = meta["runs"]
    out = []
    w = out.append

    w("# pyshift benchmark results\n")
    if meta.get("quick") == "1":
        w("> **Quick run (2 runs, no warmup): for trying the script, not for publishing.**\n")
    dirty = meta.get("dirty") or ""
    w(f"- date: {meta['date']}")
    w(f"- commit: `{meta['commit']}`"
      + (f" plus uncommitted changes in {', '.join('`%s`' % d for d in dirty.split(','))}" if dirty else ""))
    w(f"- binary: {meta['pyshift']}, Release build")
    w(f"- machine: {meta['cpu']}, {meta['cores']} cores, Linux {meta['kernel']}")
    w(f"- load average (1/5/15 min) at start: {meta['load_start']}, at end: {meta.get('load_end', '?')}")
    w(f"- {meta['hyperfine']}, {warmup} warmup + {runs} runs per command; times are medians")
    w("- command: `pyshift check --isolated --exit-zero -q -jN DIR`, stdout discarded by hyperfine; "
      "(a) `PYSHIFT_PARSE_ONLY=1`, (b) default rules with the prefilter, "
      "(c) default rules with `PYSHIFT_NO_PREFILTER=1`")
    w("")

    w("## Corpora\n")
    w("| corpus | path | files scanned | *.py/*.pyi under it | MB scanned |")
    w("| --- | --- | ---: | ---: | ---: |")
    methods = set()
    for name, d, files, size, walked, method in meta["corpus"]:
        methods.add(method)
        w(f"| {name} | `{d}` | {files} | {walked} | {size / 1e6:.2f} |")
    w("")
    if methods == {"strace"}:
        w("Files scanned and MB (10^6 bytes): the *.py/*.pyi files pyshift opens, traced with strace "
          "(the walk's default excludes apply, e.g. the stdlib's `venv/` package).\n")
    else:
        w("MB (10^6 bytes) of every *.py/*.pyi file under the directory (strace was not available to "
          "trace what pyshift opens).\n")
    checks = {}
    for name, mode, rc, n_err, n_find in meta["check"]:
        checks.setdefault(name, {})[mode] = (rc, n_err, n_find)
    for name, c in checks.items():
        f, n = c.get("full"), c.get("full-no-prefilter")
        same = f and n and f[2] == n[2]
        w(f"- {name}: {f[2]} findings with the prefilter, {n[2]} without "
          f"({'identical count' if same else '**the prefilter changes the result**'}); "
          f"exit {f[0]}, {f[1]} per-file message(s) on stderr")
    w("")

    w("## Time, throughput and memory\n")
    w("| corpus | -j | mode | median s | stddev s | min s | MB/s | CPU s | peak RSS MB |")
    w("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    table = {}
    for name, d, files, size, walked, _ in meta["corpus"]:
        for j in jobs:
            r = load_runs(results, name, j)
            if not r:
                continue
            for mode in MODES:
                x = r[mode]
                cpu = x["user"] + x["system"]
                table[(name, j, mode)] = (x["median"], cpu, x["min"])
                rss = meta["rss"].get((name, j, mode))
                rss_mb = f"{rss / 1024:.1f}" if rss else "-"
                w(f"| {name} | {j} | {mode} | {x['median']:.3f} | {x['stddev']:.3f} | {x['min']:.3f} | "
                  f"{size / 1e6 / x['median']:.1f} | {cpu:.2f} | {rss_mb} |")
    w("")

    w("## Rule cost against parse-only\n")
    w(f"(c)/(a) is what the rules cost on top of parsing every file (target <= {RULE_COST_TARGET}x); "
      "(b)/(a) is what users pay, with the prefilter skipping files no rule can fire on.\n")
    w("Wall is median over median; min is fastest run over fastest run, the least disturbed by other "
      "load; CPU is user+system over user+system.\n")
    w("| corpus | -j | (c)/(a) wall | (c)/(a) min | (c)/(a) CPU | within target (CPU) | (b)/(a) wall | (b)/(a) CPU |")
    w("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for name, *_ in meta["corpus"]:
        for j in jobs:
            if (name, j, "parse-only") not in table:
                continue
            a, b, c = (table[(name, j, m)] for m in MODES)
            w(f"| {name} | {j} | {c[0] / a[0]:.2f}x | {c[2] / a[2]:.2f}x | {c[1] / a[1]:.2f}x | "
              f"{ok(c[1] / a[1] <= RULE_COST_TARGET)} | "
              f"{b[0] / a[0]:.2f}x | {b[1] / a[1]:.2f}x |")
    w("")

    if len(jobs) >= 2:
        j1, jn = jobs[0], jobs[-1]
        w(f"## Scaling -j{j1} to -j{jn}\n")
        w(f"Speedup is the -j{j1} median over the -j{jn} median (target >= {SPEEDUP_TARGET}x). "
          f"CPU -j{jn}/-j{j1} near 1.0 means the threads do no extra work, so a low speedup "
          "comes from waiting (serial phases, or cores taken by other processes).\n")
        w(f"| corpus | mode | -j{j1} s | -j{jn} s | speedup | speedup (min) | within target | CPU -j{jn}/-j{j1} |")
        w("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
        for name, *_ in meta["corpus"]:
            for mode in MODES:
                if (name, j1, mode) not in table or (name, jn, mode) not in table:
                    continue
                s1, c1, m1 = table[(name, j1, mode)]
                s2, c2, m2 = table[(name, jn, mode)]
                w(f"| {name} | {mode} | {s1:.3f} | {s2:.3f} | {s1 / s2:.2f}x | {m1 / m2:.2f}x | "
                  f"{ok(s1 / s2 >= SPEEDUP_TARGET)} | {c2 / c1:.2f} |")
        w("")

    cg = meta["callgrind"]
    if cg:
        cgdir, cgbytes = meta["cgdir"]
        w(f"## Instruction counts (callgrind, -j1, `{cgdir}`, {int(cgbytes) / 1e6:.2f} MB)\n")
        w("Noise-free: the same run gives the same count on a busy machine. \"startup\" is the same "
          "command on an empty directory (rule loading, query and regex compilation), subtracted in "
          "the last column.\n")
        w("| mode | Ir | Ir startup | ratio to (a) | ratio to (a) minus startup |")
        w("| --- | ---: | ---: | ---: | ---: |")
        a, a0 = cg[("corpus", "parse-only")], cg[("startup", "parse-only")]
        for mode in MODES:
            x, x0 = cg[("corpus", mode)], cg[("startup", mode)]
            w(f"| {mode} | {x:,} | {x0:,} | {x / a:.3f}x | {(x - x0) / (a - a0):.3f}x |")
        w("")

    print("\n".join(out))


if __name__ == "__main__":
    main()
