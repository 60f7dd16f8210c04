# cli.bad_input: inputs that cannot be scanned, or only partly. Each problem
# gets one stderr line naming the file, the rest of the run goes on (good.py
# with a finding is still reported) and the exit code is 2; inputs that are
# merely unusual (encodings, BOM, CRLF, tabs, syntax errors, deep nesting)
# scan normally.  Usage: bash bad_input.sh PYSHIFT SOURCE_DIR
. "$(dirname "$0")/lib.sh"

printf 'import imp\n' >good.py
GOOD='good.py:1:8: RM001 `imp` was removed in Python 3.12'

# bad_file NAME FILE: FILE is reported on one stderr line, good.py still is.
bad_file() {
  local name=$1 file=$2
  shift 2
  run check "$@" "$file" good.py
  expect_rc "$name.rc" 2
  expect_err_lines "$name.one_line" 1
  expect_err "$name.names_file" "pyshift: $file: "
  expect_out "$name.run_goes_on" "$GOOD"
}

# ---- a directory named x.py is walked ---------------------------------------
mkdir x.py
printf 'import imp\n' >x.py/inner.py
run check x.py good.py
expect_rc dir_named_py.rc 1
expect_err_empty dir_named_py.no_error
expect_out dir_named_py.inner 'x.py/inner.py:1:8: RM001'
expect_out dir_named_py.good "$GOOD"

# ---- invalid UTF-8 ----------------------------------------------------------
printf 'import imp\nx = "\xff\xfe"\nimport cgi\n' >badutf.py
bad_file invalid_utf8 badutf.py
expect_err invalid_utf8.position 'invalid UTF-8 at line 2 column 6'
expect_out invalid_utf8.before 'badutf.py:1:8: RM001'
expect_out invalid_utf8.after 'badutf.py:3:8: RM001 `cgi`'

# ---- NUL bytes --------------------------------------------------------------
printf 'import imp\0\nimport cgi\n' >nul.py
bad_file nul_bytes nul.py
expect_err nul_bytes.msg 'NUL'

# ---- coding cookies ---------------------------------------------------------
printf '# -*- coding: klingon -*-\nimport imp\n' >cookie.py
bad_file unknown_cookie cookie.py
expect_err unknown_cookie.msg 'klingon'

printf '# -*- coding: latin-1 -*-\ns = "\xe9\xe9"; import imp\n' >latin.py
run check latin.py good.py
expect_rc latin1.rc 1
expect_err_empty latin1.no_error
expect_out latin1.column 'latin.py:2:18: RM001'
printf '#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nimport cgi # \xe9\n' >latin2.py
run check latin2.py
expect_rc latin1_line2.rc 1
expect_out latin1_line2.found 'latin2.py:3:8: RM001'
# A cookie on line 2 after code on line 1 is not a cookie: the bytes are
# then invalid UTF-8.
printf 'import imp\n# coding: latin-1\n"\xe9"\n' >latin3.py
run check latin3.py
expect_rc late_cookie.rc 2
expect_err late_cookie.msg 'latin3.py: invalid UTF-8'

# ---- BOM, CRLF, tabs, multi-byte and astral characters ----------------------
printf '\xef\xbb\xbfimport imp\nimport cgi\n' >bom.py
run check bom.py
expect_rc bom.rc 1
expect_err_empty bom.no_error
expect_out bom.line1 'bom.py:1:8: RM001 `imp`'
expect_out bom.line2 'bom.py:2:8: RM001 `cgi`'
printf '\xef\xbb\xbf# -*- coding: latin-1 -*-\nimport imp\n' >bomcookie.py
run check bomcookie.py
expect_rc bom_with_cookie.rc 2
expect_err bom_with_cookie.msg 'bomcookie.py: '

printf 'import os\r\nif os:\r\n\timport imp\r\n' >crlf.py
run check --show-source crlf.py
expect_rc crlf.rc 1
expect_out crlf.position 'crlf.py:3:9: RM001'
if grep -q "$(printf '\r')" "$OUT"; then fail crlf.no_cr "a CR reached the output"; else ok; fi
expect_out crlf.source '3 |     import imp'

printf 'if x:\n\tif y:\n\t\timport imp\n' >tabs.py
run check tabs.py
expect_out tab.column 'tabs.py:3:10: RM001'

printf 's = "\xc3\xa9\xc3\xa9"; import imp\n' >mb.py
run check --format json mb.py
expect_rc multibyte.rc 1
"$PY3" -c '
import json, sys
d = json.load(open("'"$OUT"'"))
s = d[0]["range"]["start"]; e = d[0]["range"]["end"]
got = (s["line"], s["column"], s["column_utf16"], s["offset"], e["column"])
sys.exit(0 if got == (1, 18, 18, 19, 21) else "got %r" % (got,))' && ok || fail multibyte.json_position "line/column/column_utf16/offset/end"
run check mb.py
expect_out multibyte.text 'mb.py:1:18: RM001'

printf 's = "\xf0\x9f\x98\x80"; import imp\n' >emoji.py
run check emoji.py
expect_out astral.text_column 'emoji.py:1:17: RM001'
run check --format sarif emoji.py
"$PY3" -c '
import json, sys
d = json.load(open("'"$OUT"'"))["runs"][0]
r = d["results"][0]["locations"][0]["physicalLocation"]["region"]
assert d["columnKind"] == "utf16CodeUnits", d["columnKind"]
got = (r["startLine"], r["startColumn"], r["endColumn"])
sys.exit(0 if got == (1, 18, 21) else "got %r" % (got,))' && ok || fail astral.sarif_utf16 "SARIF region must count UTF-16 units"
cp "$OUT" emoji.sarif
run check --format json emoji.py
"$PY3" -c '
import json, sys
s = json.load(open("'"$OUT"'"))[0]["range"]["start"]
sys.exit(0 if (s["column"], s["column_utf16"], s["offset"]) == (17, 18, 19) else "got %r" % (s,))' && ok || fail astral.json "column 17, column_utf16 18, offset 19"

# ---- syntax errors are not tool errors --------------------------------------
printf 'import imp\ndef f(:\n    pass\nimport cgi\n' >syn.py
run check syn.py
expect_rc syntax_error.rc 1
expect_err_empty syntax_error.no_error
expect_out syntax_error.before 'syn.py:1:8: RM001'
expect_out syntax_error.after 'syn.py:4:8: RM001 `cgi`'

# ---- size limit -------------------------------------------------------------
{ head -c 5000 /dev/zero | tr '\0' '#'; printf '\nimport imp\n'; } >big.py
bad_file max_file_size big.py --max-file-size 1k
expect_err max_file_size.msg 'max-file-size'
run check --max-file-size 1M big.py
expect_rc max_file_size_ok.rc 1
run_stdin 'import imp\n# padding padding padding\n' check --max-file-size 10 --stdin-filename s.py
expect_rc max_file_size_stdin.rc 2
expect_err max_file_size_stdin.msg 'pyshift: s.py: '

# ---- deep nesting -----------------------------------------------------------
"$PY3" -c "print('import imp\nx = ' + '(' * 10000 + '1' + ')' * 10000)" >deep_expr.py
run check deep_expr.py
expect_rc deep_expr.rc 1
expect_out deep_expr.found 'deep_expr.py:1:8: RM001'
# 10,000 nested if-blocks. Indentation is a tab per 8 levels (tree-sitter and
# CPython count a tab as 8 columns) so the file stays under the 16 MiB cap.
"$PY3" - <<'EOF'
n = 10000
ind = lambda w: "\t" * (w // 8) + " " * (w % 8)
with open("deep_if.py", "w") as f:
    f.write("import imp\n")
    for i in range(n):
        f.write(ind(i) + "if x:\n")
    f.write(ind(n) + "import cgi\n")
EOF
run check deep_if.py
expect_rc deep_if.rc 1
expect_out deep_if.top 'deep_if.py:1:8: RM001 `imp`'
expect_out deep_if.innermost 'deep_if.py:10002:1258: RM001 `cgi`'

# ---- walk problems ----------------------------------------------------------
mkdir -p loop/a
ln -s .. loop/a/back
printf 'import imp\n' >loop/a/m.py
# A loop inside a tree is common (frontend/shared/shared -> ../shared): a
# warning, not an error of the scan, as in ruff and ripgrep (issue 12).
run check loop good.py
expect_rc symlink_loop.rc 1
expect_err symlink_loop.msg 'pyshift: warning: loop/a/back: symlink loop, not followed'
expect_err_lines symlink_loop.one_line 1
expect_out symlink_loop.inside 'loop/a/m.py:1:8: RM001'
expect_out symlink_loop.good "$GOOD"
run check --exit-zero loop
expect_rc symlink_loop.exit_zero 0
printf 'import os\n' >loop/a/m.py
run check loop
expect_rc symlink_loop.clean 0
run check --format sarif loop
expect_out symlink_loop.sarif_warning '"level": "warning"'
cp "$OUT" loop.sarif
# Both logs (UTF-16 columns, a notification): SARIF Multitool and schema.
validate_sarif sarif_valid emoji.sarif loop.sarif
printf 'import imp\n' >loop/a/m.py

bad_file missing_path missing.py
expect_err missing_path.msg 'no such file or directory'

if [ "$(id -u)" = 0 ]; then
  echo "SKIP: unreadable file and directory (running as root: chmod 000 does not block reads)"
else
  printf 'import imp\n' >unreadable.py
  chmod 000 unreadable.py
  bad_file unreadable_file unreadable.py
  mkdir -p closed && printf 'import imp\n' >closed/m.py && chmod 000 closed
  bad_file unreadable_dir closed
  chmod 755 closed
fi

# ---- outputs that cannot be written -----------------------------------------
run check --format sarif -o /nonexistent/dir/out.sarif good.py
expect_rc unwritable_output.rc 2
expect_err unwritable_output.msg 'pyshift: /nonexistent/dir/out.sarif: '
expect_err_lines unwritable_output.one_line 1
if [ -e /nonexistent/dir/out.sarif ]; then fail unwritable_output.no_file "the file exists"; else ok; fi
touch afile
run check --format sarif -o afile/out.sarif good.py
expect_rc output_under_file.rc 2
mkdir outdir
run check -o outdir good.py
expect_rc output_is_dir.rc 2
expect_err output_is_dir.msg 'pyshift: outdir: '
expect_eq output.no_partial_files "$(ls -a . outdir | grep -c '\.tmp\.')" 0
# One unwritable output does not stop the others.
run check --format sarif=/nonexistent/dir/a.sarif --format json=b.json --format text good.py
expect_rc one_output_fails.rc 2
expect_out one_output_fails.text "$GOOD"
if "$PY3" -c 'import json; assert len(json.load(open("b.json"))) == 1' 2>/dev/null; then ok; else
  fail one_output_fails.json "b.json should hold the finding"
fi

# ---- broken rule file -------------------------------------------------------
mkdir myrules
cat >myrules/XX001-bad-query.rule <<'EOF'
---
id: XX001
name: bad-query
severity: warning
status: stable
since: 0.1.0
message: "m"
---
```query
((global_stmt (identifier) @v))
```
## What it does
EOF
run check --rules myrules good.py
expect_rc broken_rule.rc 2
expect_err broken_rule.position 'myrules/XX001-bad-query.rule:10:3: '
expect_err broken_rule.source '((global_stmt (identifier) @v))'
if grep -qE '^ +\^+$' "$ERR"; then ok; else fail broken_rule.caret "no caret line"; fi
expect_err_lines broken_rule.three_lines 3
expect_out broken_rule.builtin_rules_run "$GOOD"
run check --rules myrules/XX001-bad-query.rule good.py
expect_rc broken_rule_file_arg.rc 2
expect_out broken_rule_file_arg.builtin_rules_run "$GOOD"
printf -- '---\nid: XX002\nname: bad-key\nbogus: 1\nseverity: warning\n---\n' >myrules/XX002-bad-key.rule
rm myrules/XX001-bad-query.rule
run check --rules myrules good.py
expect_rc broken_front_matter.rc 2
expect_err broken_front_matter.position 'myrules/XX002-bad-key.rule:4:1: '
expect_out broken_front_matter.builtin_rules_run "$GOOD"
run check --rules no-such-dir good.py
expect_rc missing_rules_dir.rc 2
expect_err missing_rules_dir.msg 'no-such-dir'

# ---- broken pyproject.toml --------------------------------------------------
mkdir proj
printf '[tool.pyshift]\nselect = ["RM"\ntarget-version = "3.14"\n' >proj/pyproject.toml
printf 'import imp\n' >proj/m.py
run check proj
expect_rc broken_pyproject.rc 2
expect_err broken_pyproject.position 'proj/pyproject.toml:3:1: '
# A configuration error stops the run before scanning (issue 13).
expect_eq broken_pyproject.nothing_scanned "$(cat "$OUT")" ""
run check --isolated proj
expect_rc broken_pyproject_isolated.rc 1
expect_err_empty broken_pyproject_isolated.no_error

# ---- SIGPIPE ----------------------------------------------------------------
mkdir bigtree
for i in $(seq 1 2000); do printf 'import imp\nimport cgi\n' >bigtree/f$i.py; done
for fmt in text github json sarif; do
  LAST_CMD="pyshift check --format $fmt bigtree | head -1"
  "$PS" check --format $fmt bigtree 2>"$ERR" | head -1 >"$OUT"
  RC=${PIPESTATUS[0]}
  sanitizer_check
  expect_err_empty "sigpipe[$fmt].quiet"
  expect_no_err "sigpipe[$fmt].no_broken_pipe" 'roken pipe'
  case $RC in 0 | 1) ok ;; *) fail "sigpipe[$fmt].rc" "exit $RC (want 0 or 1: quiet, no crash)" ;; esac
  expect_eq "sigpipe[$fmt].one_line" "$(wc -l <"$OUT")" 1
done

finish
