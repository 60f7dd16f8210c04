#!/usr/bin/python3
"""oracle.py: an independent re-implementation of pyshift's table-driven rules
with Python's own `ast` module.

It reads the same rule files (front matter and the ```table block) as
pyshift, selects the same files (docs/walk.md), and lists the findings the
rules' documented semantics imply, as (path, line, rule) plus the message
variables. It shares no code with the scanner: tests/oracle/compare.py runs
both and diffs the results.

    /usr/bin/python3 tests/oracle/oracle.py [--rules-dir DIR] [--select IDS]
        [--target-version 3.14] [--json] PATHS...

Standard library only (Python 3.11). Analyses are classes registered in
ANALYSES by the `analysis:` name of the rule file; each gets the parsed file
(`FileInfo`) with the guard context of every node and returns findings.
"""
from __future__ import annotations

import argparse
import ast
import io
import json
import os
import re
import stat
import sys
import tokenize
from dataclasses import dataclass, field
from typing import Callable, Iterable

import scopes

# ---------------------------------------------------------------------------
# Versions


def parse_version(text: str) -> tuple[int, ...] | None:
    """'3.13' -> (3, 13); 'future' -> None (later than any release)."""
    text = text.strip()
    if text.lower().startswith("future"):
        return None
    m = re.match(r"^(\d+)\.(\d+)", text)
    if not m:
        raise ValueError(f"bad version {text!r}")
    return (int(m.group(1)), int(m.group(2)))


def version_constraint_holds(spec: str, version: tuple[int, int]) -> bool:
    """'>=3.12' / '>=3.12,<3.15' / '==3.14'."""
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(>=|<=|==|!=|>|<)?\s*(\d+\.\d+)t?$", part)
        if not m:
            raise ValueError(f"bad version constraint {spec!r}")
        op = m.group(1) or "=="
        v = parse_version(m.group(2))
        ok = {
            ">=": version >= v, "<=": version <= v, "==": version == v,
            "!=": version != v, ">": version > v, "<": version < v,
        }[op]
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------
# Rule files: a small reader for the front matter (the YAML subset the rule
# files use) and the ```table block.


@dataclass
class Rule:
    id: str
    name: str
    path: str
    meta: dict
    analysis: str | None
    params: dict
    header: list[str]
    rows: list[dict]
    importable: dict = None  # ```table importable: name -> since minor (dead fallbacks)

    @property
    def explicit(self) -> bool:
        return str(self.meta.get("explicit", "false")).lower() == "true"


def _yaml_scalar(text: str):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_yaml_scalar(x) for x in text[1:-1].split(",") if x.strip()]
    if text.startswith("{") and text.endswith("}"):  # flow mapping {name: x, when: y}
        out = {}
        for item in text[1:-1].split(","):
            if item.strip():
                k, _, v = item.partition(":")
                out[k.strip()] = _yaml_scalar(v)
        return out
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def load_rule(path: str) -> Rule:
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path}: no front matter")
    meta: dict = {}
    i = 1
    current_map: dict | None = None
    while i < len(lines) and lines[i].strip() != "---":
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t" and current_map is not None:
            k, _, v = line.strip().partition(":")
            current_map[k.strip()] = _yaml_scalar(v)
            continue
        k, _, v = line.partition(":")
        k = k.strip()
        if v.strip() == "":
            current_map = {}
            meta[k] = current_map
        else:
            current_map = None
            meta[k] = _yaml_scalar(v)
    body = lines[i + 1:]
    analysis = meta.get("analysis")
    params: dict = {}
    if isinstance(analysis, dict):
        params = {k: v for k, v in analysis.items() if k != "name"}
        analysis = analysis.get("name")
    header: list[str] = []
    rows: list[dict] = []
    in_table = None
    imp_header: list[str] = []
    importable: dict = {}
    for line in body:
        if line.strip() in ("```table", "```table importable"):
            in_table = line.strip()
            continue
        if in_table and line.strip() == "```":
            in_table = None
            continue
        if not in_table:
            continue
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if in_table == "```table importable":
            if not imp_header:
                imp_header = [c.strip() for c in cells]
            else:
                r = dict(zip(imp_header, (c.strip() for c in cells)))
                importable[r["name"]] = parse_version(r["since"])[1]
            continue
        if not header:
            header = [c.strip() for c in cells]
            continue
        if len(cells) != len(header):
            raise ValueError(f"{path}: table row has {len(cells)} cells, header {len(header)}: {line!r}")
        rows.append(dict(zip(header, (c.strip() for c in cells))))
    return Rule(id=str(meta["id"]), name=str(meta.get("name", "")), path=path, meta=meta,
                analysis=analysis, params=params, header=header, rows=rows, importable=importable)


def load_rules(rules_dir: str) -> list[Rule]:
    out = []
    for root, dirs, files in os.walk(rules_dir):
        dirs.sort()
        for fn in sorted(files):
            if fn.endswith(".rule"):
                out.append(load_rule(os.path.join(root, fn)))
    return out


# ---------------------------------------------------------------------------
# File selection (docs/walk.md)

DEFAULT_EXCLUDES = set("""
.bzr .direnv .eggs .git .git-rewrite .hg .ipynb_checkpoints .mypy_cache .nox
.pants.d .pyenv .pytest_cache .pytype .ruff_cache .svn .tox .venv .vscode
__pypackages__ __pycache__ _build buck-out build dist node_modules
site-packages venv
""".split())
EXTENSIONS = ("py", "pyi")


def _has_ext(name: str) -> bool:
    # A dot-file such as `.py` has no extension (splitext agrees).
    return os.path.splitext(name)[1][1:] in EXTENSIONS


def walk_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """Returns (files, problems). Files are normalized as pyshift shows them,
    deduplicated by inode keeping the byte-wise smallest path."""
    found: dict[tuple[int, int], str] = {}
    problems: list[str] = []

    def add(p: str):
        try:
            st = os.stat(p)
        except OSError as e:
            problems.append(f"{p}: {e.strerror}")
            return
        key = (st.st_dev, st.st_ino)
        old = found.get(key)
        if old is None or os.fsencode(p) < os.fsencode(old):
            found[key] = p

    def recurse(d: str, ancestors: set[tuple[int, int]]):
        try:
            entries = sorted(os.listdir(d))
        except OSError as e:
            problems.append(f"{d}: {e.strerror}")
            return
        for name in entries:
            p = os.path.join(d, name)
            try:
                st = os.stat(p)  # follows symlinks
            except OSError:
                continue  # dangling symlink found while recursing: skipped
            if stat.S_ISDIR(st.st_mode):
                if name in DEFAULT_EXCLUDES or os.path.exists(os.path.join(p, "pyvenv.cfg")):
                    continue
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    problems.append(f"{p}: symlink loop")
                    continue
                recurse(p, ancestors | {key})
            elif stat.S_ISREG(st.st_mode) and _has_ext(name):
                add(p)

    for p in paths:
        p = os.path.normpath(p)
        try:
            st = os.stat(p)
        except OSError as e:
            problems.append(f"{p}: {e.strerror}")
            continue
        if stat.S_ISDIR(st.st_mode):
            recurse(p, {(st.st_dev, st.st_ino)})
        else:
            add(p)
    files = sorted(found.values(), key=os.fsencode)
    return files, problems


# ---------------------------------------------------------------------------
# First-party modules: the top-level names provided by the import roots of the
# scanned files.


def is_package(d: str) -> bool:
    """A directory with an __init__.py: a runtime package. A stub-only
    package (__init__.pyi, as in typeshed) is importable by nobody at runtime
    and shadows no standard-library module."""
    return os.path.isfile(os.path.join(d, "__init__.py"))


def import_root(path: str) -> tuple[str, str]:
    """(import root directory, top-level module name) of a scanned file."""
    d = os.path.dirname(os.path.abspath(path))
    if not is_package(d):
        name = os.path.basename(path)
        return d, name.split(".")[0]
    top = d
    while True:
        parent = os.path.dirname(top)
        if parent == top or not is_package(parent):
            break
        top = parent
    return os.path.dirname(top), os.path.basename(top)


def first_party_names(files: list[str]) -> set[str]:
    names: set[str] = set()
    roots: set[str] = set()
    for f in files:
        if f.endswith(".pyi"):
            continue  # a stub is not a runtime module
        root, name = import_root(f)
        roots.add(root)
        names.add(name)
    for root in roots:
        try:
            entries = os.listdir(root)
        except OSError:
            continue
        for e in entries:
            p = os.path.join(root, e)
            if e.endswith(".py") or e.endswith(".so"):
                if os.path.isfile(p):
                    names.add(e.split(".")[0])
            elif is_package(p):
                names.add(e)
    names.discard("")
    return names


# ---------------------------------------------------------------------------
# Suppression comments (README: `# pyshift: ignore[RM001]`, `# noqa: RM001`,
# `# pyshift: ignore-file[RM]`; ids or prefixes; bare pyshift forms mean all
# rules, a bare noqa the TY rules only).

# `pyshift:` directives are case-sensitive and their codes upper-case (an
# invalid list suppresses nothing); `noqa` is case-insensitive, as in ruff.
_SUP_LINE = re.compile(r"#\s*pyshift:\s*ignore(?!-file)(?:\s*\[([^\]]*)\])?")
_SUP_FILE = re.compile(r"#\s*pyshift:\s*ignore-file(?:\s*\[([^\]]*)\])?")
_VALID_CODES = re.compile(r"^[\s,]*[A-Z][A-Z0-9]*([\s,]+[A-Z][A-Z0-9]*)*[\s,]*$")
_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Z0-9][A-Z0-9, \t]*))?", re.I)


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None  # all rules
    return [c for c in re.split(r"[,\s]+", text.strip()) if c]


@dataclass
class Suppressions:
    by_line: dict[int, list[list[str] | None]] = field(default_factory=dict)
    file_wide: list[list[str] | None] = field(default_factory=list)

    def suppressed(self, line: int, rule: str) -> bool:
        def hit(codes):
            return codes is None or any(rule.startswith(c.upper()) for c in codes)
        if any(hit(c) for c in self.file_wide):
            return True
        return any(hit(c) for c in self.by_line.get(line, []))


def read_suppressions(text: str) -> Suppressions:
    s = Suppressions()
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        toks = []
    for t in toks:
        if t.type != tokenize.COMMENT:
            continue
        c = t.string
        for m in _SUP_FILE.finditer(c):
            if m.group(1) is None or _VALID_CODES.match(m.group(1)):
                s.file_wide.append(_codes(m.group(1)))
        for m in _SUP_LINE.finditer(c):
            if m.group(1) is None or _VALID_CODES.match(m.group(1)):
                s.by_line.setdefault(t.start[0], []).append(_codes(m.group(1)))
        for m in _NOQA.finditer(c):
            # A noqa without codes covers the TY rules only (README: a blanket
            # noqa never hides a removal); ruff's UPnnn is TYnnn.
            codes = _codes(m.group(1)) or ["TY"]
            s.by_line.setdefault(t.start[0], []).append(
                ["TY" + c[2:] if c.upper().startswith("UP") else c for c in codes])
    return s


# ---------------------------------------------------------------------------
# Guard context of every node.

IMPORT_EXCEPTIONS = {"ImportError", "ModuleNotFoundError"}
ALL_RUNS = (1 << 64) - 1  # bit N: Python 3.N


@dataclass(frozen=True)
class Guards:
    try_fallback: bool = False       # in the body of a try that catches ImportError/ModuleNotFoundError
    try_attr: bool = False           # ... that catches AttributeError
    try_type: bool = False           # ... that catches TypeError
    type_checking: bool = False      # under `if TYPE_CHECKING:`
    runs: int = ALL_RUNS             # minors on which the code can run at run time
    tested: frozenset = frozenset()  # attribute names a hasattr() feature test found
    notes: tuple = ()                # other guards the strict semantics ignore
    # In `except ImportError:` handlers after try bodies of absolute imports
    # only: what each body imports (a dead fallback when all of one's names
    # always import where the removal matters: Analysis.dead_fallback).
    fallback_of: tuple = ()

    def with_(self, **kw) -> "Guards":
        d = dict(try_fallback=self.try_fallback, try_attr=self.try_attr, try_type=self.try_type,
                 type_checking=self.type_checking, runs=self.runs, tested=self.tested, notes=self.notes,
                 fallback_of=self.fallback_of)
        d.update(kw)
        return Guards(**d)


def window(removed: tuple | None, pending: bool, target: tuple, min_python: tuple) -> int:
    """Minors where a removal matters: from the later of the removal and
    min-python up to the target; a pending removal: the target alone."""
    to = min(target[1], 63)
    lo = to if pending or removed is None else min(max(removed[1], min_python[1]), to)
    return sum(1 << m for m in range(lo, to + 1))


def _handler_catches(h: ast.ExceptHandler, names: set[str]) -> bool:
    """Only the named exceptions: a bare handler or Exception/BaseException
    guards nothing a removal raises (issue 12)."""
    if h.type is None:
        return False
    types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
    for t in types:
        name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else None
        if name in names:
            return True
    return False


def _raised_name(exc: ast.AST) -> str | None:
    """`ImportError` for `raise ImportError` / `raise ImportError(...)` (as written, unqualified)."""
    if isinstance(exc, ast.Call):
        exc = exc.func
    return exc.id if isinstance(exc, ast.Name) else None


def _imports_only(body: list) -> frozenset | None:
    """What a try body of absolute imports only imports (`import a.b` ->
    a.b, `from html import escape` -> html.escape); None for any other body."""
    names = set()
    for st in body:
        if isinstance(st, ast.Import):
            names.update(a.name for a in st.names)
        elif isinstance(st, ast.ImportFrom) and not st.level and st.module and all(a.name != "*" for a in st.names):
            names.update(f"{st.module}.{a.name}" for a in st.names)
        elif (isinstance(st, ast.If) and not st.orelse and len(st.body) == 1 and isinstance(st.body[0], ast.Raise)
              and st.body[0].exc is not None
              and ast.get_source_segment is not None
              and _raised_name(st.body[0].exc) in IMPORT_EXCEPTIONS
              and hasattr_fallback(st.test)[0] and hasattr_fallback(st.test)[1]):
            names.add(hasattr_fallback(st.test)[0])  # `if not hasattr(X, "n"): raise ImportError`
        else:
            return None
    return frozenset(names) or None


def _is_version_info(node: ast.AST) -> bool:
    """`sys.version_info` or a bare `version_info` (from sys import version_info)."""
    if isinstance(node, ast.Name):
        return node.id == "version_info"
    return (isinstance(node, ast.Attribute) and node.attr == "version_info"
            and isinstance(node.value, ast.Name) and node.value.id == "sys")


def _int(node) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= 9999:
        return node.value
    return None


def _version_subject(node: ast.AST):
    """('tuple', length) for version_info (5 items) or `[:n]`, ('major',) for
    `[0]`/`.major`, ('minor',) for `[1]`/`.minor`, else None."""
    if _is_version_info(node):
        return ("tuple", 5)
    if isinstance(node, ast.Subscript) and _is_version_info(node.value):
        sl = node.slice
        if isinstance(sl, ast.Slice) and sl.step is None and (sl.lower is None or _int(sl.lower) == 0):
            n = _int(sl.upper) if sl.upper is not None else None
            return ("tuple", min(n, 5)) if n else None
        i = _int(sl)
        return ("major",) if i == 0 else ("minor",) if i == 1 else None
    if isinstance(node, ast.Attribute) and node.attr in ("major", "minor") and _is_version_info(node.value):
        return (node.attr,)
    return None


LT, EQ, GT = 1, 2, 4


def _tuple_cmp(minor: int, vlen: int, t: tuple, i: int = 0) -> int:
    """Possible results of comparing Python 3.minor's version_info[:vlen]
    with t: the micro version is any number, the release level a string."""
    while True:
        if i == vlen and i == len(t):
            return EQ
        if i == vlen:
            return LT
        if i == len(t):
            return GT
        if i == 2:
            return (LT if t[2] > 0 else 0) | GT | _tuple_cmp(minor, vlen, t, 3)
        if i > 2:
            return LT | EQ | GT
        v = 3 if i == 0 else minor
        if v != t[i]:
            return LT if v < t[i] else GT
        i += 1


_TRUTH = {ast.Lt: LT, ast.LtE: LT | EQ, ast.Gt: GT, ast.GtE: GT | EQ, ast.Eq: EQ, ast.NotEq: LT | GT}
_FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
UNKNOWN = (ALL_RUNS, ALL_RUNS)


def _compare_masks(left, op, right) -> tuple[int, int]:
    subj = _version_subject(left)
    if subj is None:
        subj = _version_subject(right)
        if subj is None or op not in _FLIP:
            return UNKNOWN
        left, right, op = right, left, _FLIP[op]
    if op not in _TRUTH:
        return UNKNOWN
    truth = _TRUTH[op]
    if subj[0] == "tuple":
        if not isinstance(right, ast.Tuple) or not 0 < len(right.elts) <= 8:
            return UNKNOWN
        t = tuple(_int(e) for e in right.elts)
        if None in t:
            return UNKNOWN
    else:
        c = _int(right)
        if c is None:
            return UNKNOWN
    tm = fm = 0
    for minor in range(64):
        if subj[0] == "tuple":
            o = _tuple_cmp(minor, subj[1], t)
        else:
            v = 3 if subj[0] == "major" else minor
            o = LT if v < c else GT if v > c else EQ
        if o & truth:
            tm |= 1 << minor
        if o & ~truth & 7:
            fm |= 1 << minor
    return tm, fm


# The file's module-level version flags (compute_guards sets them): name ->
# (T, F) of `NAME = <version test>`, assigned once at top level.
_VERSION_FLAGS: dict = {}


def version_flags(tree: ast.AST) -> dict:
    """Fills _VERSION_FLAGS in order (a flag may use an earlier one, as the
    walk does) and returns it."""
    flags = _VERSION_FLAGS
    flags.clear()
    seen: set = set()
    for st in getattr(tree, "body", []):
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            name = st.targets[0].id
            if name in seen:
                flags.pop(name, None)
                continue
            seen.add(name)
            t, f = condition_masks(st.value)
            if t & f == 0 and t | f == ALL_RUNS:
                flags[name] = (t, f)
    return flags


def condition_masks(test: ast.AST) -> tuple[int, int]:
    """(T, F): the minors on which the test can be true, and false, at run
    time. Version tests (chains too), TYPE_CHECKING (false at run time),
    module-level version flags, not, and, or; anything else can be either."""
    if isinstance(test, ast.Name) and test.id in _VERSION_FLAGS:
        return _VERSION_FLAGS[test.id]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        t, f = condition_masks(test.operand)
        return f, t
    if isinstance(test, ast.BoolOp):
        parts = [condition_masks(v) for v in test.values]
        t, f = parts[0]
        for pt, pf in parts[1:]:
            if isinstance(test.op, ast.And):
                t, f = t & pt, f | pf
            else:
                t, f = t | pt, f & pf
        return t, f
    if _is_type_checking(test):
        return 0, ALL_RUNS
    if isinstance(test, ast.Compare):
        t, f = ALL_RUNS, 0
        operands = [test.left] + test.comparators
        for a, op, b in zip(operands, test.ops, operands[1:]):
            pt, pf = _compare_masks(a, type(op), b)
            t, f = t & pt, f | pf
        return t, f
    return UNKNOWN


def _is_type_checking(test: ast.AST) -> bool:
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return True
    return (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            and isinstance(test.value, ast.Name))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        v = _dotted(node.value)
        return f"{v}.{node.attr}" if v else None
    return None


def hasattr_fallback(test: ast.AST):
    """("X.n", negated) for `hasattr(X, "n")` / `not hasattr(X, "n")` with X
    a name chain, else (None, False): the branch where X lacks n is a
    fallback (a dead one when X.n is in the importable table)."""
    neg = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, neg = test.operand, True
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "hasattr"
            and len(test.args) == 2 and not test.keywords and isinstance(test.args[1], ast.Constant)
            and isinstance(test.args[1].value, str) and test.args[1].value):
        obj = _dotted(test.args[0])
        if obj:
            return f"{obj}.{test.args[1].value}", neg
    return None, False


def hasattr_test(test: ast.AST, negated: bool = False):
    """(name, negated) of a feature test `hasattr(x, "name")`, also under
    `not` and as a side of `and`; (None, False) otherwise."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        n, neg = hasattr_test(test.operand, negated)
        return (n, not neg) if n else (None, False)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and len(test.values) == 2 and not negated:
        for v in test.values:
            n, neg = hasattr_test(v)
            if n and not neg:
                return n, False
        return None, False
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "hasattr"
            and len(test.args) == 2 and not test.keywords and isinstance(test.args[1], ast.Constant)
            and isinstance(test.args[1].value, str)):
        return test.args[1].value, negated
    return None, False


def skip_mask(decorators: list) -> int:
    """Where a test decorated with skipIf/skipif/skipUnless(version test) runs."""
    runs = ALL_RUNS
    for d in decorators:
        if not (isinstance(d, ast.Call) and d.args):
            continue
        f = d.func
        last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        if last in ("skipIf", "skipif", "skipUnless"):
            t, fm = condition_masks(d.args[0])
            runs &= t if last == "skipUnless" else fm
    return runs


def _exits(body: list) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def compute_guards(tree: ast.AST, lines: list[str]) -> dict[int, Guards]:
    """id(node) -> Guards for every node in the tree."""
    out: dict[int, Guards] = {}
    version_flags(tree)

    def is_elif(node: ast.If) -> bool:
        line = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
        return line[node.col_offset:].startswith("elif")

    def if_chain(node: ast.If, g: Guards, in_function: bool) -> int:
        """Visits an if/elif chain; returns the minors where the code after it
        can run (relative to g): where a branch that does not end in
        return/raise runs, or no branch does."""
        after, rest = 0, ALL_RUNS
        first = True
        while True:
            visit(node.test, g.with_(runs=g.runs & rest), in_function)
            t, f = condition_masks(node.test)
            gb = g.with_(runs=g.runs & rest & t)
            if _is_type_checking(node.test):
                gb = gb.with_(type_checking=True)
            tested, neg = hasattr_test(node.test) if first else (None, False)
            if tested and not neg:
                gb = gb.with_(tested=gb.tested | {tested})
            fb, fneg = hasattr_fallback(node.test) if first else (None, False)
            if fb and fneg:
                gb = gb.with_(fallback_of=gb.fallback_of + (frozenset([fb]),))
            visit_list(node.body, gb, in_function)
            if not _exits(node.body):
                after |= rest & t
            rest &= f
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) and is_elif(node.orelse[0]):
                node = node.orelse[0]
                first = False
                continue
            ge = g.with_(runs=g.runs & rest)
            if tested and neg:
                ge = ge.with_(tested=ge.tested | {tested})
            if fb and not fneg:
                ge = ge.with_(fallback_of=ge.fallback_of + (frozenset([fb]),))
            if node.orelse:
                visit_list(node.orelse, ge, in_function)
                if not _exits(node.orelse):
                    after |= rest
                rest = 0
            elif tested and neg and first and _exits(node.body):
                feature[0] = tested  # `if not hasattr(m, "x"): return` tests what follows
            return after | rest

    feature = [None]

    def visit_list(stmts: list, g: Guards, in_function: bool):
        for st in stmts:
            if isinstance(st, ast.If):
                out[id(st)] = g
                feature[0] = None
                after = if_chain(st, g, in_function)
                g = g.with_(runs=g.runs & after)
                if feature[0]:
                    g = g.with_(tested=g.tested | {feature[0]})
            else:
                visit(st, g, in_function)

    def visit(node: ast.AST, g: Guards, in_function: bool):
        out[id(node)] = g
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            gb = g.with_(
                try_fallback=g.try_fallback or any(_handler_catches(h, IMPORT_EXCEPTIONS) for h in node.handlers),
                try_attr=g.try_attr or any(_handler_catches(h, {"AttributeError"}) for h in node.handlers),
                try_type=g.try_type or any(_handler_catches(h, {"TypeError"}) for h in node.handlers))
            visit_list(node.body, gb, in_function)
            body_imports = _imports_only(node.body)
            for h in node.handlers:
                if body_imports and _handler_catches(h, IMPORT_EXCEPTIONS):
                    visit(h, g.with_(fallback_of=g.fallback_of + (body_imports,)), in_function)
                else:
                    visit(h, g, in_function)
            visit_list(node.orelse, g, in_function)
            visit_list(node.finalbody, g, in_function)
            return
        if isinstance(node, ast.If):
            after = if_chain(node, g, in_function)  # noqa: F841 (a lone if: nothing follows in this list)
            return
        if isinstance(node, ast.BoolOp):
            # `hasattr(m, "x") and m.x`: each operand after a feature test
            # runs where it holds; `not hasattr(m, "x") or m.x`: the second
            # operand runs where the test failed.
            tested = set()
            for i, v in enumerate(node.values):
                gv = g.with_(tested=g.tested | frozenset(tested)) if tested else g
                visit(v, gv, in_function)
                n, neg = hasattr_test(v)
                if n and isinstance(node.op, ast.And) and not neg:
                    tested.add(n)
                elif isinstance(node.op, ast.Or):
                    tested = {n} if n and neg and i == 0 else set()
            return
        if isinstance(node, ast.IfExp):
            visit(node.test, g, in_function)
            t, f = condition_masks(node.test)
            tested, neg = hasattr_test(node.test)
            gb, ge = g.with_(runs=g.runs & t), g.with_(runs=g.runs & f)
            if tested:
                if neg:
                    ge = ge.with_(tested=ge.tested | {tested})
                else:
                    gb = gb.with_(tested=gb.tested | {tested})
            visit(node.body, gb, in_function)
            visit(node.orelse, ge, in_function)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # The body runs when the function is called, outside any try
            # around the definition; decorators and defaults run here.
            for child in ast.iter_child_nodes(node):
                if child not in node.body:
                    visit(child, g, in_function)
            visit_list(node.body, g.with_(try_fallback=False, try_attr=False, try_type=False,
                                          runs=g.runs & skip_mask(node.decorator_list)), True)
            return
        if isinstance(node, ast.ClassDef) and node.decorator_list:
            for child in ast.iter_child_nodes(node):
                if child not in node.body:
                    visit(child, g, in_function)
            visit_list(node.body, g.with_(runs=g.runs & skip_mask(node.decorator_list)), in_function)
            return
        child_in_function = in_function or isinstance(node, ast.Lambda)
        for field, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                visit_list(value, g, child_in_function)
            elif isinstance(value, list):
                for v in value:
                    if isinstance(v, ast.AST):
                        visit(v, g, child_in_function)
            elif isinstance(value, ast.AST):
                visit(value, g, child_in_function)

    visit(tree, Guards(), False)
    return out


# ---------------------------------------------------------------------------
# Per-file input to the analyses.


@dataclass
class Finding:
    path: str
    line: int
    rule: str
    vars: dict
    notes: tuple = ()

    def key(self):
        return (self.path, self.line, self.rule)


@dataclass
class FileInfo:
    path: str
    text: str
    lines: list[str]
    tree: ast.Module
    guards: dict[int, Guards]
    first_party: set[str]
    _scopes: object = None
    undecided: list = field(default_factory=list)   # (rule id, line, class qualname, row names)

    def guard(self, node: ast.AST) -> Guards:
        return self.guards.get(id(node), Guards())

    def scopes(self) -> "scopes.Scopes":
        if self._scopes is None:
            self._scopes = scopes.Scopes(self.tree)
        return self._scopes

    def name_line(self, node: ast.ImportFrom) -> int:
        """Line of the module name in `from MODULE import ...` (it may follow
        a backslash continuation)."""
        first = self.lines[node.lineno - 1][node.col_offset:]
        rest = "\n".join([first] + self.lines[node.lineno:node.lineno + 10])
        m = re.match(r"from(?:[ \t\f]|\\\r?\n)+", rest)
        return node.lineno + (m.group(0).count("\n") if m else 0)


def read_source(path: str) -> str:
    with tokenize.open(path) as f:
        return f.read()


# ---------------------------------------------------------------------------
# Analyses

def module_name(path: str) -> str:
    """The dotted module a scanned file is (`pkg/sub/mod.py` -> pkg.sub.mod,
    climbing while the directory is a package; `pkg/__init__.py` -> pkg)."""
    d, base = os.path.split(os.path.abspath(path))
    parts = [] if base.split(".")[0] == "__init__" else [base.split(".")[0]]
    while is_package(d):
        d, name = os.path.split(d)
        parts.insert(0, name)
    return ".".join(parts)


def absolute_from(module: str, is_pkg: bool, level: int, name: str | None) -> str | None:
    """`from ..a import b` inside `module` -> the module it names."""
    parts = module.split(".") if module else []
    if not is_pkg:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    parts = parts[:len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


def class_qualname(fi: "FileInfo", sc, cls: ast.ClassDef) -> str:
    names = [cls.name]
    n = cls
    while (p := sc.parent.get(id(n))) is not None:
        if isinstance(p, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.insert(0, p.name)
        n = p
    mod = module_name(fi.path)
    return ".".join(([mod] if mod else []) + names)


def class_facts(fi: "FileInfo"):
    """Every class with bases: {qualname: {bases: [(qualified or None, last
    name as written)], defines: names bound in its body, path}}, and the
    module-level from-imports as {module.local: qualified} (re-exports)."""
    sc = fi.scopes()
    mod = module_name(fi.path)
    is_pkg = os.path.basename(fi.path).startswith("__init__.")

    def resolve(expr):
        chain = []
        while isinstance(expr, ast.Attribute):
            chain.insert(0, expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        bs = [b for b in sc.lookup(expr.id, expr) if b.kind != "del"]
        if len(bs) != 1:
            return None
        b = bs[0]
        if b.kind == "class":
            head = class_qualname(fi, sc, b.node)
        elif b.kind == "import" and b.q:
            head = b.q
        elif b.kind == "import" and isinstance(b.node, ast.ImportFrom) and b.node.level:
            base = absolute_from(mod, is_pkg, b.node.level, b.node.module)
            if base is None:
                return None
            a = next(a for a in b.node.names if (a.asname or a.name) == expr.id)
            head = (base + "." if base else "") + a.name
        elif b.kind == "import" and isinstance(b.node, ast.Import):
            a = next(a for a in b.node.names if (a.asname or a.name.split(".")[0]) == expr.id)
            head = a.name if a.asname else a.name.split(".")[0]
        else:
            return None
        return ".".join([head] + chain)

    classes = {}
    for node in ast.walk(fi.tree):
        if isinstance(node, ast.ClassDef) and node.bases:
            bases = []
            for b in node.bases:
                textual = b.attr if isinstance(b, ast.Attribute) else b.id if isinstance(b, ast.Name) else None
                bases.append((resolve(b), textual))
            defines = {st.name for st in node.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))}
            defines |= {t.id for st in node.body if isinstance(st, ast.Assign) for t in st.targets
                        if isinstance(t, ast.Name)}
            classes.setdefault(class_qualname(fi, sc, node), {"bases": bases, "defines": defines,
                                                                "path": fi.path})
    reexports = {}
    for st in fi.tree.body:
        if isinstance(st, ast.ImportFrom):
            base = absolute_from(mod, is_pkg, st.level, st.module) if st.level else st.module
            if base is None:
                continue
            for a in st.names:
                if a.name != "*":
                    reexports[(mod + "." if mod else "") + (a.asname or a.name)] = \
                        (base + "." if base else "") + a.name
    return classes, reexports


class Analysis:
    """One rule's analysis, configured for a target version."""

    def __init__(self, rule: Rule, target: tuple[int, int], min_python: tuple[int, int] = (3, 9)):
        self.rule = rule
        self.target = target
        self.min_python = min_python
        self.pending = str(rule.params.get("when", "removed")) == "pending"

    def window(self, row: dict) -> int:
        return window(parse_version(row["removed_in"]), self.pending, self.target, self.min_python)

    def dead_fallback(self, g: "Guards", win: int) -> bool:
        """In an ImportError handler whose try body imports only names the
        rule's importable table says import on every minor of `win`."""
        if not win or not self.rule.importable:
            return False
        lo = (win & -win).bit_length() - 1
        imp = self.rule.importable
        return any(all(n in imp and imp[n] <= lo for n in names) for names in g.fallback_of)

    def empty(self) -> bool:
        return False

    def run(self, fi: FileInfo) -> list[Finding]:
        raise NotImplementedError


def select_rows(rule: Rule, target: tuple[int, int], when: str) -> list[dict]:
    """Rows that apply to this run: `removed` keeps rows removed at or before
    the target; `pending` keeps rows removed after it (or `future`)."""
    out = []
    for row in rule.rows:
        v = parse_version(row["removed_in"])
        if when == "removed":
            if v is not None and v <= target:
                out.append(row)
        elif when == "pending":
            if v is None or v > target:
                out.append(row)
        else:
            raise ValueError(f"{rule.path}: unknown `when: {when}`")
    return out


_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class RemovedModules(Analysis):
    """RM001 / RM101 / DP001: imports of modules in the table."""

    def __init__(self, rule: Rule, target, min_python=(3, 9)):
        super().__init__(rule, target, min_python)
        when = str(rule.params.get("when", "removed"))
        self.rows = {r["module"]: r for r in select_rows(rule, target, when)}

    def empty(self):
        return not self.rows

    def row_for(self, module: str) -> dict | None:
        """The most specific row: the longest table module that is `module`
        or one of its parents."""
        parts = module.split(".")
        for n in range(len(parts), 0, -1):
            r = self.rows.get(".".join(parts[:n]))
            if r is not None:
                return r
        return None

    def _skip(self, fi: FileInfo, node: ast.AST, row: dict) -> bool:
        g = fi.guard(node)
        return g.try_fallback or g.type_checking or not g.runs & self.window(row) \
            or self.dead_fallback(g, self.window(row))

    def _stub_row(self, path: str) -> dict | None:
        """The row of the module a stub (.pyi) describes, its name climbing
        the directories with an __init__.pyi or __init__.py."""
        if not path.endswith(".pyi"):
            return None
        path = os.path.realpath(path)
        d, base = os.path.split(path[:-4])
        parts = [] if base == "__init__" else [base]
        while d and d != "/" and (os.path.exists(os.path.join(d, "__init__.pyi"))
                                  or os.path.exists(os.path.join(d, "__init__.py"))):
            d, b = os.path.split(d)
            parts.insert(0, b)
        return self.row_for(".".join(parts)) if parts else None

    def _emit(self, out, fi: FileInfo, node: ast.AST, line: int, module_row: dict):
        if module_row["module"].split(".")[0] in fi.first_party:
            return
        prov = module_row.get("provided_in", "-")
        if prov and prov != "-" and import_root(fi.path)[1] in prov.split():
            return  # setuptools' own files get distutils from its shim
        own = self._stub_row(fi.path)
        if own is not None:
            # The stub of a listed module describes only the Pythons that
            # have it: imports of modules removed no earlier are no finding.
            ov, rv = parse_version(own["removed_in"]), parse_version(module_row["removed_in"])
            if ov is None and rv is None or ov is not None and (rv is None or ov <= rv):
                return
        if self._skip(fi, node, module_row):
            return
        out.append(Finding(fi.path, line, self.rule.id, dict(module_row), fi.guard(node).notes))

    def run(self, fi: FileInfo) -> list[Finding]:
        out: list[Finding] = []
        importlib_names: set[str] = set()      # names bound to the importlib module
        import_module_names: set[str] = set()  # names bound to importlib.import_module
        for node in ast.walk(fi.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "importlib" and a.asname:
                        importlib_names.add(a.asname)
                    elif a.name.split(".")[0] == "importlib" and not a.asname:
                        importlib_names.add("importlib")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "importlib":
                for a in node.names:
                    if a.name == "import_module":
                        import_module_names.add(a.asname or a.name)

        for node in ast.walk(fi.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    row = self.row_for(a.name)
                    if row:
                        self._emit(out, fi, node, a.lineno, row)
            elif isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    continue
                module_row = self.row_for(node.module)
                module_used = False
                for a in node.names:
                    sub = self.rows.get(node.module + "." + a.name) if a.name != "*" else None
                    if sub is not None:
                        self._emit(out, fi, node, a.lineno, sub)
                    elif module_row is not None:
                        module_used = True
                if module_used:
                    self._emit(out, fi, node, fi.name_line(node), module_row)
            elif isinstance(node, ast.Call):
                f = node.func
                # __import__, builtins.__import__, importlib.__import__ (the
                # same function), importlib.import_module and its aliases.
                dunder = ((isinstance(f, ast.Name) and f.id == "__import__")
                          or (isinstance(f, ast.Attribute) and f.attr == "__import__"
                              and isinstance(f.value, ast.Name)
                              and (f.value.id == "builtins" or f.value.id in importlib_names)))
                is_import = dunder or (
                    (isinstance(f, ast.Name) and f.id in import_module_names)
                    or (isinstance(f, ast.Attribute) and f.attr == "import_module"
                        and isinstance(f.value, ast.Name) and f.value.id in importlib_names))
                if not is_import:
                    continue
                arg = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "name"), None)
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    continue
                name = arg.value
                if not _DOTTED.match(name):
                    continue  # relative ('.x') or not a module name
                if dunder:
                    level = node.args[4] if len(node.args) > 4 else next(
                        (k.value for k in node.keywords if k.arg == "level"), None)
                    if isinstance(level, ast.Constant) and level.value not in (0, None):
                        continue
                row = self.row_for(name)
                if row:
                    self._emit(out, fi, node, arg.lineno, row)
        return out


class RemovedApis(Analysis):
    """RM002-RM004 / DP002-DP004: removed (or pending) functions, classes,
    attributes, methods and keyword arguments, resolved through the file's
    imports (`match: reference | method | keyword`)."""

    def __init__(self, rule: Rule, target, min_python=(3, 9)):
        super().__init__(rule, target, min_python)
        self.match = str(rule.params.get("match", "reference"))
        when = str(rule.params.get("when", "removed"))
        self.rows = select_rows(rule, target, when)
        self.by_name = {r["name"]: r for r in self.rows}
        self.receivers = {}
        for r in self.rows:
            rx = r.get("receiver", "-")
            self.receivers[r["name"]] = re.compile(rx) if rx and rx != "-" else None

    def empty(self):
        return not self.rows

    # -- resolution ---------------------------------------------------------------

    def _resolve_name(self, fi: FileInfo, sc: scopes.Scopes, node: ast.Name):
        """(qualified name, import binding) of a loaded name bound only by
        imports of one and the same thing; (None, None) otherwise."""
        bs = [b for b in sc.lookup(node.id, node) if b.kind != "del"]
        if not bs or any(b.kind != "import" for b in bs):
            return None, None
        qs = {b.q for b in bs}
        if len(qs) != 1 or None in qs:
            return None, None
        q = qs.pop()
        if q.split(".")[0] in fi.first_party:
            return None, None
        return q, bs[0]

    def qual(self, fi, sc, node, memo):
        """Qualified name of a Name/Attribute chain and the import binding it
        goes through."""
        k = id(node)
        if k in memo:
            return memo[k]
        r = (None, None)
        if isinstance(node, ast.Name):
            r = self._resolve_name(fi, sc, node)
        elif isinstance(node, ast.Attribute):
            q, b = self.qual(fi, sc, node.value, memo)
            if q is not None:
                r = (q + "." + node.attr, b)
        memo[k] = r
        return r

    def _guarded(self, fi: FileInfo, use, kind: str, row, bind=None, bind_q=None, at=None) -> bool:
        """A use is guarded by a handler that catches what the removal raises
        there (`kind`: import -> ImportError, attr -> AttributeError,
        keyword -> TypeError, name -> none of its own), by TYPE_CHECKING, by a
        binding imported under TYPE_CHECKING or (for the removed name
        itself) under an ImportError handler, or when it cannot run where
        the removal matters (the runs at `at`, default the use)."""
        g = fi.guard(use)
        if g.type_checking or (kind == "import" and g.try_fallback) or (kind == "attr" and g.try_attr) \
                or (kind == "keyword" and g.try_type):
            return True
        if kind == "attr" and row["name"].rsplit(".", 1)[-1] in g.tested:
            return True  # a feature test: `if hasattr(ssl, "wrap_socket"):`
        if bind is not None:
            bg = fi.guard(bind)
            name = row["name"]
            if bg.type_checking or (bg.try_fallback and bind_q and (bind_q == name or bind_q.startswith(name + "."))):
                return True
        ga = fi.guard(at if at is not None else use)
        return not ga.runs & self.window(row) or self.dead_fallback(ga, self.window(row))

    def _class_qualifies(self, fi, sc, cls: ast.ClassDef, rowclass: str, rx, memo, seen=None) -> bool:
        seen = seen or set()
        if id(cls) in seen:
            return False
        seen.add(id(cls))
        for b in cls.bases:
            q, _ = self.qual(fi, sc, b, memo)
            if q == rowclass:
                return True
            textual = b.attr if isinstance(b, ast.Attribute) else b.id if isinstance(b, ast.Name) else None
            if rx is not None:
                if textual and rx.search(textual):
                    return True
                if q and rx.search(q.rsplit(".", 1)[-1]):
                    return True
            if isinstance(b, ast.Name):
                bs = sc.lookup(b.id, b)
                defs = [x.node for x in bs if x.kind == "class"]
                if len(bs) == 1 and defs and self._class_qualifies(fi, sc, defs[0], rowclass, rx, memo, seen):
                    return True
        return False

    def _class_defines(self, cls: ast.ClassDef, name: str) -> bool:
        for st in cls.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == name:
                return True
            if isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in st.targets):
                return True
        return False

    def _ctor_class(self, fi, sc, recv: ast.Name, memo):
        """For `x` assigned from a call in the use's own scope: the qualified
        name of the callee (all assignments agree); else None."""
        # The docs say "in the same scope"; pyshift also follows a module-level
        # `x = C()` into functions, which is as certain when every binding of
        # `x` is such a call, so the oracle accepts any scope the lookup finds.
        bs = [b for b in sc.lookup(recv.id, recv) if b.kind != "del"]
        if not bs or any(b.kind != "assign" for b in bs):
            return None, None
        qs = set()
        node = None
        for b in bs:
            v = b.value
            if not isinstance(v, ast.Call):
                return None, None
            q, _ = self.qual(fi, sc, v.func, memo)
            if q is None:
                return None, None
            qs.add(q)
            node = b.node
        return (qs.pop(), node) if len(qs) == 1 else (None, None)

    def _method_rows(self, fi, sc, attr: ast.Attribute, memo):
        """Rows `Class.method` that `recv.method` reaches through `self`/`cls`
        in a qualifying class, or a constructor-assigned variable."""
        out = []
        recv = attr.value
        if not isinstance(recv, ast.Name):
            return out
        cands = [r for r in self.rows if r["name"].rsplit(".", 1)[-1] == attr.attr]
        if not cands:
            return out
        if recv.id in ("self", "cls"):
            cls = sc.enclosing_class_of_method(attr)
            if cls is not None and not self._class_defines(cls, attr.attr):
                for r in cands:
                    rowclass = r["name"].rsplit(".", 1)[0]
                    if self._class_qualifies(fi, sc, cls, rowclass, self.receivers[r["name"]], memo):
                        out.append((r, None))
                if out:
                    return out
        ctor, bnode = self._ctor_class(fi, sc, recv, memo)
        if ctor is not None:
            for r in cands:
                rowclass = r["name"].rsplit(".", 1)[0]
                rx = self.receivers[r["name"]]
                if ctor == rowclass or (rx is not None and ctor.split(".")[0] == rowclass.split(".")[0]
                                        and rx.search(ctor.rsplit(".", 1)[-1])):
                    out.append((r, bnode))
        return out

    # -- run ----------------------------------------------------------------------

    def run(self, fi: FileInfo) -> list[Finding]:
        sc = fi.scopes()
        memo: dict = {}
        out: list[Finding] = []

        def emit(line, row, use, kind, bind=None, bind_q=None, at=None):
            if self._guarded(fi, use, kind, row, bind, bind_q, at):
                return
            out.append(Finding(fi.path, line, self.rule.id, dict(row)))

        if self.match == "reference":
            names = self.by_name
            for node in ast.walk(fi.tree):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    if node.module.split(".")[0] in fi.first_party:
                        continue
                    for a in node.names:
                        if a.name == "*":
                            continue
                        q = node.module + "." + a.name
                        row = self._prefix_row(q)
                        if row:
                            emit(a.lineno, row, node, "import")
                elif isinstance(node, ast.Import):
                    for a in node.names:
                        if a.name.split(".")[0] in fi.first_party:
                            continue
                        row = self._prefix_row(a.name)
                        if row:
                            emit(a.lineno, row, node, "import")
                elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, (ast.Load, ast.Del)):
                    # A store (`ssl.wrap_socket = shim`) works on any Python;
                    # a read or a `del` of a missing attribute raises.
                    q, b = self.qual(fi, sc, node, memo)
                    if q in names:
                        emit(node.lineno, names[q], node, "attr" if isinstance(node, ast.Attribute) else "name",
                             b.node if b else None, b.q if b else None)
        elif self.match == "method":
            for node in ast.walk(fi.tree):
                if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
                    continue
                q, b = self.qual(fi, sc, node, memo)
                if q in self.by_name:  # named through its class
                    emit(node.lineno, self.by_name[q], node, "attr", b.node if b else None)
                    continue
                rows = self._method_rows(fi, sc, node, memo)
                for row, bnode in rows:
                    emit(node.lineno, row, node, "attr", bnode)
                if not rows:
                    self._undecided(fi, sc, node)
        elif self.match == "keyword":
            for node in ast.walk(fi.tree):
                if not (isinstance(node, ast.Call) and node.keywords):
                    continue
                kws = [k for k in node.keywords if k.arg]
                if not kws:
                    continue
                rows = []
                q, b = self.qual(fi, sc, node.func, memo)
                if q in self.by_name:
                    rows.append((self.by_name[q], b.node if b else None))
                elif isinstance(node.func, ast.Attribute):
                    rows = self._method_rows(fi, sc, node.func, memo)
                for row, bnode in rows:
                    allowed = {k.strip() for k in row["keywords"].split(",")}
                    for k in kws:
                        if k.arg in allowed:
                            emit(k.lineno, row, node, "keyword", bnode, at=k)
        else:
            raise ValueError(f"{self.rule.path}: unknown `match: {self.match}`")
        return out

    # -- across modules (issue 12 item 2) ---------------------------------------------
    # `self.m` in a class whose own bases do not reach the row's class in the
    # file: recorded with the unguarded rows it names; cross_module() decides
    # after every file, from the classes of all files (class_facts()).

    def _undecided(self, fi: FileInfo, sc, node: ast.Attribute):
        recv = node.value
        if not (isinstance(recv, ast.Name) and recv.id in ("self", "cls")):
            return
        cls = sc.enclosing_class_of_method(node)
        if cls is None or not cls.bases or self._class_defines(cls, node.attr):
            return
        rows = [r["name"] for r in self.rows if r["name"].rsplit(".", 1)[-1] == node.attr
                and not self._guarded(fi, node, "attr", r)]
        if rows:
            fi.undecided.append((self.rule.id, node.lineno, class_qualname(fi, sc, cls), rows))

    def cross_module(self, classes: dict, reexports: dict, uses: list) -> list[Finding]:
        """Findings for the recorded uses whose class reaches the row's class
        through the tree's classes (any depth; a cycle is a no; a class on the
        way that defines the method stops it)."""
        def canonical(q):
            for _ in range(16):
                if q in classes or q not in reexports:
                    break
                q = reexports[q]
            return q

        def find(q):
            q = q if q in classes else canonical(q)
            return classes.get(q)

        def reach(c, row, visiting):
            if id(c) in visiting:
                return False
            if row["name"].rsplit(".", 1)[-1] in c["defines"]:
                return False
            rowclass, rx = row["name"].rsplit(".", 1)[0], self.receivers[row["name"]]
            for q, textual in c["bases"]:
                if q == rowclass or (rx is not None and ((textual and rx.search(textual))
                                                        or (q and rx.search(q.rsplit(".", 1)[-1])))):
                    return True
            visiting = visiting | {id(c)}
            return any(q and find(q) is not None and reach(find(q), row, visiting) for q, _ in c["bases"])

        out = []
        for path, line, rule_id, cls_q, rows in uses:
            if rule_id != self.rule.id:
                continue
            c = classes.get(cls_q)
            for name in rows:
                row = self.by_name[name]
                if c is not None and reach(c, row, frozenset()):
                    out.append(Finding(path, line, self.rule.id, dict(row)))
                    break
        return out

    def _prefix_row(self, q: str):
        parts = q.split(".")
        for n in range(len(parts), 0, -1):
            r = self.by_name.get(".".join(parts[:n]))
            if r is not None:
                return r
        return None


ANALYSES: dict[str, Callable[[Rule, tuple], Analysis]] = {
    "removed-modules": RemovedModules,
    "removed-apis": RemovedApis,
}


def supported(rule: Rule) -> bool:
    return rule.analysis in ANALYSES


# ---------------------------------------------------------------------------
# Driver


@dataclass
class OracleResult:
    files: list[str]
    unparsable: dict[str, str]          # path -> reason
    findings: list[Finding]
    problems: list[str]
    rules: list[str]                    # rule ids that were run


def rule_applies(rule: Rule, target: tuple[int, int]) -> bool:
    spec = rule.meta.get("target")
    return not spec or version_constraint_holds(str(spec), target)


_W: dict = {}


def _init_worker(analyses, first_party):
    _W["analyses"] = analyses
    _W["first_party"] = first_party
    sys.setrecursionlimit(10000)


def _scan_file(path: str):
    """(path, findings, reason the file was skipped or None)."""
    analyses, first_party = _W["analyses"], _W["first_party"]
    try:
        text = read_source(path)
    except (SyntaxError, UnicodeDecodeError, LookupError, OSError) as e:
        return path, [], f"decode: {e.__class__.__name__}: {e}", None
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        return path, [], f"parse: {e.__class__.__name__}: {e}", None
    if not analyses:
        return path, [], None, None
    findings = []
    try:
        lines = text.splitlines()
        fi = FileInfo(path, text, lines, tree, compute_guards(tree, lines), first_party)
        sup = None
        seen = set()
        for a in analyses:
            for f in a.run(fi):
                if f.key() in seen:
                    continue
                if sup is None:
                    sup = read_suppressions(text)
                if sup.suppressed(f.line, f.rule):
                    continue
                seen.add(f.key())
                findings.append(f)
        cross = None
        if any(isinstance(a, RemovedApis) and a.match == "method" for a in analyses):
            classes, reexports = class_facts(fi)
            if sup is None:
                sup = read_suppressions(text)
            uses = [(path, line, rid, cq, rows) for rid, line, cq, rows in fi.undecided
                    if not sup.suppressed(line, rid)]
            cross = (classes, reexports, uses)
    except RecursionError:
        return path, [], "oracle: nesting too deep", None
    return path, findings, None, cross


def run_oracle(paths: list[str], rules: list[Rule], target: tuple[int, int], jobs: int | None = None,
               min_python: tuple[int, int] = (3, 9)) -> OracleResult:
    analyses = [ANALYSES[r.analysis](r, target, min_python) for r in rules
                if supported(r) and rule_applies(r, target)]
    analyses = [a for a in analyses if not a.empty()]
    files, problems = walk_paths(paths)
    first_party = first_party_names(files)
    unparsable: dict[str, str] = {}
    findings: list[Finding] = []
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(files) > 50:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs, _init_worker, (analyses, first_party)) as pool:
            results = list(pool.imap_unordered(_scan_file, files, chunksize=8))
    else:
        _init_worker(analyses, first_party)
        results = [_scan_file(p) for p in files]
    classes: dict = {}
    reexports: dict = {}
    uses: list = []
    for path, fs, why, cross in sorted(results, key=lambda r: os.fsencode(r[0])):
        if why:
            unparsable[path] = why
        findings.extend(fs)
        if cross:
            for q, c in cross[0].items():
                classes.setdefault(q, c)  # the first file in path order
            for k, v in cross[1].items():
                reexports.setdefault(k, v)
            uses.extend(cross[2])
    # Across modules: each recorded use once, unless the file's own pass reported it.
    have = {f.key() for f in findings}
    for a in analyses:
        if isinstance(a, RemovedApis) and a.match == "method":
            for f in a.cross_module(classes, reexports, uses):
                if f.key() not in have:
                    have.add(f.key())
                    findings.append(f)
    findings.sort(key=lambda f: (os.fsencode(f.path), f.line, f.rule))
    return OracleResult(files, unparsable, findings, problems, [a.rule.id for a in analyses])


def filter_rules(rules: list[Rule], select: str | None) -> list[Rule]:
    if not select:
        return [r for r in rules if not r.explicit]
    ids = [s.strip() for s in select.split(",") if s.strip()]
    out = []
    for r in rules:
        if r.id in ids or (not r.explicit and any(i == "ALL" or r.id.startswith(i) for i in ids)):
            out.append(r)
    return out


def default_rules_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "rules")


def main(argv=None) -> int:
    sys.dont_write_bytecode = True
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--rules-dir", default=default_rules_dir())
    ap.add_argument("--select", default=None, help="rule ids or prefixes (default: every non-explicit rule)")
    ap.add_argument("--target-version", default="3.14")
    ap.add_argument("--min-python", default="3.9")
    ap.add_argument("--json", action="store_true", help="print findings as JSON")
    args = ap.parse_args(argv)
    target = parse_version(args.target_version.rstrip("t"))
    rules = filter_rules(load_rules(args.rules_dir), args.select)
    res = run_oracle(args.paths, rules, target, min_python=parse_version(args.min_python))
    if args.json:
        json.dump([{"rule": f.rule, "path": f.path, "line": f.line, "vars": f.vars, "notes": list(f.notes)}
                   for f in res.findings], sys.stdout, indent=2)
        print()
    else:
        for f in res.findings:
            what = f.vars.get("module") or f.vars.get("name") or ""
            print(f"{f.path}:{f.line}: {f.rule} {what} (removed in {f.vars.get('removed_in')})")
        print(f"{len(res.findings)} findings in {len(res.files)} files "
              f"({len(res.unparsable)} skipped: not parsable by ast); rules: {','.join(res.rules)}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
