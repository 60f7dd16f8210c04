# Real pre-commit (Debian's package, offline) against this checkout's
# .pre-commit-hooks.yaml, with `pre-commit try-repo`:
#   - the first run builds the hook's own pyshift (tools/pre-commit-hook,
#     no $PYSHIFT) into $PS_HOOK_CACHE, as a user's first commit would;
#   - `pyshift` fails on a staged file with a removed import and prints
#     `path:line:col: ID message`, passes on a clean staged file;
#   - `pyshift-fix` rewrites a fixable staged file (pre-commit then fails
#     the hook because files changed) and a rerun passes;
#   - with $PYSHIFT set, the binary under test is run instead.
# bash precommit.sh PYSHIFT SOURCE_DIR (needs pre-commit and git).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "FAIL: pre-commit is not installed (.ci/install-deps installs Debian's pre-commit)"
  exit 1
fi
export PRE_COMMIT_HOME="$T/pc-home" XDG_CACHE_HOME="${PS_HOOK_CACHE:-$T/cache}"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
unset PYSHIFT

# try-repo NAME HOOK: runs the hook on the staged files of ./repo; sets RC,
# leaves the output in $OUT.
try_repo() {
  LAST_CMD="pre-commit try-repo $SRC $2"
  (cd repo && pre-commit try-repo "$SRC" "$2" --verbose) >"$OUT" 2>&1
  RC=$?
  cp "$OUT" "$ERR"
}

expect_out_re() {
  if grep -qE -- "$2" "$OUT"; then ok; else fail "$1" "stdout has no line matching: $2"; fi
}

git init -q repo && git -C repo config commit.gpgsign false
printf 'import os\n' >repo/clean.py
git -C repo add clean.py

# A clean staged file passes (and the first run builds the hook's pyshift).
try_repo clean pyshift
expect_rc clean_passes 0
expect_out_re clean_passed '^pyshift\.+Passed$'

# A staged removed import fails the hook, in pyshift's usual format.
printf 'import os\nimport imp\n' >repo/bad.py
git -C repo add bad.py
try_repo bad pyshift
expect_rc removed_import_fails 1
expect_out finding_line 'bad.py:2:8: RM001 `imp` was removed in Python 3.12'
expect_out_re hook_failed '^pyshift\.+Failed$'
git -C repo rm -q --cached bad.py && rm repo/bad.py

# pyshift-fix rewrites a fixable file; pre-commit fails because it changed
# it, and the next run passes.
printf 'from typing import List\n\nx: List[int] = []\n' >repo/typed.py
git -C repo add typed.py
try_repo fix pyshift-fix
expect_rc fix_modifies 1
expect_out files_modified 'files were modified by this hook'
expect_eq fixed_content "$(cat repo/typed.py)" "$(printf '\nx: list[int] = []')"
git -C repo add typed.py
try_repo fix_again pyshift-fix
expect_rc fixed_passes 0

# $PYSHIFT names the binary to run.
printf 'import cgi\n' >repo/web.py
git -C repo add web.py
PYSHIFT=$PS try_repo env pyshift
export -n PYSHIFT
expect_rc env_binary_fails 1
expect_out env_finding 'web.py:1:8: RM001'
finish
