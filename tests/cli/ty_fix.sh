#!/usr/bin/env bash
# tests/cli/ty_fix.sh: the TY pack's fixes end to end, on the TY fixtures and
# the sample tree: --fix rewrites, the result compiles (Python 3.11 for
# min-python <= 3.11), a second --fix changes nothing and finds nothing
# fixable, --diff matches what --fix does, imports are added and dropped,
# and the findings without fixes are still reported.
. "$(dirname "$0")/lib.sh"

fixable_count() { # JSON on stdin -> number of findings with an applicable fix
  "$PY3" -c 'import json,sys; d=json.load(sys.stdin); u=sys.argv[1]=="1"
print(sum(1 for f in d if f["fix"] and (u or f["fix"]["applicability"]=="safe")))' "$1"
}

for v in 3.9 3.10 3.12 3.14; do
  rm -rf "w$v" && mkdir "w$v" && cp "$SRC"/fixtures/typing/*.py "w$v"/ && cp -r "$SRC"/fixtures/sample "w$v"/
  cp -r "w$v" "orig$v"
  # --diff first: it must not write, and must show what --fix then does.
  run check --isolated --select TY --min-python "$v" --diff "w$v"
  expect_rc "diff $v exits 1 (something to fix)" 1
  cp "$OUT" "diff$v.txt"
  if diff -r "orig$v" "w$v" >/dev/null; then ok "diff $v writes nothing"; else fail "diff $v writes nothing" "tree changed"; fi
  run check --isolated --select TY --min-python "$v" --fix "w$v"
  case $RC in 0|1) ok "fix $v runs";; *) fail "fix $v runs" "rc $RC: $(head -3 "$ERR")";; esac
  expect_out "fix $v summary" "fixed"
  # The diff printed before equals the change made (as a patch).
  rm -rf "p$v" && cp -r "orig$v" "p$v"
  if (cd "p$v" && sed "s#$T/w$v/##; s#w$v/##" "../diff$v.txt" | patch -s -p0 >/dev/null 2>&1) && diff -r "p$v" "w$v" >/dev/null; then
    ok "diff $v applies to the same result as fix"
  else
    fail "diff $v applies to the same result as fix" "$(diff -r "p$v" "w$v" | head -5)"
  fi
  if diff -rq "orig$v" "w$v" >/dev/null; then fail "fix $v changes files" "nothing changed"; else ok "fix $v changes files"; fi
  # Idempotent: nothing left to fix safely, a second run changes nothing.
  cp -r "w$v" "again$v"
  run check --isolated --select TY --min-python "$v" --format json "w$v"
  expect_eq "fix $v leaves no safe fix" "$(fixable_count 0 < "$OUT")" 0
  run check --isolated --select TY --min-python "$v" --fix "w$v"
  if diff -r "again$v" "w$v" >/dev/null; then ok "second fix $v changes nothing"; else fail "second fix $v changes nothing" "$(diff -r "again$v" "w$v" | head -5)"; fi
  # Compiles (type statements need 3.12: only checked where 3.11 suffices).
  if [ "$v" = 3.9 ] || [ "$v" = 3.10 ]; then
    bad=0
    compiles() { "$PY3" -c 'import ast,sys; ast.parse(open(sys.argv[1],encoding="utf-8").read())' "$1" 2>/dev/null; }
    n=0
    for f in $(diff -rq "orig$v" "w$v" | awk '/differ$/{print $4}'); do
      # A fixture already written in 3.12 syntax is not held against the fix.
      compiles "orig$v/${f#w$v/}" || continue
      n=$((n + 1))
      compiles "$f" || { bad=1; echo "  does not compile: $f"; }
    done
    [ "$n" -gt 3 ] || { bad=1; echo "  only $n fixed files checked"; }
    expect_eq "fixed files compile ($v)" "$bad" 0
  fi
done

# Imports: added for collections classes, dropped once unused.
cat > imp.py <<'PY'
from typing import Deque, List, Optional


def f(q: Deque[int], xs: List[int]) -> Optional[int]:
    return None
PY
run check --isolated --select TY --min-python 3.10 --fix imp.py
expect_rc "imports fix exit" 0
expect_eq "imports: collections added, typing dropped" "$(cat imp.py)" "from collections import deque


def f(q: deque[int], xs: list[int]) -> int | None:
    return None"

# Unsafe fixes only with --unsafe-fixes.
cat > gen.py <<'PY'
from typing import Generic, TypeVar

T = TypeVar("T")


class Box(Generic[T]):
    pass
PY
cp gen.py gen.orig
run check --isolated --select TY046 --min-python 3.12 --fix gen.py
expect_rc "unsafe fix not applied by --fix" 1
if cmp -s gen.py gen.orig; then ok "unsafe fix leaves the file"; else fail "unsafe fix leaves the file" "changed"; fi
expect_out "hidden unsafe fixes named" "--unsafe-fixes"
run check --isolated --select TY046 --min-python 3.12 --fix --unsafe-fixes gen.py
if grep -q "^class Box\[T\]:" gen.py && ! grep -q "Generic" gen.py; then ok "unsafe fix applied"; else fail "unsafe fix applied" "$(cat gen.py)"; fi

finish
