#!/bin/sh
# issue12_repos.sh DEST: clones the public repositories the issue 12 accuracy
# measurement ran on (RM/DP against the ast oracle, TY against ruff), each at
# its pinned commit, into DEST/<owner>+<name>. Needs git and network access; nothing
# of theirs is committed here. Then, for example:
#   /usr/bin/python3 tests/oracle/compare.py --pyshift build/pyshift -j 2 \
#       --known tests/oracle/known.txt DEST/*
#   python3 bench/ruff/compare.py --pyshift build/pyshift --with-stubs \
#       --targets 3.10,3.12 $(for d in DEST/*; do printf ' --corpus %s=%s' "${d##*/}" "$d"; done)
set -eu
dest=${1:?usage: issue12_repos.sh DEST}
mkdir -p "$dest"
. "$(dirname "$0")/lib/fetch_pinned.sh"
# owner/name commit (date): why it is in the set
while read -r repo commit; do
  case $repo in '#'* | '') continue ;; esac
  dir="$dest/$(echo "$repo" | tr / +)"
  if [ -d "$dir/.git" ] && [ "$(git -C "$dir" rev-parse HEAD)" = "$commit" ]; then continue; fi
  rm -rf "$dir"
  fetch_pinned "$dir" "$repo" "$commit"
  echo "$repo $commit"
done <<'LIST'
# 2022, Python 2/3: unittest aliases, AWSMockServiceTestCase, imp
boto/boto 70c65b4f67af41ccfd40d21e49880be568997ba6
# 2016, Python 2/3: imp, unittest aliases, version branches
nose-devs/nose 7c26ad1e6b7d308cafa328ad34736d34028c122a
# 2025: asyncore/asynchat-era medusa code, version guards
Supervisor/supervisor abc60468ea4b78c446cf3a194f6fccb83d90f670
# 2026: GSTestCase subclasses, six-era compatibility code
GoogleCloudPlatform/gsutil cdd4555e0cc6c25e5f5faa8a9f4735826ef63e22
# 2025: ssl/crypto compatibility branches, unittest
paramiko/paramiko 8697158113a3eab25ed1d1d541ebe2cad10169a7
# 2025, typed: asyncio, TYPE_CHECKING
encode/httpx ae1b9f66238f75ced3ced5e4485408435de10768
# 2026, typed
pallets/flask 2ac89889f4cc330eabd50f295dcef02828522c69
# typed, for TY against ruff (issue 12 items 6, 8-12):
# 2026: Annotated[..., Query(description=...)] metadata everywhere (TY037)
fastapi/fastapi c3f316b7e814667e8ee81e03a7330d00ee61e45c
# 2026: Annotated[..., typer.Option("--force")], AnyStr (TY037, TY047)
fastapi/typer 9a7b2e83f6b62c750d6026b0de9ebf2026a8b8fa
# 2025: ParamSpec imported in both branches of a version test (TY047)
encode/starlette cb8f84f5284dc301ca7a31eb732b9e140769dd48
# 2026: typing_tests, quoted annotations (TY037)
python-attrs/attrs c1dc5dcba16ed827aa6dcad896b41a3afedb4e32
# 2026: heavily typed; TypeVars under TYPE_CHECKING, typing_extensions
# backports (TY035, TY047), typing.Counter as a dict key (TY006)
pydantic/pydantic 2151025aa51263f3016502b00010b78e4481eaa1
# 2026: stub files only (.pyi; compare.py --with-stubs)
python/typeshed 21dff5c0ca9a6cc18f70dac51b36e1f08e30be5d
# 2026: twisted/asyncio, datetime, warnings
scrapy/scrapy 11079cb1c85b9e75a39a7269943c69d1a975d485
LIST
