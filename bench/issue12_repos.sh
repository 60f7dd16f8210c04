#!/bin/sh
# issue12_repos.sh DEST: clones the public repositories the issue 12 accuracy
# measurement ran on (RM/DP against the ast oracle), each at its pinned
# commit, into DEST/<owner>+<name>. Needs git and network access; nothing
# of theirs is committed here. Then, for example:
#   /usr/bin/python3 tests/oracle/compare.py --pyshift build/pyshift -j 2 \
#       --known tests/oracle/known.txt DEST/*
set -eu
dest=${1:?usage: issue12_repos.sh DEST}
mkdir -p "$dest"
# owner/name commit (date): why it is in the set
while read -r repo commit; do
  case $repo in '#'* | '') continue ;; esac
  dir="$dest/$(echo "$repo" | tr / +)"
  if [ -d "$dir/.git" ] && [ "$(git -C "$dir" rev-parse HEAD)" = "$commit" ]; then continue; fi
  rm -rf "$dir"
  git init -q "$dir"
  git -C "$dir" fetch -q --depth 1 "https://github.com/$repo.git" "$commit"
  git -C "$dir" checkout -q FETCH_HEAD
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
# 2026: twisted/asyncio, datetime, warnings
scrapy/scrapy 11079cb1c85b9e75a39a7269943c69d1a975d485
LIST
