#!/usr/bin/python3
"""Generate the pathological inputs of issue 14 (items 1-10), one directory
per case, with what pyshift must do on each.

    gen.py OUTDIR [--only NAME,...] [--set CASE.PARAM=VALUE ...] [--list]

Each case directory holds the files to scan and `case.json`:

    name, item      the case and the issue-14 item it reproduces
    args            pyshift arguments after `check` (run from the directory)
    stdin           "zero" to feed /dev/zero, else null
    must_report     text-output prefixes ("x.py:1:8: RM001") that must appear
    counts          {rule id: exact number of findings}
    must_error      regex stderr must match, with exit status 2: the error
                    is the right outcome (a bad rule or config file)
    budget_ok       file names for which a per-file "over budget" error
                    (exit 2) is accepted instead of the findings
    one_of          alternatives, one of which must hold: {"report":
                    finding prefix} or {"error": regex on stderr, exit 2}

Sizes are parameters (the defaults reproduce the issue); `--set
deep_union.depth=3000` changes one. Standard library only.
"""
import argparse
import json
import os
import sys


def w(path, text, mode="w"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


RULE_HEAD = """---
id: {id}
name: {name}
severity: warning
message: "{message}"
{extra}---
```query
{query}
```
## What it does

Issue 14 adversarial case.
"""


def rule(d, rid, name, query, extra="", message="adversarial"):
    w(os.path.join(d, "rules", "%s-%s.rule" % (rid, name)),
      RULE_HEAD.format(id=rid, name=name, message=message, extra=extra, query=query))


# ---- the cases: (defaults, builder(dir, params) -> expectations) --------------

def long_comment(d, p):
    w(os.path.join(d, "x.py"), "import cgi  # " + "x" * p["chars"] + "\n")
    return dict(item=1, args=["--isolated", "x.py"], must_report=["x.py:1:8: RM001"])


def many_imports(d, p):
    mods = ", ".join("mod%d" % i for i in range(p["modules"]))
    line = "import os, %s, cgi\n" % mods
    w(os.path.join(d, "x.py"), line)
    return dict(item=1, args=["--isolated", "x.py"],
                must_report=["x.py:1:%d: RM001" % (line.index(", cgi") + 3)])


def trailing_spaces(d, p):
    w(os.path.join(d, "x.py"), "from typing import List" + " " * p["spaces"] + "\n")
    return dict(item=1, args=["--isolated", "x.py"], must_report=["x.py:1:1: TY035"])


def prefilter_backtracking(d, p):
    # An extra rule whose prefilter backtracks catastrophically on line 1;
    # the built-in DP005 finding on line 2 must survive.
    rule(d, "XA002", "catastrophic-prefilter",
         '((identifier) @report (#eq? @report "never_named_so"))',
         extra="prefilter: '^(\\w+\\s?)*$'\n")
    w(os.path.join(d, "x.py"), "a" * p["word_chars"] + "!\nx = ~True\n")
    return dict(item=2, args=["--isolated", "--rules", "rules", "--extend-select", "XA", "x.py"], must_report=["x.py:2:5: DP005"])


def match_predicate_backtracking(d, p):
    # The same regex in a #match? predicate: an error naming the rule, or a
    # clean no-match; never the loss of DP005.
    rule(d, "XA003", "catastrophic-match",
         '((module) @report (#match? @report "^(\\\\w+\\\\s?)*$"))')
    w(os.path.join(d, "x.py"), "a" * p["word_chars"] + "!\nx = ~True\n")
    return dict(item=2, args=["--isolated", "--rules", "rules", "--extend-select", "XA", "x.py"], must_report=["x.py:2:5: DP005"],
                one_of=[{"report": "x.py:1:1: XA003"}, {"error": r"pyshift: x\.py: .*XA003"}])


def nested_optional(d, p):
    n = p["depth"]
    w(os.path.join(d, "x.py"), "from typing import Optional\nz: " + "Optional[" * n + "int" + "]" * n + "\n")
    return dict(item=3, args=["--isolated", "--min-python", "3.10", "x.py"], counts={"TY045": n},
                budget_ok=["x.py"])


def big_pyproject(d, p):
    pad = "# " + "p" * 98 + "\n"
    text = '[tool.pyshift]\nselect = ["DP"]\n' + pad * (p["bytes"] // len(pad) + 1)
    w(os.path.join(d, "pyproject.toml"), text)
    w(os.path.join(d, "x.py"), "import imp\n")
    return dict(item=4, args=["x.py"], must_error=r"pyproject\.toml")


def mutual_classes(d, p):
    names = ["C%d" % i for i in range(p["classes"])]
    out = ["from configparser import ConfigParser", ""]
    for n in names:
        out += ["class %s(%s):" % (n, ", ".join(m for m in names if m != n)),
                "    def f(self, x):", "        self.readfp(x)"]
    line = len(out) + 5
    out += ["class D0(ConfigParser):", "    pass", "class D1(D0):", "    def f(self, x):", "        self.readfp(x)"]
    w(os.path.join(d, "x.py"), "\n".join(out) + "\n")
    return dict(item=5, args=["--isolated", "x.py"], must_report=["x.py:%d:9: RM003" % line],
                counts={"RM003": 1})


def deep_union(d, p):
    n = p["depth"]
    w(os.path.join(d, "x.py"), "from typing import Union\nz: " + "Union[int, " * n + "int" + "]" * n + "\n")
    return dict(item=6, args=["--isolated", "--min-python", "3.10", "x.py"], must_report=["x.py:2:4: TY007"],
                budget_ok=["x.py"])


def _slow_query(d, p, rid, name, query, body):
    rule(d, rid, name, query)
    w(os.path.join(d, "x.py"), "import imp\n" + body)
    return dict(item=6, args=["--isolated", "--rules", "rules", "--extend-select", "XA", "x.py"], must_report=["x.py:1:8: RM001"],
                budget_ok=["x.py"])


def slow_query_small(d, p):
    body = "".join("v%d = f(a, b, c)\n" % i for i in range(p["lines"]))
    return _slow_query(d, p, "XA006", "three-stars", "(_ (_)* @a (_)* @b (_)* @c) @report", body)


def slow_query_large(d, p):
    body = "".join("v%d = f(a, b, c)\n" % i for i in range(p["lines"]))
    return _slow_query(d, p, "XA007", "three-stars-large", "(_ (_)* @a (_)* @b (_)* @c) @report", body)


def star_plus_query(d, p):
    body = "".join("a%d\n" % i for i in range(p["statements"]))
    return _slow_query(d, p, "XA008", "star-plus", "(expression_statement ((identifier)*)+) @report", body)


def query_alternatives(d, p):
    alts = " ".join('(identifier) @report' if i % 2 else '(integer) @report' for i in range(p["alternatives"]))
    rule(d, "XA009", "many-alternatives", "[%s]" % alts)
    w(os.path.join(d, "x.py"), "import imp\n")
    return dict(item=7, args=["--isolated", "--rules", "rules", "--extend-select", "XA", "x.py"], must_error=r"XA009")


def deep_yaml(d, p):
    n = p["depth"]
    path = os.path.join(d, "rules", "XA010-deep-yaml.rule")
    w(path, "---\nid: XA010\nname: deep-yaml\nseverity: warning\nmessage: adversarial\ntags: "
      + "[" * n + "]" * n + "\n---\n```query\n(identifier) @report\n```\n")
    w(os.path.join(d, "x.py"), "import imp\n")
    return dict(item=7, args=["--isolated", "--rules", "rules", "--extend-select", "XA", "x.py"], must_error=r"XA010")


def _tree(d, depth):
    found = []
    cur = d
    for i in range(depth):
        cur = os.path.join(cur, "d%d" % i)
        w(os.path.join(cur, "m.py"), "import imp\n")
        found.append(os.path.relpath(os.path.join(cur, "m.py"), d) + ":1:8: RM001")
    return found


def gitignore_stars(d, p):
    os.makedirs(os.path.join(d, ".git"), exist_ok=True)  # .gitignore counts in a work tree only
    w(os.path.join(d, ".gitignore"), "**/" * p["stars"] + "zz\n")
    found = _tree(d, p["depth"])
    return dict(item=8, args=["--isolated", "."], must_report=found, counts={"RM001": len(found)})


def exclude_stars(d, p):
    found = _tree(d, p["depth"])
    return dict(item=8, args=["--isolated", "--extend-exclude", "**/" * p["stars"] + "zz", "."],
                must_report=found, counts={"RM001": len(found)})


def pyproject_keys(d, p):
    keys = "".join('k%d = %d\n' % (i, i) for i in range(p["keys"]))
    w(os.path.join(d, "pyproject.toml"), '[tool.other]\n' + keys + '\n[tool.pyshift]\nselect = ["RM"]\n')
    w(os.path.join(d, "x.py"), "import imp\n")
    return dict(item=9, args=["x.py"], must_report=["x.py:1:8: RM001"])


def big_list(d, p):
    n = p["bytes"] // 3
    w(os.path.join(d, "x.py"), "from typing import List\nx: List[int] = [" + "1, " * n + "1]\n")
    return dict(item=10, args=["--isolated", "x.py"], must_report=["x.py:1:1: TY035"], budget_ok=["x.py"])


def one_expression(d, p):
    n = p["bytes"] // 4
    w(os.path.join(d, "x.py"), "from typing import List\nx: List[int] = f(" + " + ".join(["1"] * n) + ")\n")
    return dict(item=10, args=["--isolated", "x.py"], must_report=["x.py:1:1: TY035"], budget_ok=["x.py"])


def stdin_zero(d, p):
    return dict(item=10, args=["--isolated", "--stdin-filename", "x.py"], stdin="zero",
                must_error=r"pyshift: x\.py: .*(max-file-size|too large)")


CASES = {
    "long_comment": ({"chars": 1500}, long_comment),
    "many_imports": ({"modules": 300}, many_imports),
    "trailing_spaces": ({"spaces": 5000}, trailing_spaces),
    "prefilter_backtracking": ({"word_chars": 38}, prefilter_backtracking),
    "match_predicate_backtracking": ({"word_chars": 38}, match_predicate_backtracking),
    "nested_optional": ({"depth": 199}, nested_optional),
    "big_pyproject": ({"bytes": 4 * 1024 * 1024 + 4096}, big_pyproject),
    "mutual_classes": ({"classes": 20}, mutual_classes),
    "deep_union": ({"depth": 12000}, deep_union),
    "slow_query_small": ({"lines": 40}, slow_query_small),
    "slow_query_large": ({"lines": 300}, slow_query_large),
    "star_plus_query": ({"statements": 2000}, star_plus_query),
    "query_alternatives": ({"alternatives": 20000}, query_alternatives),
    "deep_yaml": ({"depth": 100000}, deep_yaml),
    "gitignore_stars": ({"stars": 40, "depth": 10}, gitignore_stars),
    "exclude_stars": ({"stars": 40, "depth": 10}, exclude_stars),
    "pyproject_keys": ({"keys": 40000}, pyproject_keys),
    "big_list": ({"bytes": 16600000}, big_list),
    "one_expression": ({"bytes": 6000000}, one_expression),
    "stdin_zero": ({}, stdin_zero),
}


def generate(out, only=None, overrides=None):
    """Writes the selected cases under out; returns their case dicts."""
    overrides = overrides or {}
    made = []
    for name, (defaults, build) in CASES.items():
        if only and name not in only:
            continue
        params = dict(defaults)
        params.update(overrides.get(name, {}))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        spec = dict(name=name, args=[], stdin=None, must_report=[], counts={}, must_error=None, budget_ok=[],
                    one_of=[])
        spec.update(build(d, params))
        spec["params"] = params
        w(os.path.join(d, "case.json"), json.dumps(spec, indent=1) + "\n")
        made.append(spec)
    return made


def parse_sets(sets):
    overrides = {}
    for s in sets or []:
        key, _, value = s.partition("=")
        case, _, param = key.partition(".")
        if case not in CASES or param not in CASES[case][0]:
            sys.exit("gen.py: unknown parameter %s" % key)
        overrides.setdefault(case, {})[param] = int(value)
    return overrides


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--set", action="append", metavar="CASE.PARAM=N")
    ap.add_argument("--list", action="store_true", help="list the cases and their parameters")
    a = ap.parse_args()
    if a.list:
        for name, (defaults, build) in CASES.items():
            print("%-30s %s" % (name, " ".join("%s=%s" % kv for kv in defaults.items())))
        return
    if not a.out:
        ap.error("OUTDIR is required")
    only = set(a.only.split(",")) if a.only else None
    if only and only - set(CASES):
        sys.exit("gen.py: unknown case(s) %s" % ", ".join(sorted(only - set(CASES))))
    for spec in generate(a.out, only, parse_sets(a.set)):
        print(spec["name"])


if __name__ == "__main__":
    main()
