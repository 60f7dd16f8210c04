# cli.fix: `pyshift check --fix`, `--unsafe-fixes` and `--diff`, with the test
# rules of tests/fix/rules (XF001..XF007, see its README) instead of the
# built-in ones: in-place fixing and its summary, idempotence, diffs (checked
# against `diff -u` and `patch`), encodings, BOM and line endings kept,
# fixes that break the syntax, unsafe fixes, symlinks, mode bits, unwritable
# directories, files changed meanwhile, standard input, the pyproject keys
# and the exit codes.  Usage: bash fix.sh PYSHIFT SOURCE_DIR
. "$(dirname "$0")/lib.sh"

export PYSHIFT_RULES_DIR="$SRC/tests/fix/rules"

# fx ARGS...: pyshift check on the test rules only.
fx() { run check --isolated --select XF "$@"; }

# expect_bytes NAME FILE FORMAT: FILE holds exactly printf FORMAT (cmp).
expect_bytes() {
  printf "$3" >"$T/.want"
  if cmp -s "$2" "$T/.want"; then
    ok
  else
    fail "$1" "$2 differs from the expected bytes"
    echo "    got:";  od -c "$2" | sed -n '1,12p' | sed 's/^/      /'
    echo "    want:"; od -c "$T/.want" | sed -n '1,12p' | sed 's/^/      /'
  fi
}

# expect_same NAME FILE COPY: FILE is byte-identical to COPY.
expect_same() {
  if cmp -s "$2" "$3"; then ok; else fail "$1" "$2 changed"; fi
}

SRC_A='import typing\n\nx: typing.Text = "a"\ny: typing.List[typing.List[typing.Text]] = []\nif x == None:\n    pass\nimport os, sys\nT = typing.TypeVar("T")\n'
FIXED_A='import typing\n\nx: str = "a"\ny: list[list[str]] = []\nif x == None:\n    pass\nimport os\nimport sys\nT = typing.TypeVar("T")\n'
FIXED_A_UNSAFE='import typing\n\nx: str = "a"\ny: list[list[str]] = []\nif x is None:\n    pass\nimport os\nimport sys\nT = typing.TypeVar("T")\n'

# ---- reporting without --fix -------------------------------------------------
printf "$SRC_A" >a.py
cp a.py a.orig
fx a.py
expect_rc report.rc 1
expect_out report.fixable '5 fixable with --fix (1 hidden fix can be enabled with --unsafe-fixes).'
expect_same report.untouched a.py a.orig
fx --unsafe-fixes a.py
expect_out report.fixable_unsafe '6 fixable with --fix.'
expect_no_out report.no_hidden 'hidden'

# ---- in place, nested fixes over several rounds -----------------------------
fx --fix a.py
expect_rc fix.rc 1
expect_bytes fix.content a.py "$FIXED_A"
expect_out fix.summary 'Found 6 findings (5 fixed, 1 remaining).'
expect_out fix.remaining 'a.py:5:4: XF002 `x == None` compares by equality'
expect_out fix.hidden 'No fixes available (1 hidden fix can be enabled with --unsafe-fixes).'
expect_eq fix.remaining_only "$(finding_count)" 1
expect_err_empty fix.stderr

# Idempotent: nothing left to fix, the file stays byte for byte.
cp a.py a.fixed
fx --fix a.py
expect_rc again.rc 1
expect_same again.unchanged a.py a.fixed
expect_out again.summary 'Found 1 finding in 1 file.'

# Unsafe fixes only with --unsafe-fixes; then nothing remains: exit 0.
fx --fix --unsafe-fixes a.py
expect_rc unsafe.rc 0
expect_bytes unsafe.content a.py "$FIXED_A_UNSAFE"
expect_out unsafe.summary 'Found 1 finding (1 fixed, 0 remaining).'
cp a.py a.done
fx --fix --unsafe-fixes a.py
expect_rc unsafe_again.rc 0
expect_out unsafe_again.summary 'All checks passed!'
expect_same unsafe_again.unchanged a.py a.done

# Suppressed findings are not fixed.
printf 'import typing\nx: typing.Text  # noqa: XF001\ny: typing.Text\n' >sup.py
fx --fix sup.py
expect_rc suppressed.rc 0
expect_bytes suppressed.content sup.py 'import typing\nx: typing.Text  # noqa: XF001\ny: str\n'

# --exit-zero and JSON describe what remains, in the fixed text.
printf "$SRC_A" >j.py
fx --fix --format json j.py
expect_rc json.rc 1
expect_eq json.count "$(grep -c '"rule":' "$OUT")" 1
expect_out json.rule '"rule": "XF002"'
expect_out json.line '"line": 5'
expect_out json.unsafe '"applicability": "unsafe"'
printf "$SRC_A" >z.py
fx --fix --exit-zero z.py
expect_rc exit_zero.rc 0

# ---- --diff ------------------------------------------------------------------
printf "$SRC_A" >d.py
cp d.py d.orig
fx --diff d.py
expect_rc diff.rc 1
expect_same diff.untouched d.py d.orig
expect_err diff.summary 'Would fix 5 findings (1 hidden fix can be enabled with --unsafe-fixes).'
expect_no_out diff.no_findings 'XF002'
cat >"$T/.want" <<'EOF'
--- d.py
+++ d.py
@@ -1,8 +1,9 @@
 import typing
 
-x: typing.Text = "a"
-y: typing.List[typing.List[typing.Text]] = []
+x: str = "a"
+y: list[list[str]] = []
 if x == None:
     pass
-import os, sys
+import os
+import sys
 T = typing.TypeVar("T")
EOF
if cmp -s "$OUT" "$T/.want"; then ok; else fail diff.exact "diff output differs:"; diff "$T/.want" "$OUT" | sed 's/^/    /'; fi
# The hunks are what `diff -u` prints between the file and its --fix result,
# and `patch` applies them.
cp "$OUT" "$T/.ourdiff"
cp d.py d2.py
fx --fix d2.py
diff -u d.py d2.py | tail -n +3 >"$T/.gnu"
tail -n +3 "$T/.ourdiff" >"$T/.ours"
if cmp -s "$T/.gnu" "$T/.ours"; then ok; else fail diff.gnu "hunks differ from diff -u"; diff "$T/.gnu" "$T/.ours" | sed 's/^/    /'; fi
cp d.py p.py
sed 's/^\([-+][-+][-+]\) d\.py$/\1 p.py/' "$T/.ourdiff" >"$T/.patch"
if patch -s p.py <"$T/.patch" >/dev/null 2>&1 && cmp -s p.py d2.py; then ok; else fail diff.patch "patch does not give the --fix result"; fi

fx --diff --fix d.py
expect_rc diff_wins.rc 1
expect_same diff_wins.untouched d.py d.orig
expect_out diff_wins.diff '+x: str = "a"'
fx --diff --unsafe-fixes d.py
expect_out diff_unsafe.line '+if x is None:'
expect_err diff_unsafe.summary 'Would fix 6 findings.'

printf 'import os\n' >clean.py
fx --diff clean.py
expect_rc diff_clean.rc 0
expect_eq diff_clean.stdout "$(cat "$OUT")" ""
expect_err diff_clean.summary 'No findings would be fixed.'
printf 'if y == None:\n    pass\n' >only_unsafe.py
fx --diff only_unsafe.py
expect_rc diff_only_unsafe.rc 0
expect_err diff_only_unsafe.summary 'No findings would be fixed (1 hidden fix can be enabled with --unsafe-fixes).'

fx --diff --format json d.py
expect_rc diff_json.rc 2
expect_err diff_json.msg 'cannot be combined with --format or -o'
fx --diff -o out.txt d.py
expect_rc diff_output.rc 2

# ---- encodings, BOM, line endings ---------------------------------------------
printf '# -*- coding: latin-1 -*-\ns: typing.Text = "caf\xe9"\n' >lat.py
fx --fix lat.py
expect_rc latin1.rc 0
expect_bytes latin1.content lat.py '# -*- coding: latin-1 -*-\ns: str = "caf\xe9"\n'

printf '# coding: latin-1\nimport typing\nprice = EURO\nx: typing.Text = "\xe9"\n' >euro.py
cp euro.py euro.orig
fx --fix euro.py
expect_rc latin1_unencodable.rc 2
expect_same latin1_unencodable.untouched euro.py euro.orig
expect_err latin1_unencodable.msg 'pyshift: euro.py: fixes were not applied: the fix for XF006 at line 3: U+20AC cannot be encoded as latin-1; file left unchanged'
expect_out latin1_unencodable.original_findings 'euro.py:4:4: XF001'

printf '\xef\xbb\xbfimport os\r\nx: typing.Text\r\n' >bom.py
fx --fix bom.py
expect_bytes bom.content bom.py '\xef\xbb\xbfimport os\r\nx: str\r\n'

printf 'import json, os\r\nx: typing.Text = 1\r\n' >crlf.py
fx --fix crlf.py
expect_rc crlf.rc 0
expect_bytes crlf.content crlf.py 'import json\r\nimport os\r\nx: str = 1\r\n'
printf 'import json, os\ny: typing.Text\n' >lf.py
fx --fix lf.py
expect_bytes lf.content lf.py 'import json\nimport os\ny: str\n'

# Imports that the fixes leave unused go too (the engine's cleanup after the
# rounds), and the file's line endings stay.
printf 'import typing\r\nimport os\r\nx: typing.Text = os.sep\r\n' >unused.py
fx --fix unused.py
expect_rc unused_import.rc 0
expect_bytes unused_import.content unused.py 'import os\r\nx: str = os.sep\r\n'

# A file whose UTF-8 had to be repaired is never rewritten.
printf 'import typing\nx: typing.Text = "\xff"\n' >bad_utf8.py
cp bad_utf8.py bad_utf8.orig
fx --fix bad_utf8.py
expect_rc bad_utf8.rc 2
expect_same bad_utf8.untouched bad_utf8.py bad_utf8.orig
expect_err bad_utf8.msg 'pyshift: bad_utf8.py: not fixed: the file is not valid in its encoding'

# ---- fixes that break the syntax ----------------------------------------------
mkdir -p mixed
printf 'import typing\nbreakpoint()\nx: typing.Text\n' >mixed/broken.py
printf 'x: typing.Text\n' >mixed/good.py
cp mixed/broken.py broken.orig
fx --fix mixed
expect_rc broken.rc 2
expect_same broken.untouched mixed/broken.py broken.orig
expect_err broken.msg 'pyshift: mixed/broken.py: fixes would introduce a syntax error; file left unchanged (from XF003 at line 2'
expect_out broken.original_findings 'mixed/broken.py:2:1: XF003'
expect_out broken.original_findings2 'mixed/broken.py:3:4: XF001'
expect_bytes broken.others_fixed mixed/good.py 'x: str\n'
expect_out broken.summary 'Found 3 findings (1 fixed, 2 remaining).'
# A file that had syntax errors already may be fixed, as long as it gets no more.
printf 'x: typing.Text\ndef f(:\n' >was_broken.py
fx --fix was_broken.py
expect_bytes was_broken.fixed was_broken.py 'x: str\ndef f(:\n'

# ---- a fix that never settles ---------------------------------------------------
printf 'z = (grow)\n' >grow.py
fx --fix grow.py
expect_rc grow.rc 2
expect_err grow.msg 'pyshift: grow.py: fixes did not settle after 10 rounds'
expect_bytes grow.content grow.py 'z = (((((((((((grow)))))))))))\n'

# ---- files on disk: symlinks, modes, permissions ----------------------------------
mkdir -p real
printf 'x: typing.Text\n' >real/target.py
ln -s real/target.py link.py
fx --fix link.py
expect_rc symlink.rc 0
if [ -L link.py ] && [ "$(readlink link.py)" = real/target.py ]; then ok; else fail symlink.still_a_link "link.py is no longer the same symlink"; fi
expect_bytes symlink.target real/target.py 'x: str\n'
# The link and its target in one run: the second write finds the file
# already fixed, which is no error.
printf 'x: typing.Text\n' >real/target.py
fx --fix link.py real/target.py
expect_rc symlink_twice.rc 0
expect_err_empty symlink_twice.stderr
expect_bytes symlink_twice.target real/target.py 'x: str\n'

printf 'x: typing.Text\n' >mode.py
chmod 751 mode.py
fx --fix mode.py
expect_eq mode.kept "$(stat -c %a mode.py)" 751
expect_bytes mode.content mode.py 'x: str\n'
expect_eq mode.no_temp_left "$(ls -a | grep -c pyshift-)" 0

# An unwritable directory: an error naming the file, the file as it was, the
# others fixed. Root writes anywhere, so as root this runs as nobody.
mkdir -p ro rw
printf 'x: typing.Text\n' >ro/locked.py
printf 'x: typing.Text\n' >rw/open.py
cp ro/locked.py locked.orig
if [ "$(id -u)" -ne 0 ]; then
  chmod 555 ro
  fx --fix ro rw
  chmod 755 ro
  skip_ro=no
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  chmod 755 "$T"
  chmod 555 ro
  chmod 777 rw
  chmod 666 rw/open.py ro/locked.py # the file writable, its directory not
  LAST_CMD="(as nobody) pyshift check --isolated --select XF --fix ro rw"
  RC=0
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$PS" check --isolated --select XF --fix ro rw \
    >"$OUT" 2>"$ERR" </dev/null || RC=$?
  sanitizer_check
  chmod 755 ro
  skip_ro=no
else
  echo "SKIP: unwritable directory: running as root without setpriv"
  skip_ro=yes
fi
if [ "$skip_ro" = no ]; then
  expect_rc unwritable.rc 2
  expect_err unwritable.msg 'pyshift: ro/locked.py: cannot write the fixed file: cannot create a temporary file in'
  expect_err unwritable.reason 'Permission denied'
  expect_same unwritable.untouched ro/locked.py locked.orig
  expect_out unwritable.original_reported 'ro/locked.py:1:4: XF001'
  expect_bytes unwritable.others_fixed rw/open.py 'x: str\n'
  expect_out unwritable.summary 'Found 2 findings (1 fixed, 1 remaining).'
fi

# A closed standard output stops the report, not the fixing.
mkdir -p many
for i in $(seq 1 300); do printf 'x: typing.Text\nif x == None:\n    pass\n' >many/m$i.py; done
LAST_CMD="pyshift check --isolated --select XF --fix many | head -1"
"$PS" check --isolated --select XF --fix -j 2 many 2>"$ERR" | head -1 >/dev/null
RC=${PIPESTATUS[0]}
sanitizer_check
expect_rc broken_pipe.rc 1
expect_eq broken_pipe.all_fixed "$(cat many/*.py | grep -c '^x: str$')" 300
expect_err_empty broken_pipe.stderr

# ---- standard input -------------------------------------------------------------
run_stdin "$SRC_A" check --isolated --select XF --fix --stdin-filename in.py
expect_rc stdin.rc 1
printf "$FIXED_A" >"$T/.want"
if cmp -s "$OUT" "$T/.want"; then ok; else fail stdin.source "stdout is not the fixed source"; fi
expect_err stdin.report 'in.py:5:4: XF002'
expect_err stdin.summary 'Found 6 findings (5 fixed, 1 remaining).'
expect_eq stdin.no_file "$(ls in.py 2>/dev/null)" ""
run_stdin 'import os\n' check --isolated --select XF --fix --stdin-filename in.py
expect_rc stdin_clean.rc 0
expect_eq stdin_clean.echo "$(cat "$OUT")" "import os"
run_stdin 'import typing\nbreakpoint()\n' check --isolated --select XF --fix -
expect_rc stdin_broken.rc 2
expect_eq stdin_broken.echo "$(cat "$OUT")" "$(printf 'import typing\nbreakpoint()')"
run_stdin "$SRC_A" check --isolated --select XF --diff --stdin-filename in.py
expect_rc stdin_diff.rc 1
expect_out stdin_diff.header '--- in.py'
expect_out stdin_diff.hunk '+x: str = "a"'
expect_err stdin_diff.summary 'Would fix 5 findings'

# ---- configuration ----------------------------------------------------------------
mkdir -p proj
printf '[tool.pyshift]\nselect = ["XF"]\nfix = true\n' >proj/pyproject.toml
printf "$SRC_A" >proj/m.py
run check proj
expect_rc config_fix.rc 1
expect_bytes config_fix.content proj/m.py "$FIXED_A"
printf "$SRC_A" >proj/m.py
run check --no-fix proj
expect_rc config_no_fix.rc 1
expect_out config_no_fix.report 'proj/m.py:3:4: XF001'
printf '[tool.pyshift]\nselect = ["XF"]\nfix = true\nunsafe-fixes = true\n' >proj/pyproject.toml
run check proj
expect_rc config_unsafe.rc 0
expect_bytes config_unsafe.content proj/m.py "$FIXED_A_UNSAFE"
printf '[tool.pyshift]\nfix = "yes"\n' >proj/pyproject.toml
run check proj
expect_rc config_bad.rc 2
expect_err config_bad.msg '`fix` must be a boolean, not a string'
printf '[tool.pyshift]\nunsafe_fixes = true\n' >proj/pyproject.toml
run check proj
expect_rc config_typo.rc 2
expect_err config_typo.msg 'did you mean `unsafe-fixes`?'

# ---- a rule file with a bad fix key is rejected, pointing into it ------------------
mkdir -p badrules
printf -- '---\nid: XF099\nname: bad-fix\nseverity: hint\nmessage: m\nfix: "{nope}"\n---\n```query\n(identifier) @report\n```\n' \
  >badrules/XF099-bad-fix.rule
fx --rules badrules clean.py
expect_rc bad_rule.rc 2
expect_err bad_rule.msg 'XF099-bad-fix.rule:6:7: `fix` uses {nope}, which is not a capture of the query'

finish
