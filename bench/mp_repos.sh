#!/bin/sh
# mp_repos.sh: the MP rules on public projects that use multiprocessing
# (issue 11), each fetched with git at a pinned commit into WORKDIR (their
# code is never committed here).
#
#   bench/mp_repos.sh PYSHIFT WORKDIR
#
# Prints every MP finding. Needs network access to github.com.
set -u
ps=${1:?usage: mp_repos.sh PYSHIFT WORKDIR}
work=${2:?usage: mp_repos.sh PYSHIFT WORKDIR}
mkdir -p "$work" || exit 2
. "$(dirname "$0")/lib/fetch_pinned.sh"
# owner/name commit
repos="ungoogled-software/ungoogled-chromium 4087f48e6d66e55486fe7c3a634303559634ba3f
cs50/check50 f6aa5de4164fd427a46aa28f7754a84b8be9a609
ZivaVatra/flac2all 2d5a78582f96390e7c76f0cdccdb91c64a9a7059
lanjelot/patator 964e87c4932fc20f3d0c3226a8e409eae527e831
elesiuta/picosnitch 5e7bccf1202dfd95b8f6cd02336f235c4fcfb35f
motioneye-project/motioneye 505e250f09921056d2f355e33cbabb9bc2d2117f"
echo "$repos" | while read -r repo commit; do
  dir=$work/$(echo "$repo" | tr / +)
  fetch_pinned "$dir" "$repo" "$commit" || exit 2
done || exit $?
"$ps" check --preview --isolated --select MP "$work"
rc=$?
[ $rc -le 1 ] || exit $rc
exit 0
