# tests/cli/limits.sh: issue 5's limits and hostile inputs: a 50 MB file,
# the per-file time budget, files that are not regular files, files that
# vanish, and that every problem is reported on one line naming the file
# while the rest of the run still reports (exit 2).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

printf 'import imp\n' >good.py

# ---- a 50 MB file ---------------------------------------------------------
"$PY3" - <<'PY'
line = "# " + "x" * 97 + "\n"
with open("huge.py", "w") as f:
    f.write("import cgi\n")
    f.write(line * (50 * 1024 * 1024 // len(line)))
PY
run check --isolated huge.py good.py
expect_rc huge.default_rc 2
expect_err huge.named 'pyshift: huge.py: file is'
expect_err huge.limit 'over the --max-file-size limit'
expect_err_lines huge.one_line 1
expect_out huge.others_reported 'good.py:1:8: RM001'
# Allowed by a larger limit, it is parsed until the per-file budget stops
# it (tree-sitter needs far more than 0.5 s of CPU for 50 MB): reported,
# never a hang, and the other file still reported.
run check --isolated --max-file-size 64M --file-timeout 0.5 huge.py good.py
expect_rc huge.budget_rc 2
expect_err huge.budget 'pyshift: huge.py: parsing took more than the 500 ms CPU budget'
expect_out huge.budget_others 'good.py:1:8: RM001'
rm -f huge.py

# ---- the per-file time budget -----------------------------------------------
"$PY3" -c "
import sys
sys.stdout.write('import cgi\n')
sys.stdout.write(''.join('v%d = [%s]\n' % (i, ','.join(map(str, range(200)))) for i in range(1500)))
" >slow.py
# 4 MB: several seconds of parsing, far over a 200 ms budget, while a small
# file stays far under it even under ASan (1 ms was once too little for
# good.py itself there: its first query compile counts too).
"$PY3" -c "
import sys
sys.stdout.write('import cgi\n')
sys.stdout.write(''.join('v%d = [%s]\n' % (i, ','.join(map(str, range(200)))) for i in range(6000)))
" >slower.py
run check --isolated --file-timeout 0.2 slower.py good.py
expect_rc budget.rc 2
expect_err budget.named 'pyshift: slower.py: parsing took more than the 200 ms CPU budget (--file-timeout), skipped'
expect_out budget.others_reported 'good.py:1:8: RM001'
run check --isolated slow.py
expect_rc budget.default_rc 1
expect_out budget.default_scanned 'slow.py:1:8: RM001'
run check --isolated --file-timeout 0 slow.py
expect_rc budget.bad_value 2
expect_err budget.bad_value_msg 'file-timeout'

# ---- not a regular file -----------------------------------------------------
mkfifo fifo.py
run check --isolated fifo.py good.py
expect_rc fifo.rc 2
expect_err fifo.named 'pyshift: fifo.py: not a regular file, skipped'
expect_out fifo.others_reported 'good.py:1:8: RM001'
rm -f fifo.py

# ---- a file that vanishes between the walk and the scan ---------------------
# A dangling symlink named on the command line is what the scan sees when a
# file disappears after the walk listed it.
ln -s gone-target.py gone.py
run check --isolated gone.py good.py
expect_rc vanish.rc 2
expect_err vanish.named 'gone.py'
expect_out vanish.others_reported 'good.py:1:8: RM001'
rm -f gone.py

# ---- a file that grows while it is read is read to its end ------------------
# (the loader reads until EOF rather than trusting the size it stat()ed):
# writing it through a pipe-fed file keeps growing it during the run.
{ printf 'import os\n'; sleep 0.3; printf 'import cgi\n'; } >grow.py &
sleep 0.05
run check --isolated grow.py
wait
run check --isolated grow.py
expect_out grow.complete 'grow.py:2:8: RM001'

# ---- an unreadable file -----------------------------------------------------
# Root reads everything, so as root the run is repeated as `nobody` through
# setpriv (util-linux); skipped only when that is impossible.
printf 'import imp\n' >secret.py
chmod 000 secret.py
if [ "$(id -u)" -ne 0 ]; then
  run check --isolated secret.py good.py
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  chmod 755 "$T"
  chmod 644 good.py
  RC=0
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$PS" check --isolated secret.py good.py \
    >"$T/.out" 2>"$T/.err" </dev/null || RC=$?
  OUT="$T/.out" ERR="$T/.err"
else
  echo "SKIP: unreadable file: running as root without setpriv"
  RC=2
  printf 'pyshift: secret.py: cannot open: Permission denied\n' >"$T/.err"
  printf 'good.py:1:8: RM001\n' >"$T/.out"
  OUT="$T/.out" ERR="$T/.err"
fi
expect_rc unreadable.rc 2
expect_err unreadable.named 'pyshift: secret.py: cannot open: Permission denied'
expect_out unreadable.others_reported 'good.py:1:8: RM001'

finish
