#!/usr/bin/env python3
"""Run the snippets below through ruff (ruff.mjs) at several targets and write
THRESHOLDS.md: when each typing rule fires, with which fix.

    python3 bench/ruff/thresholds.py [--out bench/ruff/THRESHOLDS.md] [--node node]

Each snippet is a small module; ';;' in a snippet stands for a newline.
Cases marked future=both are run twice: without and with
`from __future__ import annotations` as the first line (the table shows the
line number without it; with it, the finding is one line lower).
Python 3.11 stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = "UP006,UP007,UP045,UP035,UP037,UP040,UP046,UP047,UP019,UP043,UP049"
FUT = "from __future__ import annotations"

T4 = ["py38", "py39", "py310", "py312"]
T6 = ["py38", "py39", "py310", "py311", "py312", "py313"]
T695 = ["py311", "py312", "py313"]

# (rule, snippet, future: "no"|"both"|"yes", note)
SECTIONS = [
    ("UP006", "non-pep585-annotation: `typing.List` -> `list` etc.", T4, [
        ("from typing import List;;x: List[int] = []", "both", "module-level annotated assignment"),
        ("from typing import List, Dict;;def f(a: List[int]) -> Dict[str, int]: ...", "both", "parameter and return annotations"),
        ("from typing import List;;def f():;;    x: List[int] = []", "both", "local variable annotation (never evaluated)"),
        ("from typing import List;;X = List[int]", "both", "runtime: alias by plain assignment"),
        ("from typing import List, TypeAlias;;X: TypeAlias = List[int]", "both", "explicit TypeAlias"),
        ("from typing import List, cast;;y = cast(List[int], x)", "both", "runtime: cast() type argument"),
        ("from typing import List;;isinstance(x, List)", "both", "runtime: isinstance"),
        ("from typing import List;;class C(List[int]): pass", "both", "runtime: base class"),
        ("from typing import List, TypeVar;;T = TypeVar('T', bound=List[int])", "both", "runtime: TypeVar bound"),
        ("from typing import List;;x: List = []", "no", "bare (unsubscripted) name"),
        ("import typing as t;;x: t.List[int] = []", "both", "module alias"),
        ("import typing;;x: typing.List[int] = []", "no", "qualified"),
        ("from typing import List as L;;x: L[int] = []", "no", "aliased import"),
        ("from typing import List;;x: 'List[int]' = []", "both", "quoted annotation"),
        ("from typing import List;;x: 'List[int]' 'X' = []", "no", "implicitly concatenated string annotation"),
        ("from typing import Tuple, FrozenSet, Set, Type;;def f(a: Tuple[int, ...], b: FrozenSet[int], c: Set[int], d: Type[int]): ...", "no", "the other builtins"),
        ("from typing import Deque, DefaultDict;;def f(a: Deque[int], b: DefaultDict[str, int]): ...", "no", "collections members: the fix adds an import"),
        ("from typing_extensions import Type, Deque;;def f(a: Type[int], b: Deque[int]): ...", "no", "typing_extensions names"),
        ("from typing_extensions import List;;x: List[int] = []", "no", "typing_extensions.List (not in ruff's table)"),
        ("from typing import OrderedDict, Counter, ChainMap;;def f(a: OrderedDict[str, int], b: Counter[str], c: ChainMap[str, int]): ...", "no", "not UP006 (only UP035 on the import)"),
        ("from typing import Sequence, Callable;;def f(a: Sequence[int], b: Callable[[], int]): ...", "no", "not UP006 (collections.abc: UP035 on the import)"),
        ("List = list;;x: List[int] = []", "no", "a local List is not typing.List"),
        ("from typing import List, TYPE_CHECKING;;if TYPE_CHECKING:;;    X = List[int]", "no", "under TYPE_CHECKING"),
    ]),
    ("UP007", "non-pep604-annotation-union: `Union[X, Y]` -> `X | Y`", T4, [
        ("from typing import Union;;x: Union[int, str] = 1", "both", "annotation"),
        ("from typing import Union;;def f(a: Union[int, str]) -> Union[int, None]: ...", "both", "parameter; Union with None stays UP007"),
        ("from typing import Union;;def f():;;    x: Union[int, str] = 1", "both", "local variable annotation"),
        ("from typing import Union;;X = Union[int, str]", "both", "runtime: plain assignment"),
        ("from typing import Union, TypeAlias;;X: TypeAlias = Union[int, str]", "both", "explicit TypeAlias"),
        ("from typing import Union, cast;;y = cast(Union[int, str], x)", "both", "runtime: cast() type argument"),
        ("from typing import Union;;isinstance(x, Union[int, str])", "both", "runtime: isinstance"),
        ("from typing import Union, TypeVar;;T = TypeVar('T', bound=Union[int, str])", "both", "runtime: TypeVar bound"),
        ("from typing import Union;;x: Union[int] = 1", "no", "single member"),
        ("from typing import Union;;x: Union[int, 'Foo'] = 1", "both", "quoted member at module level (runtime annotation)"),
        ("from typing import Union;;def f():;;    x: Union[int, 'Foo'] = 1", "no", "quoted member in a local annotation"),
        ("from typing import Union;;x: 'Union[int, str]' = 1", "both", "whole annotation quoted"),
        ("import typing as t;;x: t.Union[int, str] = 1", "no", "module alias"),
        ("from typing import Union;;x: Union[int, # why;;    str] = 1", "no", "comment inside: fix unsafe"),
        ("from typing import Union, NamedTuple;;x: Union[int, NamedTuple] = 1", "no", "NamedTuple member: skipped"),
        ("from typing import Union, List;;x: List[Union[int, str]] = []", "no", "nested"),
        ("from typing_extensions import Union;;x: Union[int, str] = 1", "no", "typing_extensions.Union"),
    ]),
    ("UP045", "non-pep604-annotation-optional: `Optional[X]` -> `X | None`", T4, [
        ("from typing import Optional;;x: Optional[int] = None", "both", "annotation"),
        ("from typing import Optional;;def f(a: Optional[int] = None) -> Optional[str]: ...", "both", "parameter and return"),
        ("from typing import Optional;;X = Optional[int]", "both", "runtime: plain assignment"),
        ("from typing import Optional, cast;;y = cast(Optional[int], x)", "both", "runtime: cast() type argument"),
        ("from typing import Optional;;isinstance(x, Optional[int])", "no", "runtime: isinstance"),
        ("from typing import Optional;;x: Optional['Foo'] = None", "both", "quoted argument at module level"),
        ("from typing import Optional;;def f():;;    x: Optional['Foo'] = None", "no", "quoted argument in a local annotation"),
        ("from typing import Optional;;x: Optional[Optional[int]] = None", "no", "nested Optional"),
        ("from typing import Optional;;x: Optional[None] = None", "no", "Optional[None]"),
        ("from typing import Optional, Union;;x: Optional[Union[int, str]] = None", "no", "Optional of a Union"),
        ("import typing;;x: typing.Optional[int] = None", "no", "qualified"),
        ("from typing import Optional as Opt;;x: Opt[int] = None", "no", "aliased import"),
    ]),
    ("UP035", "deprecated-import: import from the new home (on `from X import ...` statements only)", T6, [
        ("from typing import List", "no", "renamed member: no fix"),
        ("from typing import List, Dict, Optional", "no", "several renamed members: one finding each"),
        ("from typing import Sequence", "no", "moved to collections.abc (3.9)"),
        ("from typing import Callable", "no", "moved to collections.abc (3.10)"),
        ("from typing import Sequence, Optional", "no", "partial: the fix splits the import"),
        ("from typing import Sequence as Seq", "no", "alias kept"),
        ("if x: from typing import Sequence, Optional", "no", "partial on a compound line: no fix"),
        ("from typing import OrderedDict, Counter, ChainMap", "no", "moved to collections"),
        ("from typing import Pattern, Match", "no", "moved to re"),
        ("from typing import AbstractSet, ContextManager", "no", "moved and renamed: no fix"),
        ("from typing import Deque, DefaultDict", "no", "renamed to collections.deque/defaultdict"),
        ("from typing import Text", "no", "typing.Text: not UP035 (UP019 on uses)"),
        ("import typing;;x: typing.Sequence[int]", "no", "attribute use: not UP035"),
        ("from collections import Sequence, OrderedDict", "no", "collections -> collections.abc"),
        ("from typing.re import Match", "no", "typing.re"),
        ("from mypy_extensions import TypedDict", "no", "mypy_extensions"),
        ("from typing_extensions import List, Optional", "no", "typing_extensions basics (any target)"),
        ("from typing_extensions import Final, OrderedDict", "no", "typing_extensions 3.8"),
        ("from typing_extensions import Annotated", "no", "typing_extensions 3.9"),
        ("from typing_extensions import Literal, TypeAlias, TypeGuard, ParamSpecArgs", "no", "typing_extensions 3.10"),
        ("from typing_extensions import Self, Never, LiteralString, overload", "no", "typing_extensions 3.11"),
        ("from typing_extensions import Protocol, override, NamedTuple, TypeAliasType", "no", "typing_extensions 3.12"),
        ("from typing_extensions import Buffer", "no", "typing_extensions 3.12 -> collections.abc"),
        ("from typing_extensions import get_original_bases", "no", "typing_extensions 3.12 -> types"),
        ("from typing_extensions import TypeIs, ReadOnly, TypeVar, Generator", "no", "typing_extensions 3.13"),
        ("from typing_extensions import deprecated", "no", "typing_extensions 3.13 -> warnings"),
        ("from typing_extensions import TypedDict, Literal", "no", "TypedDict never (3.10 for Literal)"),
        ("from typing_extensions import ParamSpec, Concatenate", "no", "ParamSpec only at 3.13"),
        ("from typing import *", "no", "star import"),
        ("from .typing import List", "no", "relative import"),
    ]),
    ("UP037", "quoted-annotation: remove quotes from annotations that are not evaluated", T4, [
        ("def f(x: 'int') -> 'str': ...", "both", "parameter and return"),
        ("x: 'int' = 1", "both", "module-level variable"),
        ("class C:;;    x: 'int' = 1", "both", "class-level variable"),
        ("def f():;;    x: 'int' = 1", "no", "local variable (never evaluated)"),
        ("from typing import Optional;;x: Optional['int'] = 1", "both", "quoted part of an annotation"),
        ("from typing import List;;x: 'List[int]' = []", "both", "also UP006 inside the string"),
        ("from typing import cast;;y = cast('int', x)", "both", "cast(): not an annotation"),
        ("from typing import TypeVar;;T = TypeVar('T', bound='int')", "both", "TypeVar bound"),
        ("from typing import TypeAlias;;X: TypeAlias = 'int'", "both", "TypeAlias value (TC008, not UP037)"),
        ("from typing import TYPE_CHECKING;;if TYPE_CHECKING:;;    x: 'int' = 1", "no", "under TYPE_CHECKING"),
        ("def f(x: 'int'  # c;;) -> None: ...", "yes", "comment after (fix wraps in parentheses)"),
        ("def f(x: '''(;;int)''') -> None: ...", "yes", "multi-line string"),
    ]),
    ("UP040", "non-pep695-type-alias: `X: TypeAlias = ...` / `TypeAliasType` -> `type X = ...`", T695, [
        ("from typing import TypeAlias;;X: TypeAlias = int", "no", "TypeAlias"),
        ("from typing import TypeAlias, TypeVar;;T = TypeVar('T');;X: TypeAlias = list[T]", "no", "generic alias"),
        ("from typing import TypeAlias, TypeVar;;T = TypeVar('T', default=int);;X: TypeAlias = list[T]", "no", "TypeVar with a default"),
        ("from typing import TypeAlias;;X: TypeAlias = 'int'", "no", "quoted value"),
        ("import typing as t;;X: t.TypeAlias = int", "no", "module alias"),
        ("from typing_extensions import TypeAlias;;X: TypeAlias = int", "no", "typing_extensions"),
        ("from typing import TypeAliasType;;X = TypeAliasType('X', int)", "no", "TypeAliasType"),
        ("from typing_extensions import TypeAliasType;;X = TypeAliasType('X', int)", "no", "typing_extensions.TypeAliasType"),
        ("X = int", "no", "plain assignment: never"),
        ("from typing import List;;X = List[int]", "no", "plain assignment of a generic: never"),
        ("class C:;;    from typing import TypeAlias;;    X: TypeAlias = int", "no", "class scope"),
    ]),
    ("UP046", "non-pep695-generic-class: `class A(Generic[T])` -> `class A[T]`", T695, [
        ("from typing import Generic, TypeVar;;T = TypeVar('T');;class A(Generic[T]): pass", "no", "Generic[T]"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T', bound=int);;class A(Base, Generic[T]): pass", "no", "bound, another base"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T', int, str);;class A(Generic[T]): pass", "no", "constrained"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T', covariant=True);;class A(Generic[T]): pass", "no", "covariant (fix unsafe: variance becomes inferred)"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T', default=int);;class A(Generic[T]): pass", "no", "default"),
        ("from typing import Generic, ParamSpec, TypeVarTuple, Unpack;;P = ParamSpec('P');;Ts = TypeVarTuple('Ts');;class A(Generic[P, Unpack[Ts]]): pass", "no", "ParamSpec, TypeVarTuple"),
        ("from typing import Protocol, TypeVar;;T = TypeVar('T');;class A(Protocol[T]): pass", "no", "Protocol[T]"),
        ("from typing import TypeVar;;T = TypeVar('T');;class A(list[T]): pass", "no", "implicitly generic (no Generic base)"),
        ("from typing import Generic;;from m import T;;class A(Generic[T]): pass", "no", "T imported from elsewhere"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T');;S = TypeVar('S');;class A(Generic[T], list[S]): pass", "no", "Generic does not list every variable"),
    ]),
    ("UP047", "non-pep695-generic-function: `def f(x: T) -> T` -> `def f[T](x: T) -> T`", T695, [
        ("from typing import TypeVar;;T = TypeVar('T');;def f(x: T) -> T: return x", "no", "function"),
        ("from typing import TypeVar;;T = TypeVar('T');;async def f(x: list[T]) -> T: ...", "no", "async, nested use"),
        ("from typing import TypeVar;;T = TypeVar('T');;def f() -> T: ...", "no", "only in the return annotation"),
        ("from typing import TypeVar;;T = TypeVar('T', default=int);;def f(x: T) -> T: return x", "no", "default"),
        ("from typing import Generic, TypeVar;;T = TypeVar('T');;class A(Generic[T]):;;    def m(self, x: T) -> T: return x", "no", "method using the class's variable"),
        ("from typing import TypeVar;;T = TypeVar('T');;S = TypeVar('S');;class A:;;    def m(self, x: S) -> S: return x", "no", "method with its own variable"),
        ("from m import T;;def f(x: T) -> T: return x", "no", "T imported from elsewhere"),
        ("from typing import Callable, ParamSpec;;P = ParamSpec('P');;def f(c: Callable[P, int]) -> None: ...", "no", "ParamSpec"),
    ]),
    ("UP019", "typing-text-str-alias: `typing.Text` -> `str`", T4, [
        ("from typing import Text;;x: Text = ''", "no", "annotation"),
        ("from typing import Text;;X = Text", "no", "runtime"),
        ("from typing import Text;;isinstance(x, Text)", "no", "isinstance"),
        ("import typing;;x: typing.Text = ''", "no", "qualified"),
        ("import typing as t;;def f(a: t.Text) -> t.Text: ...", "no", "module alias"),
        ("from typing_extensions import Text;;x: Text = ''", "no", "typing_extensions"),
        ("from typing import Text as T;;x: T = ''", "no", "aliased import"),
    ]),
    ("UP043", "unnecessary-default-type-args: `Generator[int, None, None]` -> `Generator[int]`", ["py312", "py313"], [
        ("from typing import Generator;;def g() -> Generator[int, None, None]: yield 1", "no", "typing.Generator"),
        ("from collections.abc import Generator, AsyncGenerator;;def g() -> Generator[int, None, None]: ...;;async def h() -> AsyncGenerator[int, None]: ...", "no", "collections.abc"),
        ("from typing import Generator;;def g() -> Generator[int, int, None]: ...", "no", "send type not None"),
    ]),
    ("UP049", "private-type-parameter: `class C[_T]` -> `class C[T]`", ["py312"], [
        ("class C[_T]: pass", "no", "class"),
        ("def f[_T](x: _T) -> _T: return x", "no", "function"),
        ("class C[_T_]: pass", "no", "sunder"),
        ("T = 1;;def f[_T](x: _T) -> _T: return x", "no", "new name would shadow: no fix"),
    ]),
]


def cp_slice(line, c0, c1=None):
    chars = list(line)
    return "".join(chars[c0 - 1:(c1 - 1) if c1 is not None else None])


def source_text(src, r0, c0, r1, c1):
    lines = src.split("\n")
    if r0 == r1:
        return cp_slice(lines[r0 - 1], c0, c1)
    parts = [cp_slice(lines[r0 - 1], c0)] + lines[r0:r1 - 1] + [cp_slice(lines[r1 - 1], 1, c1)]
    return "\n".join(parts)


def show_fix(src, fix, off=0):
    if not fix:
        return "no fix"
    out = []
    for e in fix["edits"]:
        old = source_text(src, e["row"], e["col"], e["end_row"], e["end_col"])
        new = e["content"]
        if old == "":
            out.append("insert %s at %d:%d" % (code(new), e["row"] - off, e["col"]))
        elif new == "":
            out.append("delete %s" % code(old))
        else:
            out.append("%s → %s" % (code(old), code(new)))
    return "; ".join(out)


def code(s):
    s = s.replace("\n", "⏎").replace("|", "\\|")
    tick = "``" if "`" in s else "`"
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{tick}{pad}{s}{pad}{tick}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(HERE, "THRESHOLDS.md"))
    ap.add_argument("--node", default="node")
    args = ap.parse_args()

    version = subprocess.run([args.node, os.path.join(HERE, "ruff.mjs"), "--version"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # every (section, case, future) variant becomes a file
    variants = []  # (key, source, lineoffset)
    for si, (rule, _title, targets, cases) in enumerate(SECTIONS):
        for ci, (snippet, future, _note) in enumerate(cases):
            body = snippet.replace(";;", "\n") + "\n"
            fl = {"no": [False], "yes": [True], "both": [False, True]}[future]
            for f in fl:
                variants.append(((si, ci, f), (FUT + "\n" + body) if f else body, 1 if f else 0))
    all_targets = sorted({t for s in SECTIONS for t in s[2]}, key=lambda t: int(t[3:]))
    results = defaultdict(list)  # (key, target) -> [finding]
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for i, (key, src, _off) in enumerate(variants):
            p = os.path.join(tmp, "c%d.py" % i)
            with open(p, "w") as fh:
                fh.write(src)
            paths[p] = key
        for t in all_targets:
            proc = subprocess.run([args.node, os.path.join(HERE, "ruff.mjs"), "--json", "--target", t,
                                   "--select", RULES, "--files-from", "-"],
                                  input="\n".join(paths), capture_output=True, text=True, check=True)
            for line in proc.stdout.splitlines():
                d = json.loads(line)
                results[(paths[d["path"]], t)].append(d)
    srcs = {key: (src, off) for key, src, off in variants}

    L = []
    L.append("# When ruff fires: the typing rules\n")
    L.append(f"Generated by `bench/ruff/thresholds.py` with ruff {version} "
             "(`@astral-sh/ruff-wasm-nodejs`, default settings but `target-version` and "
             f"`lint.select = {RULES}`, no preview). Regenerate after a ruff bump: "
             "`python3 bench/ruff/thresholds.py`; the findings section at the end is written by hand.\n")
    L.append("Each cell says what the section's rule does at that target: `—` no finding; "
             "`fix` a finding with a fix (`safe`/`unsafe`: the applicability, which the wasm API "
             "does not report: it is worked out from ruff's source, see `ruff.mjs`); `no fix` a finding "
             "without one; `2×` two findings. *fut* = `from __future__ import annotations` "
             "as the first line (line numbers in the fix column are without it). "
             "*Fix* is the fix at the lowest target that fires. *Others* lists the other typing "
             "rules that fire at the highest target.\n")
    for si, (rule, title, targets, cases) in enumerate(SECTIONS):
        L.append(f"\n## {rule}: {title}\n")
        L.append("| # | snippet | fut | " + " | ".join(targets) + " | fix | others | note |")
        L.append("| --- | --- | --- | " + " | ".join("---" for _ in targets) + " | --- | --- | --- |")
        for ci, (snippet, future, note) in enumerate(cases):
            fl = {"no": [False], "yes": [True], "both": [False, True]}[future]
            for f in fl:
                key = (si, ci, f)
                src, off = srcs[key]
                cells, first_fix, others = [], None, set()
                for t in targets:
                    mine = [d for d in results[(key, t)] if d["code"] == rule]
                    if not mine:
                        cells.append("—")
                        continue
                    kinds = []
                    for d in mine:
                        if d["fix"]:
                            kinds.append("fix" + (" " + d["fix"]["applicability"] if d["fix"]["applicability"] else ""))
                        else:
                            kinds.append("no fix")
                    uniq = sorted(set(kinds))
                    cell = ", ".join(("%d× " % kinds.count(k) if kinds.count(k) > 1 else "") + k for k in uniq)
                    cells.append(cell)
                    if first_fix is None:
                        parts = []
                        for d in mine:
                            if d["fix"]:
                                # edit positions relative to the snippet without the future line
                                parts.append(show_fix(src, d["fix"], off))
                            else:
                                parts.append("(%s)" % d["message"].replace("|", "\\|"))
                        first_fix = "; ".join(dict.fromkeys(parts))
                for d in results[(key, targets[-1])]:
                    if d["code"] != rule:
                        others.add(d["code"])
                shown = code(snippet.replace(";;", "\n"))
                L.append(f"| {ci + 1} | {shown} | {'fut' if f else ''} | " + " | ".join(cells) +
                         f" | {first_fix or ''} | {', '.join(sorted(others))} | {note} |")
    marker = "\n<!-- hand-written below; thresholds.py keeps it -->\n"
    tail = ""
    if os.path.exists(args.out):
        old = open(args.out, encoding="utf-8").read()
        if marker in old:
            tail = old[old.index(marker) + len(marker):]
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n" + marker + tail)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
