# Regression cases for bugs the CLI tests found, one case each:
# bash regressions.sh PYSHIFT SOURCE_DIR CASE. Each case asserts the correct
# behaviour; open (still failing) cases are listed in known_bugs.txt.
CASE=${3:-}
set -- "${1:-}" "${2:-}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

printf 'import imp\n' >good.py

case $CASE in
nothing_to_check_warns)
  # A selector the target excludes and a path with no Python file printed
  # only "All checks passed!" (issue 13). (A known family with no rule yet,
  # `--select MP` before the MP rules, got the same warning; every family
  # has rules now.)
  run check --select RM006 --target-version 3.14 good.py
  expect_err target_warning "pyshift: warning: --select RM006 enables no rule for this run's target and minimum Python versions"
  run check --select RM001 --extend-select RM006 --target-version 3.14 good.py
  expect_rc extend_rc 1
  expect_err extend_warning 'pyshift: warning: --extend-select RM006 enables no rule'
  mkdir -p nopy && printf 'x\n' >nopy/readme.txt
  run check nopy
  expect_rc no_files_rc 0
  expect_err no_files 'pyshift: warning: no Python files found under the given paths'
  run check good.py
  expect_err_empty quiet_when_fine
  # Preview rules without --preview: say so, not "the target" (a copy of
  # RM001 marked preview, loaded with --rules: no shipped rule is preview).
  mkdir -p pv && sed -e 's/^id: RM001/id: XP001/' -e 's/^status: stable/status: preview/' \
    "$SRC/rules/removed/RM001-removed-module-import.rule" >pv/XP001-removed-module-import.rule
  grep -q '^status: preview' pv/XP001-removed-module-import.rule || { echo "FAIL: preview rule copy"; exit 1; }
  run check --isolated --rules pv --select XP --target-version 3.14 good.py
  expect_rc preview_rc 0
  expect_err preview_warning 'pyshift: warning: --select XP enables no rule (its rules are preview rules: add --preview)'
  run check --isolated --rules pv --select XP --preview --target-version 3.14 good.py
  expect_rc preview_on_rc 1
  expect_err_empty preview_on_quiet
  ;;
config_from_first_path)
  # The pyproject.toml was looked for from the first argument not starting
  # with '-', which could be an option's value: `--rules DIR file.py` read
  # DIR's config (or none), so per-file-ignores and select silently did
  # not apply. It is found from the first path to check.
  mkdir -p proj elsewhere
  printf '[tool.pyshift]\nper-file-ignores = {"m.py" = ["RM"]}\n' >proj/pyproject.toml
  printf 'import imp\n' >proj/m.py
  cd proj
  run check --rules ../elsewhere m.py
  expect_rc rules_value_rc 0
  run check --select RM001 --target-version 3.14 m.py
  expect_rc select_value_rc 0
  run check --rules ../elsewhere -- m.py
  expect_rc after_dashes_rc 0
  cd ..
  run check --rules elsewhere proj/m.py
  expect_rc from_subdir_rc 0
  ;;
noqa_ruff_codes)
  # Issue 12 item 7: ruff's UPnnn in `# noqa` and `# ruff: noqa` is TYnnn
  # (a project that silenced ruff's rule does not want pyshift's mirror of
  # it), and a blanket noqa (written for another linter) never hides a
  # removal. Before: UP006 was an unknown code, `# ruff: noqa` nothing, and
  # a bare `# noqa` hid RM001.
  printf 'import typing\nx: typing.List[int] = []  # noqa: UP006\ny: typing.Optional[int] = None  # noqa\nimport imp  # noqa\n' >up.py
  printf '# ruff: noqa: UP035\nfrom typing import Callable\nimport typing\nz: typing.List[int] = []\n' >file_up.py
  printf '# flake8: noqa\nimport typing\nz: typing.List[int] = []\nimport cgi\n' >file_all.py
  run check -q --min-python 3.10 up.py file_up.py file_all.py
  expect_rc rc 1
  expect_no_out up006_mapped 'up.py:2:4: TY006'
  expect_no_out blanket_covers_ty 'up.py:3:4: TY045'
  expect_out blanket_keeps_removal 'up.py:4:8: RM001'
  expect_no_out file_up035 'file_up.py:2:1: TY035'
  expect_out file_up035_only 'file_up.py:4:4: TY006'
  expect_no_out file_blanket_ty 'file_all.py:3:4: TY006'
  expect_out file_blanket_keeps_removal 'file_all.py:4:8: RM001'
  ;;
unused_import_prose)
  # Issue 12 item 13: the cleanup after --fix kept any import whose name
  # appeared in a comment or docstring (one unused `from typing import
  # List` per fixed file on typed code). Only real references count: names
  # in code, in type-expression strings and in __all__.
  printf '"""Returns a List of names."""\nfrom typing import List, Dict\n\n\ndef f(x: List[int]) -> Dict[str, int]:  # a List\n    """The List."""\n    return {}\n' >prose.py
  printf 'from typing import List\n\n__all__ = ["List"]\nx: List[int] = []\n' >reexport.py
  printf 'from typing import List\nx: List[int] = []\ny: "List[str]" = []\n' >quoted.py
  run check --fix --min-python 3.9 prose.py reexport.py quoted.py
  expect_rc rc 1
  expect_out only_reexport_left 'Found 6 findings (5 fixed, 1 remaining).'
  expect_out reexport_left 'reexport.py:1:1: TY035'
  expect_eq quoted_fixed "$(cat quoted.py)" "$(printf 'x: list[int] = []\ny: "list[str]" = []')"
  expect_eq prose_dropped "$(cat prose.py)" "$(printf '"""Returns a List of names."""\n\n\ndef f(x: list[int]) -> dict[str, int]:  # a List\n    """The List."""\n    return {}')"
  expect_eq all_keeps "$(head -1 reexport.py)" "from typing import List"
  ;;
lone_cr_line_numbers)
  # Python (and tree-sitter) end a line at a lone CR; positions must agree.
  # Today: cr.py:1:18.
  printf 'import os\rimport imp\r' >cr.py
  run check cr.py
  expect_rc rc 1
  expect_out position 'cr.py:2:8: RM001'
  ;;
noqa_uppercase)
  # suppress.c accepts "noqa" in any case (as flake8 and ruff do), but the
  # engine only hands it comments that contain lower-case "noqa".
  printf 'import typing\nx: typing.List[int]  # NOQA\nimport cgi  # NoQA: RM001\n' >upper.py
  run check --min-python 3.9 upper.py
  expect_rc rc 0
  expect_no_out not_reported 'RM001'
  ;;
fingerprint_raw_bytes)
  # docs/output-formats.md: the fingerprint is codeql-action's, computed on
  # the file as Node decodes it (BOM kept, invalid sequences -> U+FFFD).
  # pyshift hashes its decoded text (BOM stripped, latin-1 converted, each
  # invalid byte replaced), so these files get different hashes.
  printf 'import os\nimport imp\n\timport cgi\n' >plain.py
  printf '\xef\xbb\xbfimport imp\nx = 1\n' >bom.py
  printf '# -*- coding: latin-1 -*-\nimport imp  # \xe9\n' >latin.py
  printf 'import imp  # \xe2\x82\n' >invalid.py
  run check --format sarif plain.py bom.py latin.py invalid.py
  cp "$OUT" out.sarif
  LAST_CMD="codeql_fingerprint.py out.sarif"
  if "$PY3" "$HERE/codeql_fingerprint.py" out.sarif >"$OUT" 2>"$ERR"; then ok; else
    RC=1
    fail fingerprints "primaryLocationLineHash differs from codeql-action's"
  fi
  cat "$OUT"
  ;;
stdin_drops_paths)
  # With stdin selected, other paths are dropped without a word.
  # Want: they are scanned too, or at least named in a warning/usage error.
  run_stdin 'import imp\n' check - good.py
  if grep -qF 'good.py' "$OUT" "$ERR"; then ok; else fail dash "good.py neither scanned nor mentioned"; fi
  run_stdin 'import imp\n' check --stdin-filename x.py good.py
  if grep -qF 'good.py' "$OUT" "$ERR"; then ok; else fail stdin_filename "good.py neither scanned nor mentioned"; fi
  ;;
usage_error_printed_twice)
  # args.c: the --config/--isolated prescan calls match_opt(), which prints
  # the error; the full pass then prints it again.
  run check --no-such-option good.py
  expect_rc rc 2
  expect_eq once "$(grep -c 'unknown option' "$ERR")" 1
  run check good.py --select
  expect_eq needs_value_once "$(grep -c 'needs a value' "$ERR")" 1
  ;;
# ---- issue 14, reliability II (items 4, 7, 9, 11, 12, 17) --------------------
# Each case runs pyshift under `timeout` (tps): the bugs were hangs.
r13_01_config_error_stops_the_run)
  # Issue 13: a mistyped key in [tool.pyshift], a bad value, a missing
  # --config file printed an error and then scanned with the defaults
  # (a full report, exit 1 or 2); target-version = "3.99" in the
  # pyproject.toml was taken (the command line refuses it). Each stops the
  # run with exit 2 before scanning: no report, no output file.
  mkdir cfg && printf 'import imp\n' >cfg/m.py
  check_stops() { # NAME MESSAGE
    run check --format text --format sarif=cfg.sarif cfg/m.py
    expect_rc "$1.rc" 2
    expect_err "$1.msg" "$2"
    expect_eq "$1.no_report" "$(cat "$OUT")" ""
    expect_eq "$1.no_sarif" "$(ls cfg.sarif 2>/dev/null)" ""
  }
  printf '[tool.pyshift]\nselekt = ["RM"]\n' >cfg/pyproject.toml
  check_stops unknown_key 'unknown key `selekt` in [tool.pyshift]'
  printf '[tool.pyshift]\nselect = 5\n' >cfg/pyproject.toml
  check_stops bad_value '`select` must be an array of strings'
  printf '[tool.pyshift]\ntarget-version = "3.99"\n' >cfg/pyproject.toml
  check_stops target_range '`target-version` must be 3.12, 3.13, 3.14 or 3.15'
  printf '[tool.pyshift]\nmin-python = "3.13t"\n' >cfg/pyproject.toml
  check_stops min_python_t '`min-python` must be a version like'
  rm cfg/pyproject.toml
  run check --config missing.toml cfg/m.py
  expect_rc missing_config.rc 2
  expect_err missing_config.msg 'missing.toml: cannot read'
  expect_eq missing_config.no_report "$(cat "$OUT")" ""
  run rules --config missing.toml
  expect_rc rules_missing_config.rc 2
  expect_eq rules_missing_config.no_list "$(cat "$OUT")" ""
  # Still fine: a good config, and --help whatever the config says.
  printf '[tool.pyshift]\ntarget-version = "3.13t"\nmin-python = "3.10"\n' >cfg/pyproject.toml
  run check cfg/m.py
  expect_rc good_config.rc 1
  printf '[tool.pyshift]\nselekt = ["RM"]\n' >cfg/pyproject.toml
  run check --help cfg/m.py
  expect_rc help_with_bad_config 0
  ;;
r13_02_output_routing)
  # Issue 13: -o silently replaced --format sarif=FILE's file (never
  # written); --format json --format text mixed a JSON document and text on
  # standard output; JSON fingerprints were null unless SARIF was also
  # asked for. A full disk gets one line and exit 2 (kept from issue 14).
  run check -o report.json --format json --format sarif=named.sarif good.py
  expect_rc o_with_named.rc 1
  expect_eq o_with_named.named_written "$(ls named.sarif 2>/dev/null)" named.sarif
  expect_out_file() { "$PY3" -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null && ok || fail "$2" "$1 is not JSON"; }
  expect_out_file report.json o_with_named.o_gets_unnamed
  expect_out_file named.sarif o_with_named.sarif_is_json
  run check -o x.out --format sarif=only.sarif good.py
  expect_rc o_nothing_to_write.rc 2
  expect_err o_nothing_to_write.msg '-o x.out: every --format names its own file'
  expect_eq o_nothing_to_write.no_file "$(ls only.sarif x.out 2>/dev/null)" ""
  run check --format json --format text good.py
  expect_rc two_stdout.rc 2
  expect_err two_stdout.msg '--format json and --format text would both write to standard output'
  expect_eq two_stdout.nothing "$(cat "$OUT")" ""
  run check --format json=- --format github good.py
  expect_rc two_stdout_dash.rc 2
  run check --format json good.py
  "$PY3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d and all(isinstance(f["fingerprint"], str) and ":" in f["fingerprint"] for f in d), d' "$OUT" \
    && ok || fail json_fingerprint "JSON without SARIF has no fingerprint"
  if [ -w /dev/full ]; then
    run check -o /dev/full good.py
    expect_rc full_disk.rc 2
    expect_err full_disk.msg 'pyshift: /dev/full: write error: No space left on device'
    expect_err_lines full_disk.one_line 1
  fi
  ;;
r13_03_exit_zero_means_zero)
  # Issue 13: one undecodable file made --exit-zero exit 2, which stops a CI
  # workflow before its upload step. --exit-zero exits 0 whatever the scan
  # met; the file's error still goes to stderr and into the SARIF as a
  # toolExecutionNotification. Usage and configuration errors, and a
  # report that cannot be written, still exit 2.
  printf 'x = "\xff"\n' >undecodable.py
  run check --exit-zero --format sarif=out.sarif undecodable.py good.py gone.py
  expect_rc file_errors.rc 0
  expect_err file_errors.stderr 'pyshift: undecodable.py: invalid UTF-8'
  expect_err file_errors.gone 'pyshift: gone.py: no such file or directory'
  "$PY3" -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
notes = run["invocations"][0]["toolExecutionNotifications"]
uris = sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes)
assert uris == ["gone.py", "undecodable.py"], uris
assert run["invocations"][0]["executionSuccessful"] is False
assert [r["ruleId"] for r in run["results"]] == ["RM001"], run["results"]' out.sarif \
    && ok || fail file_errors.notifications "SARIF lacks the file errors (see above)"
  run check --exit-zero undecodable.py
  expect_rc only_errors.rc 0
  run check undecodable.py
  expect_rc without_exit_zero.rc 2
  run check --exit-zero --select XX9 good.py
  expect_rc usage_error.rc 2
  printf '[tool.pyshift]\nselekt = ["RM"]\n' >pyproject.toml
  run check --exit-zero good.py
  expect_rc config_error.rc 2
  rm pyproject.toml
  run check --exit-zero --rules no-such-dir good.py
  expect_rc rules_error.rc 2
  if [ -w /dev/full ]; then
    run check --exit-zero -o /dev/full good.py
    expect_rc report_not_written.rc 2
  fi
  ;;
r13_04_sarif_repository_root)
  # Issue 13: SARIF from a subdirectory of a repository had URIs relative
  # to that subdirectory, so GitHub attached alerts to the wrong files.
  # They are relative to the work tree's top (or --project-root) from any
  # directory, with versionControlProvenance read from .git.
  command -v git >/dev/null || { echo "SKIP: no git"; exit 0; }
  g() { git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=trunk "$@" >/dev/null 2>&1; }
  mkdir -p repo/src/pkg && printf 'import imp\n' >repo/src/pkg/m.py
  g -C repo init && g -C repo add . && g -C repo commit -qm one
  g -C repo remote add origin https://ci-token:s3cret@example.com/o/r.git
  head=$(git -C repo rev-parse HEAD)
  sarif_is() { # NAME FILE URI ROOT_SUFFIX REPO_URI REVISION BRANCH
    "$PY3" - "$@" <<'EOF' && ok || fail "$1" "SARIF locations or provenance wrong (see above)"
import json, sys
name, path, uri, root, repo, rev, branch = sys.argv[1:8]
run = json.load(open(path))["runs"][0]
loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
assert loc == {"uri": uri, "uriBaseId": "%SRCROOT%"}, loc
ids = run["originalUriBaseIds"]
base = ids["%SRCROOT%"]["uri"]
if "uriBaseId" in ids["%SRCROOT%"]:  # relative to the work tree's top
    base = ids[ids["%SRCROOT%"]["uriBaseId"]]["uri"] + base
assert base.startswith("file:///") and base.endswith(root), base
vcp = run.get("versionControlProvenance")
if repo == "-":
    assert vcp is None, vcp
else:
    vc = vcp[0]
    assert vc["repositoryUri"] == repo, vc
    assert vc.get("revisionId") == rev, (vc, rev)
    assert vc.get("branch") == (None if branch == "-" else branch), vc
    assert "s3cret" not in json.dumps(run), "credentials leaked"
EOF
  }
  (cd repo/src && "$PS" check --format sarif=../../sub.sarif pkg >/dev/null 2>&1)
  sarif_is from_subdir sub.sarif src/pkg/m.py /repo/ https://example.com/o/r.git "$head" trunk
  run check --format sarif=outside.sarif repo/src/pkg
  sarif_is from_outside outside.sarif src/pkg/m.py /repo/ https://example.com/o/r.git "$head" trunk
  run check --format sarif=root.sarif --project-root repo/src repo/src/pkg
  sarif_is project_root root.sarif pkg/m.py /repo/src/ https://example.com/o/r.git "$head" trunk
  # ...whose provenance maps to the work tree's top, %REPOROOT%, with
  # %SRCROOT% relative to it (the SARIF Multitool's SARIF2007 wants every
  # result reachable from a mappedTo).
  "$PY3" -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["versionControlProvenance"][0]["mappedTo"] == {"uriBaseId": "%REPOROOT%"}, run["versionControlProvenance"]
ids = run["originalUriBaseIds"]
assert ids["%SRCROOT%"] == {"uri": "src/", "uriBaseId": "%REPOROOT%"}, ids
top = ids["%REPOROOT%"]["uri"]
assert top.startswith("file:///") and top.endswith("/repo/"), top' root.sarif && ok || fail project_root.mapped_to "no %REPOROOT% mapping"
  run check --project-root no-such-dir repo
  expect_rc project_root_missing.rc 2
  # packed refs, a detached HEAD, an scp-like remote, a linked worktree
  g -C repo pack-refs --all
  git -C repo remote set-url origin git@example.com:o/r.git
  run check --format sarif=packed.sarif repo
  sarif_is packed_scp packed.sarif src/pkg/m.py /repo/ ssh://example.com/o/r.git "$head" trunk
  g -C repo checkout -q --detach HEAD
  run check --format sarif=detached.sarif repo
  sarif_is detached detached.sarif src/pkg/m.py /repo/ ssh://example.com/o/r.git "$head" -
  g -C repo worktree add -q -b side ../wt
  run check --format sarif=wt.sarif wt/src
  sarif_is worktree wt.sarif src/pkg/m.py /wt/ ssh://example.com/o/r.git "$head" side
  # Not in a work tree: relative to the working directory, as before.
  mkdir plain && printf 'import imp\n' >plain/m.py
  (cd plain && "$PS" check --format sarif=../plain.sarif . >/dev/null 2>&1)
  sarif_is no_git plain.sarif m.py /plain/ - - -
  validate_sarif valid sub.sarif outside.sarif root.sarif packed.sarif detached.sarif wt.sarif plain.sarif
  ;;
r13_05_github_sarif_limits)
  # Issue 13: a run with more results than GitHub accepts (25,000 per run)
  # wrote them all, and GitHub rejected the whole upload. The most severe
  # 25,000 are kept and a toolExecutionNotification and stderr say what
  # was dropped. (The per-result and gzipped-size limits are in
  # unit.test_report, with small limits.)
  "$PY3" -c "open('many.py', 'w').write('from typing import Optional\n' + 'x: Optional[int] = None\n' * 25000 + 'import imp\n' * 5)"
  run check --min-python 3.10 --format sarif=many.sarif many.py
  expect_rc many.rc 1
  expect_err many.stderr 'pyshift: warning: many.sarif: GitHub code scanning accepts at most 25000 results per run: kept the 25000 most severe of 25005 results, dropped 5 (0 error, 0 warning, 5 note)'
  "$PY3" -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = run["results"]
assert len(res) == 25000, len(res)
assert sum(r["level"] == "error" for r in res) == 5, "the errors were dropped"
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any("dropped 5" in n["message"]["text"] and n["level"] == "warning" for n in notes), notes' many.sarif \
    && ok || fail many.sarif "SARIF over GitHub's limit (see above)"
  ;;
r13_05_github_sarif_limits_valid)
  # The trimmed 25,000-result log (40 MB), the one GitHub would get, is
  # valid: every result passes GitHub's checks and the log GitHub's limits
  # (results, locations, thread flow locations, 10 MB gzipped), and the
  # schema and the SARIF Multitool pass one result of each class that
  # differs only in those checked positions and fingerprints (the two
  # validators took 4-10 minutes on the whole log, now seconds;
  # tests/tools/sarif_representatives_test.py shows a bad result among
  # thousands still fails). Label slow: the 40 MB log itself.
  "$PY3" -c "open('many.py', 'w').write('from typing import Optional\n' + 'x: Optional[int] = None\n' * 25000 + 'import imp\n' * 5)"
  run check --min-python 3.10 --format sarif=many.sarif many.py
  expect_rc many.rc 1
  validate_sarif_big many.valid many.sarif
  grep -q '^many.sarif: 25000 results, all checked' "$OUT" || [ ! -s "$OUT" ] || fail many.all_checked "not every result was checked: $(head -3 "$OUT")"
  ;;
r14_04_unreadable_pyproject_is_an_error)
  # A discovered pyproject.toml over 4 MiB was silently ignored (its select
  # did not apply, exit 1); with --config it was refused. Same for one that
  # is a FIFO, or that does not parse. Each is an error naming the file.
  printf '#!/bin/sh\nexec timeout 60 "%s" "$@"\n' "$PS" >tps && chmod +x tps && PS=$T/tps
  mkdir big && printf 'import imp\n' >big/m.py
  { printf '[tool.pyshift]\nselect = ["DP"]\n'; head -c 4300000 /dev/zero | tr '\0' '#'; printf '\n'; } >big/pyproject.toml
  run check big/m.py
  expect_rc big.rc 2
  expect_err big.names_file 'big/pyproject.toml: file is larger than 4194304 bytes'
  expect_err_lines big.one_line 1
  run check --config big/pyproject.toml big/m.py
  expect_rc big_config.rc 2
  expect_err_lines big_config.one_line 1
  mkdir fifo && printf 'import imp\n' >fifo/m.py && mkfifo fifo/pyproject.toml
  run check fifo/m.py
  expect_rc fifo.rc 2
  expect_err fifo.names_file 'fifo/pyproject.toml: not a regular file'
  mkdir broken && printf 'import imp\n' >broken/m.py && printf '[tool.black\n' >broken/pyproject.toml
  run check broken/m.py
  expect_rc broken.rc 2
  expect_err broken.names_file 'broken/pyproject.toml:1:'
  ;;
r14_07_rule_size_limits)
  # 20,000 alternatives in one query ran past 120 s in ts_query_new; a
  # 100,000-deep YAML flow sequence took 23 s in libyaml. Both are refused
  # at once with an error pointing into the rule file.
  printf '#!/bin/sh\nexec timeout 60 "%s" "$@"\n' "$PS" >tps && chmod +x tps && PS=$T/tps
  mkdir alts deep nest
  "$PY3" - <<'PY'
alts = " ".join("(call function: (identifier) @report)" for _ in range(20000))
head = '---\nid: XA%03d\nname: %s\nseverity: warning\nmessage: "m"\n'
open("alts/XA001-alts.rule", "w").write(head % (1, "alts") + "---\n```query\n(expression_statement [%s])\n```\n" % alts)
few = " ".join("(call function: (identifier) @report)" for _ in range(300))
open("alts/XA002-few.rule", "w").write(head % (2, "few") + "---\n```query\n(expression_statement [%s])\n```\n" % few)
open("deep/XA003-deep.rule", "w").write(head % (3, "deep") + "tags: " + "[" * 100000 + "]" * 100000 + "\n---\n```query\n(identifier) @report\n```\n")
open("nest/XA004-nest.rule", "w").write(head % (4, "nest") + "---\n```query\n" + "(_ " * 40 + "(identifier) @report" + ")" * 40 + "\n```\n")
PY
  run check --isolated --rules alts good.py
  expect_rc alts.rc 2
  expect_err alts.bytes 'alts/XA001-alts.rule:8:1: query is 760025 bytes, more than the limit of 65536'
  expect_err alts.count 'alts/XA002-few.rule:8:'
  expect_err alts.count_msg 'query has more than 256 patterns and alternatives'
  run check --isolated --rules deep good.py
  expect_rc deep.rc 2
  expect_err deep.msg 'deep/XA003-deep.rule:6:'
  expect_err deep.msg2 'front matter is nested more than 64 levels deep'
  run check --isolated --rules nest good.py
  expect_rc nest.rc 2
  expect_err nest.msg 'nest/XA004-nest.rule:8:97: query is nested more than 32 levels deep'
  ;;
r14_09_toml_linear)
  # 40,000 keys under another tool's table (578 KB) took 10.7 s: locate()
  # rescanned the file from the start for each key. Now a line index. With
  # 160,000 keys (3.6 MB) the old code needs minutes; this one 0.5 s (6 s
  # under ASan), so the 60 s bound is generous both ways.
  printf '#!/bin/sh\nexec timeout 60 "%s" "$@"\n' "$PS" >tps && chmod +x tps && PS=$T/tps
  "$PY3" -c '
import sys
keys = "".join("key_%06d = \"value\"\n" % i for i in range(160000))
inline = ", ".join("k%d = 1" % i for i in range(20000))
open("pyproject.toml", "w").write("[tool.pyshift]\nselect = [\"RM\"]\n[tool.other]\n" + keys + "[tool.third]\nx = {" + inline + "}\n")'
  run check good.py
  expect_rc rc 1
  expect_out found 'good.py:1:8: RM001'
  expect_err_empty no_error
  ;;
r14_11_rule_paths_stay_in_project)
  # `rules = ["/etc/passwd"]` in a scanned pyproject.toml printed a line of
  # /etc/passwd; "../../../../etc" walked /etc. Paths from the config must
  # stay inside its directory, and a file that is not a rule file is never
  # quoted in an error.
  mkdir -p proj/myrules proj/inner
  printf 'import imp\nfoo()\n' >proj/m.py
  printf -- '---\nid: XP001\nname: foo-call\nseverity: warning\nmessage: "foo"\n---\n```query\n(call function: (identifier) @f (#eq? @f "foo")) @report\n```\n' \
    >proj/myrules/XP001-foo-call.rule
  for bad in '"/etc/passwd"' '"../../../../etc"' '"myrules/../../proj/myrules"'; do
    printf '[tool.pyshift]\nrules = [%s]\n' "$bad" >proj/pyproject.toml
    run check proj/m.py
    expect_rc "lexical $bad rc" 2
    expect_err "lexical $bad msg" '`rules` paths must be relative and stay inside the project'
    expect_no_err "lexical $bad no content" 'root:'
  done
  ln -s /etc/passwd proj/passwd.rule
  ln -s /etc proj/etc
  ln -s /etc/passwd proj/inner/XX001-leak.rule
  for bad in passwd.rule etc inner; do
    printf '[tool.pyshift]\nrules = ["%s"]\n' "$bad" >proj/pyproject.toml
    run check proj/m.py
    expect_rc "symlink $bad rc" 2
    expect_err "symlink $bad msg" 'rule path leads outside the project'
    expect_no_err "symlink $bad no content" 'root:'
  done
  printf '[tool.pyshift]\nrules = ["myrules"]\nextend-select = ["XP"]\n' >proj/pyproject.toml
  run check proj/m.py
  expect_rc inside.rc 1
  expect_out inside.fires 'proj/m.py:2:1: XP001'
  # On the command line any path is allowed, but a file that is not a rule
  # file is not quoted.
  run check --isolated --rules /etc/passwd good.py
  expect_rc cli.rc 2
  expect_err cli.msg '/etc/passwd:1:1: not a rule file'
  expect_no_err cli.no_content 'root:'
  expect_err_lines cli.one_line 1
  ;;
r14_12_rule_dir_special_files)
  # An empty subdirectory of a rules directory was qsort(NULL, 0) (UBSan);
  # a symlink loop ran for minutes; a FIFO named *.rule, or a FIFO
  # .gitignore, hung forever.
  printf '#!/bin/sh\nexec timeout 60 "%s" "$@"\n' "$PS" >tps && chmod +x tps && PS=$T/tps
  mkdir -p empty/sub
  run check --isolated --rules empty good.py
  expect_rc empty.rc 1
  expect_err_empty empty.quiet
  mkdir -p loop/a/b/c
  ln -s ../../.. loop/a/b/c/up
  ln -s . loop/a/self
  run check --isolated --rules loop good.py
  expect_rc loop.rc 2
  expect_err loop.reported 'symlink loop'
  expect_err_lines loop.two_lines 2
  mkdir fifo && mkfifo fifo/XF001-fifo.rule
  run check --isolated --rules fifo good.py
  expect_rc fifo_dir.rc 2
  expect_err fifo_dir.msg 'fifo/XF001-fifo.rule: rule file is not a regular file'
  run check --isolated --rules fifo/XF001-fifo.rule good.py
  expect_rc fifo_file.rc 2
  expect_err fifo_file.msg 'rule file is not a regular file'
  mkdir -p repo/.git && printf 'import imp\n' >repo/m.py && mkfifo repo/.gitignore
  run check --isolated repo
  expect_rc gitignore_fifo.rc 1
  expect_out gitignore_fifo.scanned 'repo/m.py:1:8: RM001'
  ;;
r14_17_max_file_size_zero)
  # `--max-file-size 0` was refused but `max-file-size = 0` in the config
  # meant "no limit". 0 is refused in both, as is a negative or overflowing
  # size on the command line.
  printf '[tool.pyshift]\nmax-file-size = 0\n' >pyproject.toml
  run check good.py
  expect_rc config.rc 2
  expect_err config.names_line 'pyproject.toml:2:17: `max-file-size` must be a positive number of bytes'
  rm pyproject.toml
  for v in 0 0k -1 17592186044416M 1x; do
    run check --max-file-size "$v" good.py
    expect_rc "cli $v" 2
    expect_err "cli $v msg" '--max-file-size must be a positive number of bytes'
  done
  run check --max-file-size 1k good.py
  expect_rc cli_1k 1
  ;;
sarif_uri_outside_cwd)
  # docs/output-formats.md: "a file outside it gets an absolute file:// URI
  # and no uriBaseId". ../good.py gets {"uri": "../good.py", "uriBaseId":
  # "%SRCROOT%"} instead.
  mkdir sub
  cd sub || exit 2
  run check --format sarif ../good.py
  "$PY3" -c '
import json, sys
a = json.load(open(sys.argv[1]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
ok = a["uri"].startswith("file:///") and a["uri"].endswith("/good.py") and "uriBaseId" not in a
sys.exit(0 if ok else "artifactLocation %r" % (a,))' "$OUT" && ok || fail uri "outside file must get an absolute file:// uri"
  cp "$OUT" outside.sarif
  validate_sarif valid outside.sarif
  ;;
r14_08_glob_starstar_repeat)
  # Issue 14, item 8: '**/' repeated 40 times in a .gitignore or --exclude
  # took 80 s on a 10-deep tree (backtracking in the matcher, exponential in
  # the number of '**/'). Now an NFA: linear in pattern x path.
  mkdir -p t/.git
  d=t
  for i in 1 2 3 4 5 6 7 8 9 10; do d=$d/d$i; done
  mkdir -p "$d"
  printf 'import imp\n' >"$d/a.py"
  pat=$(printf '**/%.0s' $(seq 40))
  t0=$SECONDS
  r14_run() {
    LAST_CMD="pyshift $*"
    timeout 60 "$PS" "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
  }
  printf '%szz\n' "$pat" >t/.gitignore
  r14_run check t
  expect_rc gitignore_nomatch 1
  expect_out gitignore_nomatch_finding 'a.py:1:8: RM001'
  printf '%sa.py\n' "$pat" >t/.gitignore
  r14_run check t
  expect_rc gitignore_match 0
  r14_run check --no-respect-gitignore --exclude "${pat}zz" t
  expect_rc exclude_nomatch 1
  r14_run check --no-respect-gitignore --exclude "${pat}a.py" t
  expect_rc exclude_match 0
  # The four runs take milliseconds; a generous bound for a busy machine.
  if [ $((SECONDS - t0)) -lt 20 ]; then ok; else fail time "took $((SECONDS - t0)) s"; fi
  ;;
r14_13_fix_links_scope_readonly)
  # Issue 14, item 13: --fix broke hard links (one name got a new inode, the
  # other kept the old code), wrote through a symlink to a file outside the
  # scanned tree, and renamed over a read-only (0444) file.
  export PYSHIFT_RULES_DIR="$SRC/tests/fix/rules"
  printf 'x: typing.Text\n' >a.py
  ln a.py b.py
  ino=$(stat -c %i a.py)
  run check --isolated --select XF --fix a.py
  expect_rc hardlink_rc 0
  expect_eq hardlink_inode "$(stat -c %i a.py)" "$ino"
  expect_eq hardlink_count "$(stat -c %h a.py)" 2
  expect_eq hardlink_other_name "$(cat b.py)" 'x: str'
  mkdir -p proj outside
  printf 'x: typing.Text\n' >outside/t.py
  printf 'x: typing.Text\n' >proj/in.py
  ln -s ../outside/t.py proj/link.py
  run check --isolated --select XF --fix proj
  expect_rc symlink_out_rc 2
  expect_err symlink_out_msg 'pyshift: proj/link.py: resolves to '
  expect_err symlink_out_why 'outside the paths being checked; the fixes were not written'
  expect_eq symlink_out_untouched "$(cat outside/t.py)" 'x: typing.Text'
  expect_eq symlink_out_others_fixed "$(cat proj/in.py)" 'x: str'
  # Named on the command line, the outside directory is in scope.
  run check --isolated --select XF --fix proj outside
  expect_rc symlink_in_scope_rc 0
  expect_eq symlink_in_scope_fixed "$(cat outside/t.py)" 'x: str'
  printf 'x: typing.Text\n' >ro.py
  chmod 444 ro.py
  ino=$(stat -c %i ro.py)
  run check --isolated --select XF --fix ro.py
  expect_rc readonly_rc 2
  expect_err readonly_msg 'pyshift: ro.py: '
  expect_err readonly_why 'the fixes were not written'
  expect_eq readonly_untouched "$(cat ro.py)" 'x: typing.Text'
  expect_eq readonly_inode "$(stat -c %i ro.py)" "$ino"
  expect_eq readonly_mode "$(stat -c %a ro.py)" 444
  expect_eq no_temp_left "$(find . -name '*pyshift-*' | wc -l)" 0
  ;;
r14_15_outputs_collide_fail_signal)
  # Issue 14, item 15: two outputs to one file kept only the last; -o onto a
  # scanned file replaced the source with the report; /dev/full or a closed
  # standard output exited 2 without a word; SIGTERM left *.tmp.XXXXXX.
  printf 'x = 1\n' >b.py
  run check --format sarif=F --format json=F good.py
  expect_rc same_path_rc 2
  expect_err same_path_msg 'pyshift: F: two outputs would write this file'
  expect_eq same_path_nothing_written "$(ls F* 2>/dev/null)" ""
  run check --format sarif=F --format json=./F good.py
  expect_rc same_path_spelled_rc 2
  run check --format json=/dev/null --format sarif=/dev/null good.py
  expect_rc devnull_twice_ok 1
  run check -o b.py good.py b.py
  expect_rc onto_input_rc 2
  expect_err onto_input_msg 'pyshift: b.py: the output file is b.py, one of the files being checked'
  expect_eq onto_input_untouched "$(cat b.py)" 'x = 1'
  ln -s b.py alias.txt
  run check -o alias.txt good.py b.py
  expect_rc onto_input_link_rc 2
  expect_eq onto_input_link_untouched "$(cat b.py)" 'x = 1'
  if [ -w /dev/full ]; then
    LAST_CMD="pyshift check good.py >/dev/full"
    "$PS" check good.py >/dev/full 2>"$ERR" </dev/null; RC=$?
    expect_rc full_rc 2
    expect_err full_msg 'pyshift: standard output: write error: No space left on device'
    run check --format json=/dev/full good.py
    expect_rc full_file_rc 2
    expect_err full_file_msg 'pyshift: /dev/full: write error: No space left on device'
  fi
  LAST_CMD="pyshift check good.py >&-"
  "$PS" check good.py >&- 2>"$ERR" </dev/null; RC=$?
  expect_rc closed_rc 2
  expect_err closed_msg 'pyshift: standard output: write error: '
  LAST_CMD="pyshift check good.py | true"
  "$PS" check good.py 2>"$ERR" </dev/null | true; RC=${PIPESTATUS[0]}
  expect_err_empty broken_pipe_quiet
  # SIGTERM while the report is being written to its temporary file.
  "$PY3" -c '
import sys
for i in range(12):
    open("slow%d.py" % i, "w").write("from typing import Optional\n" + "x: Optional[int] = None\n" * 20000)'
  "$PS" check -j1 -o report.txt slow*.py >/dev/null 2>"$ERR" </dev/null &
  pid=$!
  for _ in $(seq 100); do ls report.txt.tmp.* >/dev/null 2>&1 && break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid"; RC=$?
    expect_rc sigterm_status 143
    expect_eq sigterm_no_temp "$(ls report.txt.tmp.* 2>/dev/null)" ""
    expect_eq sigterm_no_report "$(ls report.txt 2>/dev/null)" ""
  else
    wait "$pid"
    echo "SKIP: sigterm: the run ended before the signal"
  fi
  ;;
r14_16_path_escapes)
  # Issue 14, item 16: text output printed a file name with a newline raw,
  # so the name could forge a finding line in a CI log; JSON turned each
  # non-UTF-8 byte of a name into U+FFFD, so the file could not be found.
  mkdir d
  printf 'import imp\n' >"d/$(printf 'x\nforged.py:9:9: RM999 fake\ny.py')"
  printf 'import imp\n' >"d/$(printf 'esc\033[31m.py')"
  printf 'import imp\n' >"d/$(printf 'lat\351.py')"
  run check d
  expect_rc rc 1
  expect_eq one_line_per_finding "$(wc -l <"$OUT")" 4
  if grep -q '^forged.py' "$OUT"; then fail no_forged_line "a line starts with the forged finding"; else ok; fi
  expect_out newline_escaped 'd/x%0Aforged.py:9:9: RM999 fake%0Ay.py:1:8: RM001'
  expect_out escape_escaped 'd/esc%1B[31m.py:1:8: RM001'
  expect_out latin1_escaped 'd/lat%E9.py:1:8: RM001'
  run check --format json d
  "$PY3" -c '
import base64, json, os, sys
fs = json.load(open(sys.argv[1]))
names = set()
for f in fs:
    names.add(base64.b64decode(f["path_bytes"]) if "path_bytes" in f else os.fsencode(f["path"]))
want = {os.path.join(b"d", n) for n in os.listdir(b"d")}
sys.exit(0 if names == want else "json names %r != files %r" % (names, want))' "$OUT" && ok || fail json_recoverable "json paths do not name the files"
  ;;
r14_14_fix_python_rejects)
  # Issue 14, item 14: "safe" fixes that broke code. `Union[(int, str)]`
  # became `(int, str)` (a tuple), `Optional[*Ts]` became `*Ts | None` (a
  # syntax error for CPython), and a rule fix that adds an unexpected indent
  # or a starred expression was written because tree-sitter parses it.
  printf 'from typing import Optional, Union, TypeVarTuple\nTs = TypeVarTuple("Ts")\nz: Union[(int, str)] = 1\ndef f(*args: Optional[*Ts]) -> None: ...\nw: tuple[Optional[*Ts]]\nq: Optional[int] = None\n' >ty.py
  run check --isolated --select TY007,TY045 --preview --min-python 3.11 --fix ty.py
  expect_out tuple_not_fixed 'ty.py:3:4: TY007'
  expect_out splat_not_fixed 'ty.py:4:14: TY045'
  expect_out splat_subscript_not_fixed 'ty.py:5:10: TY045'
  expect_eq tuple_kept "$(sed -n 3p ty.py)" 'z: Union[(int, str)] = 1'
  expect_eq others_fixed "$(sed -n 6p ty.py)" 'q: int | None = None'
  mkdir -p xr
  printf -- '---\nid: XI001\nname: call-to-old\nseverity: info\nmessage: "`old()` is gone"\nfix: "new()\\n    log()"\n---\n```query\n((call function: (identifier) @f) @report\n (#eq? @f "old"))\n```\n## What it does\n\nAdds an indented line.\n' >xr/XI001-call-to-old.rule
  printf -- '---\nid: XI002\nname: splat-assign\nseverity: info\nmessage: "`parts` spelled out"\nfix: "*parts"\n---\n```query\n((assignment right: (identifier) @report)\n (#eq? @report "parts"))\n```\n## What it does\n\nMakes `y = *parts`.\n' >xr/XI002-splat-assign.rule
  printf 'old()\n' >top.py
  printf 'def f():\n  x = 1\n  old()\n' >nested.py
  printf 'if a:\n\tx = 1\n\told()\n' >tabs.py
  printf 'y = parts\n' >splat.py
  cp top.py top.orig; cp nested.py nested.orig; cp tabs.py tabs.orig; cp splat.py splat.orig
  run check --isolated --rules xr --select XI --fix top.py nested.py tabs.py splat.py
  expect_rc rules_rc 2
  for f in top nested tabs splat; do
    expect_err "${f}_msg" "pyshift: $f.py: fixes would introduce code that Python rejects"
    if cmp -s $f.py $f.orig; then ok; else fail "${f}_untouched" "$f.py was rewritten"; fi
  done
  # Whatever was written must compile with every Python at hand (3.11+:
  # `*Ts` in a subscript is 3.11 syntax).
  for py in /usr/bin/python3 "$HOME"/.pyenv/versions/3.1[1-9]*/bin/python; do
    [ -x "$py" ] || continue
    "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || continue
    for f in ty.py top.py nested.py tabs.py splat.py; do
      LAST_CMD="$py compile $f"
      if "$py" -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' $f 2>"$ERR"; then ok; else
        fail "compiles_$(basename "$(dirname "$(dirname "$py")")")_$f" "$(tail -1 "$ERR")"
      fi
    done
  done
  ;;
r14_05_base_class_paths)
  # Issue 14 item 5: removed-APIs matched `self.readfp` against base
  # classes path by path: 20 classes each deriving from the 19 others took
  # 19^5 resolutions and 24 GB. Each class is now resolved once per file.
  "$PY3" - <<'PY'
names = ["C%d" % i for i in range(20)]
out = ["from configparser import ConfigParser", ""]
for n in names:
    out += ["class %s(%s):" % (n, ", ".join(m for m in names if m != n)),
            "    def f(self, x):", "        self.readfp(x)"]
out += ["class D0(ConfigParser):", "    pass", "class D1(D0):", "    def f(self, x):", "        self.readfp(x)"]
open("mutual.py", "w").write("\n".join(out) + "\n")
PY
  LAST_CMD="pyshift check mutual.py (ulimit -v 2000000, timeout 60)"
  (
    grep -q __asan_init "$PS" || ulimit -v 2000000
    exec timeout 60 "$PS" check mutual.py
  ) >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  sanitizer_check
  expect_rc rc 1
  expect_out d1_reported 'mutual.py:67:9: RM003'
  expect_eq one_finding "$(finding_count)" 1
  ;;
r14_10_file_memory_budget)
  # Issue 14 item 10: memory per file was unbounded (a 16.6 MB list took
  # 3.4 GB) and standard input was read until the process aborted. A file
  # over its memory budget is a per-file error; stdin is capped like files.
  "$PY3" -c '
n = 1600000 // 3
open("big.py", "w").write("from typing import List\nx: List[int] = [" + "1, " * n + "1]\n")'
  run check --max-file-memory 64M big.py good.py
  expect_rc rc 2
  expect_err over 'pyshift: big.py: over the 64 MiB memory budget (--max-file-memory), skipped'
  expect_out others_kept 'good.py:1:8: RM001'
  mkdir cfg && cp big.py good.py cfg/ && printf '[tool.pyshift]\nmax-file-memory = 67108864\n' >cfg/pyproject.toml
  run check cfg
  expect_rc config_rc 2
  expect_err config 'big.py: over the 64 MiB memory budget'
  run check --max-file-memory 0 good.py
  expect_rc zero_refused 2
  # Without the option the budget is large enough for the file.
  run check big.py
  expect_rc default_rc 1
  LAST_CMD="pyshift check --stdin-filename x.py </dev/zero (ulimit -v 1000000, timeout 60)"
  (
    grep -q __asan_init "$PS" || ulimit -v 1000000
    exec timeout 60 "$PS" check --stdin-filename x.py </dev/zero
  ) >"$OUT" 2>"$ERR"
  RC=$?
  sanitizer_check
  expect_rc stdin_rc 2
  expect_err stdin_capped 'pyshift: x.py: input is over the --max-file-size limit of 16777216 bytes, skipped'
  ;;
stubs_are_not_first_party)
  # A typeshed-like tree of stubs (cgi.pyi, distutils/__init__.pyi) beside
  # the code made every stdlib name first-party, so nothing was reported on
  # dist-packages once python3-mypy was installed. Stubs are not runtime
  # modules; a real cgi.py still is.
  mkdir -p tree/typeshed/stdlib/distutils tree/app
  printf 'def escape(s: str) -> str: ...\n' >tree/typeshed/stdlib/cgi.pyi
  printf '' >tree/typeshed/stdlib/distutils/__init__.pyi
  printf 'import cgi\nimport distutils.core\n' >tree/app/main.py
  run check tree
  expect_rc rc 1
  expect_out cgi_reported 'main.py:1:8: RM001'
  expect_out distutils_reported 'main.py:2:8: RM001'
  printf 'x = 1\n' >tree/app/cgi.py
  run check tree
  expect_no_out real_module_shadows 'main.py:1:8: RM001'
  ;;
r14_01_long_line_prefilter)
  # Issue 14 item 1: a long line overflowed PCRE2's default 32 KiB JIT stack
  # in the combined prefilter (PCRE2_ERROR_JIT_STACKLIMIT), and the engine
  # took any negative result for "no match": the file was skipped, exit 0.
  "$PY3" - <<'PY'
open("comment.py", "w").write("import cgi  # " + "x" * 1500 + "\n")
open("many.py", "w").write("import os, " + ", ".join("mod%d" % i for i in range(300)) + ", cgi\n")
open("spaces.py", "w").write("from typing import List" + " " * 5000 + "\n")
PY
  for f in comment many spaces; do
    run check --isolated $f.py
    expect_rc $f.rc 1
  done
  run check --isolated comment.py many.py spaces.py
  expect_out comment 'comment.py:1:8: RM001'
  expect_out many 'many.py:1:2302: RM001'
  expect_out spaces 'spaces.py:1:1: TY035'
  ;;
r14_02_regex_errors_are_not_no_match)
  # Issue 14 item 2: a PCRE2 error (here the match limit, on a catastrophic
  # regex) was taken for "no match": a user rule's prefilter made the whole
  # file skipped (DP005 lost, exit 0), and a #match? predicate silently
  # dropped its matches. A prefilter error admits the file; a predicate
  # error is a per-file error naming the rule, the rest is still reported.
  "$PY3" - <<'PY'
import os
os.mkdir("xr")
def rule(rid, name, head, query):
    with open("xr/%s-%s.rule" % (rid, name), "w") as f:
        f.write("---\nid: %s\nname: %s\nseverity: warning\nstatus: stable\nsince: 0.1.0\n"
                "message: \"m\"\nsummary: test\n%s---\n```query\n%s\n```\n"
                "## What it does\nx\n## Why is this bad?\nx\n" % (rid, name, head, query))
rule("XX001", "bad-prefilter", "prefilter: '^(\\w+\\s?)*$'\n", "(module) @report")
rule("XX002", "bad-predicate", "", '((string_content) @report (#match? @report "^(\\\\w+\\\\s?)*$"))')
PY
  "$PY3" -c 'open("w.py", "w").write("a" * 38 + "!\nx = ~True\ny = \"" + "a" * 38 + "!\"\n")'
  run check --isolated --rules xr --select XX001,DP005 w.py
  expect_rc prefilter.rc 1
  expect_out prefilter.dp005 'w.py:2:5: DP005'
  expect_out prefilter.own_rule 'w.py:1:1: XX001'
  run check --isolated --rules xr --select XX002,DP005,RM001 w.py good.py
  expect_rc predicate.rc 2
  expect_err predicate.named 'pyshift: w.py: rule XX002: its #match? regex failed on this file'
  expect_err_lines predicate.one_line 1
  expect_out predicate.same_file 'w.py:2:5: DP005'
  expect_out predicate.other_file 'good.py:1:8: RM001'
  ;;
r14_03_deep_nesting_not_truncated)
  # Issue 14 item 3: the TY analysis kept node paths in a fixed 512-entry
  # array and dropped what lay deeper: 199 nested Optional[ gave 169 TY045
  # findings, without a word.
  "$PY3" -c 'open("deep.py", "w").write("from typing import Optional\nx: " + "Optional[" * 199 + "int" + "]" * 199 + " = None\n")'
  run check --isolated --select TY045 --min-python 3.10 deep.py
  expect_rc rc 1
  expect_out all 'Found 199 findings'
  expect_err_empty quiet
  # An except tuple of more than 64 types still counts ImportError.
  "$PY3" -c 'open("exc.py", "w").write("try:\n    import imp\nexcept (" + ", ".join("E%d" % i for i in range(70)) + ", ImportError):\n    imp = None\n")'
  run check --isolated --select RM001 exc.py
  expect_rc except_rc 0
  # A noqa code longer than the 16-byte slot was dropped, which left a
  # blanket `# noqa` hiding every finding of the line.
  printf 'import imp  # noqa: ABCDEFGHIJKLMNOPQRSTUVWXYZ\n' >noqa.py
  run check --isolated noqa.py
  expect_rc noqa_rc 1
  expect_out noqa 'noqa.py:1:8: RM001'
  ;;
r14_06_file_timeout_whole_file)
  # Issue 14 item 6: --file-timeout covered only the parse (and, loosely,
  # the query cursor): the TY analysis took 131 s on a 144 KB file with
  # --file-timeout 2 (a descent from the root per reference), a user rule
  # ran minutes past --file-timeout 1, and 1 MB of comments kept the lexer
  # busy for minutes between two budget checks. Each is either scanned
  # quickly or reported as over budget. A CPU-time limit (not wall time: the
  # machine may be busy) stands for "never": late SECONDS ARGS.
  late() {
    local cpu=$1
    shift
    LAST_CMD="pyshift $* (ulimit -t $cpu)"
    (ulimit -t "$cpu"; exec timeout 600 "$PS" "$@") >"$OUT" 2>"$ERR" </dev/null
    RC=$?
    sanitizer_check
  }
  "$PY3" - <<'PY'
open("union.py", "w").write("from typing import Union\nz: " + "Union[int, " * 12000 + "int" + "]" * 12000 + "\n")
open("calls.py", "w").write("".join("x%d = f(a, b, c, d)\n" % i for i in range(300)))
open("names.py", "w").write("".join("a%d\n" % i for i in range(3000)))
line = "# " + "x" * 97 + "\n"
open("comments.py", "w").write("import cgi\n" + line * (12 * 1024 * 1024 // len(line)))
PY
  late 20 check --isolated --min-python 3.10 --file-timeout 2 union.py
  expect_rc union.rc 1
  expect_out union.all 'Found 12000 findings'
  mkdir ur
  for r in "UX001 slow-siblings (_ (_)* @a (_)* @b (_)* @c) @report" \
           "UX002 slow-repeat (expression_statement ((identifier)*)+) @report"; do
    set -- $r
    id=$1 name=$2
    shift 2
    printf -- '---\nid: %s\nname: %s\nseverity: warning\nstatus: stable\nsince: 0.1.0\nmessage: "m"\nsummary: test\n---\n```query\n%s\n```\n## What it does\nx\n## Why is this bad?\nx\n' \
      "$id" "$name" "$*" >"ur/$id-$name.rule"
  done
  late 20 check --isolated --rules ur --select UX001,RM001 --file-timeout 1 calls.py good.py
  expect_rc siblings.rc 2
  expect_err siblings.budget 'pyshift: calls.py: scanning took more than the 1000 ms CPU budget (--file-timeout) in query matching'
  expect_out siblings.others 'good.py:1:8: RM001'
  late 20 check --isolated --rules ur --select UX002 --file-timeout 1 names.py
  expect_rc repeat.rc 2
  expect_err repeat.named 'pyshift: names.py: '
  # One lex of the 12 MB took 12 s of CPU before the parser checked its
  # budget again; the input now comes in chunks, each checking the clock.
  late 6 check --isolated --file-timeout 0.5 comments.py good.py
  expect_rc comments.rc 2
  expect_err comments.budget 'pyshift: comments.py: parsing took more than the 500 ms CPU budget'
  expect_out comments.others 'good.py:1:8: RM001'
  ;;
typing_bounds_in_rules)
  # Issue 9: the TY version bounds were in C (TY040/TY046/TY047 only from
  # 3.12, TY102 from 3.14, PEP 604 from 3.10, unquoted annotations from
  # 3.14), so `pyshift rules` said "all" and --select TY040 on 3.11 was
  # silently empty. They are the rules' `min-python` and table rows now.
  run rules
  expect_out ty040 'TY040  non-pep695-type-alias              TY      info     stable   no  min-python >=3.12'
  expect_out ty102 'min-python >=3.14'
  printf 'X: "TypeAlias" = int\n' >alias.py
  run check --select TY040 --min-python 3.11 alias.py
  expect_rc off_rc 0
  expect_err off_warning "pyshift: warning: --select TY040 enables no rule for this run's target and minimum Python versions"
  mkdir -p tr/typing
  printf -- '---\nid: XT001\nname: union-no-table\nseverity: info\nmessage: "m"\nanalysis: {name: typing-modern, kind: pep604, operator: union}\n---\n## What it does\nx\n' >tr/typing/XT001-union-no-table.rule
  printf 'from typing import Union\nx: Union[int, str] = 1\n' >u.py
  run check --isolated --rules tr --select XT001 u.py
  expect_rc no_table_rc 2
  expect_err no_table 'kind `pep604` needs a ```table with columns name, since and one row'
  # The table's `since` is what decides: typing.Union from 3.11 is not
  # reported on 3.10 outside annotations under the future import.
  printf -- '---\nid: XT002\nname: union-late\nseverity: info\nmessage: "m"\nanalysis: {name: typing-modern, kind: pep604, operator: union}\n---\n```table\nname\tsince\ntyping.Union\t3.11\n```\n## What it does\nx\n' >tr/typing/XT002-union-late.rule
  run check --isolated --rules tr --select XT002 --min-python 3.10 u.py
  expect_rc late_rc 0
  run check --isolated --rules tr --select XT002 --min-python 3.11 u.py
  expect_rc reached_rc 1
  expect_out reached 'u.py:2:4: XT002'
  ;;
r12_01_broad_handlers_do_not_guard)
  # Issue 12 item 1: `except Exception`, `except BaseException` and a bare
  # `except:` hid every removal in their try body; only a handler for what
  # the removal raises guards, and only the try body (not a def in it).
  cat >h.py <<'PY'
from datetime import datetime
import unittest
try:
    import imp
except Exception:
    imp = None
try:
    import asyncore
except ImportError:
    asyncore = None
def f():
    try:
        return datetime.utcnow()
    except BaseException:
        return None
def g():
    try:
        return datetime.utcnow()
    except AttributeError:
        return None
try:
    def h():
        import asynchat
except ImportError:
    pass
try:
    suite = unittest.makeSuite
except ImportError:
    suite = None
PY
  run check --isolated -q --select RM,DP h.py
  expect_rc rc 1
  expect_out imp_broad 'h.py:4:12: RM001'
  expect_no_out asyncore_guarded 'h.py:8:12: RM001'
  expect_out utcnow_broad 'h.py:13:16: DP003'
  expect_no_out utcnow_attr 'h.py:18:16: DP003'
  expect_out def_in_try 'h.py:23:16: RM001'
  expect_out import_error_not_attr 'h.py:27:13: RM002'
  ;;
r12_04_version_guards_relative)
  # Issue 12 item 4: a branch below 3.13 was reported at target 3.14 for a
  # 3.13 removal, `else:` of `>= (3, 13)` too, and --min-python was
  # ignored; the query rules (RM005, DP006, ...) had no version guards.
  cat >v.py <<'PY'
import sys, unittest, threading
if sys.version_info < (3, 13):
    unittest.makeSuite(unittest.TestCase)
if sys.version_info >= (3, 13):
    pass
else:
    from unittest import findTestCases
if sys.version_info[:2] == (3, 12):
    import imp
def f():
    if sys.version_info >= (3, 12):
        return
    import asyncore
if sys.version_info < (3, 14):
    threading.RLock(None)
PY
  run check --isolated -q --select RM,DP --target-version 3.14 v.py
  expect_no_out below_313 'v.py:3:'
  expect_no_out else_of_ge 'v.py:7:'
  expect_out eq_312 'v.py:9:12: RM001'
  expect_no_out early_return 'v.py:13:'
  expect_no_out pending_not_on_target 'v.py:15:'
  run check --isolated -q --select RM,DP --target-version 3.14 --min-python 3.13 v.py
  expect_no_out min_python 'v.py:9:'
  run check --isolated -q --select DP006 --target-version 3.13 v.py
  expect_out pending_on_target 'v.py:15:5: DP006'
  ;;
r12_02_receiver_gate_and_aliases)
  # Issue 12 item 2: the word gate built from the receiver regex `TestCase$`
  # demanded the whole word TestCase, so a file whose only bases were
  # IsolatedAsyncioTestCase or AWSMockServiceTestCase was never scanned; a
  # base imported under another name was not matched by what it resolves to.
  printf 'import unittest\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def test(self):\n        self.assertEquals(1, 1)\n' >a.py
  printf 'from moto.core import AWSMockServiceTestCase\nclass T(AWSMockServiceTestCase):\n    def test(self):\n        self.assertEquals(1, 1)\n' >b.py
  printf 'from django.test import SimpleTestCase as S\nclass T(S):\n    def test(self):\n        self.failUnless(1)\n' >c.py
  printf 'from helpers import TestCaseMixin as M\nclass T(M.Base):\n    def test(self):\n        self.assertEquals(1, 1)\n' >d.py
  run check --isolated -q --select RM003 a.py b.py c.py d.py
  expect_rc rc 1
  expect_out isolated 'a.py:4:9: RM003'
  expect_out aws 'b.py:4:9: RM003'
  expect_out alias 'c.py:4:9: RM003'
  expect_no_out not_a_testcase 'd.py'
  ;;
r12_02_cross_module_bases)
  # Issue 12 item 2, second half: `class T(BaseTest)` with BaseTest(unittest.TestCase)
  # in another module of the tree (imported absolutely, relatively, through an
  # alias or a package's re-export, any number of modules up) was not reported;
  # a chain ending in a class that is not a TestCase, a class defining the
  # method, a shadowing local class, a cycle, guards and suppressions are not.
  # Every `# expect: RULE` line of the fixture tree and nothing else.
  cp -r "$SRC/fixtures/removed/RM003-cross-module" tree
  run check --isolated --no-cache --select RM003,DP003 --target-version 3.14 tree
  expect_rc rc 1
  grep -oE '^tree/[^:]+:[0-9]+:[0-9]+: (RM|DP)[0-9]+' "$OUT" | sed -E 's/:[0-9]+: /: /' | sort >got.txt
  (cd tree && grep -rnoE '# expect: (RM|DP)[0-9]+' --include='*.py' .) |
    sed -E 's|^\./|tree/|; s/:# expect: /: /' | sort >want.txt
  expect_eq markers "$(cat got.txt)" "$(cat want.txt)"
  expect_eq marker_count "$(wc -l <want.txt)" 7
  expect_out related 'pkg_tests/base.py:5:1: `BaseTest` derives from `unittest.TestCase` here'
  # The same for any --jobs, and with the cache (a rerun, then an edit to the base).
  for j in 1 2 4; do
    run check --isolated --no-cache --select RM003,DP003 --target-version 3.14 -j$j --format json tree
    cp "$OUT" "j$j.json"
  done
  expect_eq jobs_2 "$(cmp -s j1.json j2.json && echo same)" same
  expect_eq jobs_4 "$(cmp -s j1.json j4.json && echo same)" same
  run check --isolated --cache-dir cache --select RM003,DP003 --target-version 3.14 --format json tree
  expect_eq cache_first "$(cmp -s j1.json "$OUT" && echo same)" same
  run check --isolated --cache-dir cache --select RM003,DP003 --target-version 3.14 --format json tree
  expect_eq cache_rerun "$(cmp -s j1.json "$OUT" && echo same)" same
  sed -i 's/^class BaseTest(unittest.TestCase):/class BaseTest(object):/' tree/pkg_tests/base.py
  run check --isolated --cache-dir cache --select RM003,DP003 --target-version 3.14 tree
  expect_no_out base_edited 'RM003'
  expect_out base_edited_dp003 'test_rel.py:42:9: DP003'
  # --report-unused-ignores: a directive that silences a finding only the
  # join makes is not reported unused; an unused one still is.
  printf 'x = 1  # pyshift: ignore\n' >tree/pkg_tests/unused.py
  run check --isolated --no-cache --select RM003 --report-unused-ignores --target-version 3.14 tree
  expect_no_out used_by_the_join 'test_abs.py:20:34: PS100'
  expect_out still_unused 'unused.py:1:8: PS100'
  rm tree/pkg_tests/unused.py
  # A per-file-ignores entry holds for the project findings too.
  printf '[tool.pyshift]\nper-file-ignores = {"pkg_tests/sub/*" = ["RM003"]}\n' >tree/pyproject.toml
  sed -i 's/^class BaseTest(object):/class BaseTest(unittest.TestCase):/' tree/pkg_tests/base.py
  (cd tree && run check --no-cache --select RM003 --target-version 3.14 .)
  expect_out pfi_other_file 'pkg_tests/test_rel.py:10:9: RM003'
  expect_no_out pfi_ignored 'sub/test_abs.py'
  ;;
r12_05_feature_tests_guard)
  # Issue 12 item 5: uses behind a feature test (hasattr, a skipIf/skipif/
  # skipUnless version test on the test) were reported as errors.
  cat >f.py <<'PY'
import ssl, sys, unittest
def a(s):
    if hasattr(ssl, "wrap_socket"):
        return ssl.wrap_socket(s)
    return ssl.wrap_socket(s) if hasattr(ssl, "wrap_socket") else None
class T(unittest.TestCase):
    @unittest.skipIf(sys.version_info >= (3, 12), "old")
    def test_old(self):
        self.assertEquals(1, 1)
    def test_new(self):
        self.assertEquals(1, 1)
PY
  run check --isolated -q --select RM f.py
  expect_rc rc 1
  expect_no_out hasattr 'f.py:4:'
  expect_no_out conditional 'f.py:5:'
  expect_no_out skipif 'f.py:9:'
  expect_out unguarded 'f.py:11:9: RM003'
  ;;
r12_05_dead_import_fallbacks)
  # Issue 12 item 5: an `except ImportError:` fallback after an import that
  # always succeeds where the removal matters (html.escape since 3.2,
  # importlib.util.find_spec since 3.4: argcomplete) never runs there, and
  # was reported as an error. Near misses stay reported: a body importing
  # anything not in the rules' `importable` tables (setuptools, a Python 2
  # name), a body with other statements, a broad handler.
  cat >d.py <<'PY'
try:
    from html import escape
except ImportError:
    from cgi import escape
try:
    from importlib.util import find_spec
except ImportError:
    from imp import find_module
    def find_spec(name):
        return find_module(name)
try:
    import cProfile as profile
except ImportError:
    import profile
try:
    from setuptools import setup
except ImportError:
    from distutils.core import setup
try:
    from urllib import splitquery
except ImportError:
    from urllib.parse import splitquery
try:
    from html import escape
    x = 1
except ImportError:
    import imp
try:
    from html import escape, nothing_such
except ImportError:
    import imp
import unittest
class T(unittest.TestCase):
    if not hasattr(unittest.TestCase, "assertRaisesRegex"):
        assertRaisesRegex = unittest.TestCase.assertRaisesRegexp
    if hasattr(unittest.TestCase, "assertCountEqual"):
        pass
    else:
        assertCountEqual = unittest.TestCase.assertItemsEqual
    if not hasattr(unittest.TestCase, "assertNoSuchThing"):
        x = unittest.TestCase.assertRaisesRegexp
def reload_module(module):
    try:
        import importlib
        if not hasattr(importlib, "reload"):  # python <= 3.3
            raise ImportError
    except ImportError:
        import imp
        return imp.reload(module)
    try:
        import importlib
        if not hasattr(importlib, "no_such_thing"):
            raise ImportError
    except ImportError:
        import imp
PY
  run check --isolated -q --select RM,DP --target-version 3.15 d.py
  expect_rc rc 1
  expect_no_out html_escape 'd.py:4:'
  expect_no_out find_spec_import 'd.py:8:'
  expect_no_out find_spec_use 'd.py:10:'
  expect_no_out cprofile 'd.py:14:'
  expect_out setuptools 'd.py:18:10: RM001'
  expect_out py2_name 'd.py:22:30: DP002'
  expect_out not_imports_only 'd.py:27:12: RM001'
  expect_out unknown_name 'd.py:31:12: RM001'
  # `if not hasattr(X, "n"):` and the else of `if hasattr(X, "n"):` for an
  # X.n of the table (psutil's assertRaisesRegexp shim).
  expect_no_out hasattr_not 'd.py:35:'
  expect_no_out hasattr_else 'd.py:39:'
  expect_out hasattr_unknown 'd.py:41:13: RM003'
  # psutil: `if not hasattr(importlib, "reload"): raise ImportError` in the
  # try body needs importlib.reload, which the table has.
  expect_no_out raise_import_error 'd.py:48:'
  expect_no_out raise_import_error_use 'd.py:49:'
  expect_out raise_unknown 'd.py:55:16: RM001'
  # The four copies of the `importable` table are the same.
  t() { sed -n '/^```table importable/,/^```$/p' "$2/rules/$1"; }
  a=$(t removed/RM001-removed-module-import.rule "$SRC")
  expect_eq rm002 "$(t removed/RM002-removed-api-use.rule "$SRC")" "$a"
  expect_eq dp001 "$(t deprecated/DP001-pending-removal-module-import.rule "$SRC")" "$a"
  expect_eq dp002 "$(t deprecated/DP002-pending-removal-api-use.rule "$SRC")" "$a"
  expect_eq rm003 "$(t removed/RM003-removed-method-call.rule "$SRC")" "$a"
  ;;
r12_stub_of_removed_module)
  # Found by the hand-judged sample (docs/accuracy-sample.md): typeshed's
  # stub of a removed module imports its own package or other modules
  # removed no earlier (stdlib/distutils/dist.pyi: distutils.command;
  # smtpd.pyi: asynchat); the stub describes only Pythons that have them.
  # A stub of a module removed later (pstats.pyi, profile pending), a .py
  # of the same name, and a stub outside such a package stay reported.
  mkdir -p ts/stdlib/distutils/command
  : >ts/stdlib/distutils/__init__.pyi
  : >ts/stdlib/distutils/command/__init__.pyi
  printf 'from distutils.command.build import build\nimport distutils\n' >ts/stdlib/distutils/dist.pyi
  printf 'import msilib\n' >ts/stdlib/distutils/command/bdist_msi.pyi
  printf 'import asynchat\nimport asyncore\n' >ts/stdlib/smtpd.pyi
  printf 'import imp\nimport asyncore\n' >ts/stdlib/sre_compile.pyi
  printf 'import asyncore\n' >ts/stdlib/smtpd2.pyi
  mkdir -p py/distutils && : >py/distutils/__init__.py && printf 'import imp\n' >py/distutils/dist.py
  run check --isolated -q --select RM001 --target-version 3.15 ts py
  expect_rc rc 1
  expect_no_out own_package 'ts/stdlib/distutils/dist.pyi'
  expect_no_out removed_later 'ts/stdlib/distutils/command/bdist_msi.pyi'
  expect_no_out smtpd 'ts/stdlib/smtpd.pyi'
  expect_out removed_earlier 'ts/stdlib/sre_compile.pyi:1:8: RM001'
  expect_out not_a_removed_stub 'ts/stdlib/smtpd2.pyi:1:8: RM001'
  expect_out runtime_code 'py/distutils/dist.py:1:8: RM001'
  cd ts/stdlib/distutils
  run check --isolated -q --select RM001 --target-version 3.15 dist.pyi
  expect_rc run_inside_rc 0
  cd - >/dev/null
  ;;
r12_distutils_inside_setuptools)
  # Found by the hand-judged sample: setuptools' own files (and its vendored
  # setuptools/_distutils) import `distutils`, which setuptools' shim
  # (_distutils_hack) provides on every Python; 154 of dist-packages' 184
  # RM001 findings. RM001's `provided_in` column says so; other packages'
  # distutils imports and setuptools' imports of other modules stay.
  mkdir -p st/setuptools/_distutils st/other
  : >st/setuptools/__init__.py
  : >st/setuptools/_distutils/__init__.py
  printf 'import distutils.command\nimport imp\n' >st/setuptools/_distutils/dist.py
  printf 'from distutils.util import get_platform\n' >st/setuptools/wheel.py
  printf 'import distutils\n' >st/other/x.py
  run check --isolated -q --select RM001 --target-version 3.15 st
  expect_rc rc 1
  expect_no_out vendored 'dist.py:1:'
  expect_no_out setuptools_module 'wheel.py'
  expect_out other_module 'st/other/x.py:1:8: RM001'
  expect_out other_removal 'st/setuptools/_distutils/dist.py:2:8: RM001'
  ;;
r12_version_flags)
  # Found by the hand-judged sample (pyflakes): a module-level version flag,
  # `PY38_PLUS = sys.version_info >= (3, 8)`, then `if PY38_PLUS: ... else:
  # ast.NameConstant`, is a version test. A flag assigned twice is not.
  cat >v.py <<'PY'
import ast, sys
PY38_PLUS = sys.version_info >= (3, 8)
OLD = sys.version_info < (3, 8)
TWICE = sys.version_info >= (3, 8)
TWICE = False
if PY38_PLUS:
    pass
else:
    x = ast.NameConstant
if OLD:
    y = ast.Num
if not PY38_PLUS:
    z = ast.Str
if TWICE:
    pass
else:
    w = ast.Bytes
def f():
    if PY38_PLUS:
        return ast.Ellipsis
PY
  run check --isolated -q --select RM002 --target-version 3.15 v.py
  expect_rc rc 1
  expect_no_out else_of_flag 'v.py:9:'
  expect_no_out old_flag 'v.py:11:'
  expect_no_out not_flag 'v.py:13:'
  expect_out twice 'v.py:17:9: RM002'
  expect_out new_branch 'v.py:20:16: RM002'
  ;;
r12_query_handlers_and_inline_tests)
  # docs/accuracy-sample.md's remaining false-positive classes. Issue 12
  # item 1 for the query rules: a match in a try body whose handler catches
  # what the use raises (the pattern's `#raises!`: AttributeError for
  # `module.__cached__` and `co_lnotab`, TypeError for RLock(x)) is guarded;
  # another handler, a def in the try body, and a bare `__cached__`
  # (NameError) are not. Item 5 inside an expression: `hasattr(m, "x") and
  # m.x`, `not hasattr(m, "x") or m.x`, `m.x if hasattr(m, "x") else ...`;
  # a test of another name, or `or` after a positive test, guards nothing.
  cat >q.py <<'PY'
import ast, threading
def a(module, code):
    try:
        cached = module.__cached__
    except AttributeError:
        cached = None
    try:
        lnotab = code.co_lnotab
    except (ValueError, AttributeError) as e:
        lnotab = None
    try:
        lock = threading.RLock(1)
    except TypeError:
        lock = None
    try:
        return code.co_lnotab
    except ValueError:
        return None
def b(module):
    try:
        def inner():
            return module.__cached__
    except AttributeError:
        inner = None
    try:
        return __cached__
    except AttributeError:
        return None
def c(item):
    x = hasattr(ast, "Bytes") and isinstance(item, ast.Bytes)
    y = not hasattr(ast, "Str") or isinstance(item, ast.Str)
    z = ast.Num if hasattr(ast, "Num") else None
    w = hasattr(ast, "Str") and isinstance(item, ast.Bytes)
    v = hasattr(ast, "Bytes") or isinstance(item, ast.Bytes)
    return getattr(ast, "Bytes", None)
PY
  run check --isolated -q --select RM --target-version 3.15 q.py
  expect_rc rc 1
  expect_no_out attribute_error 'q.py:4:'
  expect_no_out tuple_handler 'q.py:8:'
  expect_no_out type_error 'q.py:12:'
  expect_out other_handler 'q.py:16:16: RM006'
  expect_out def_in_try 'q.py:22:27: RM006'
  expect_out name_error 'q.py:26:16: RM006'
  expect_no_out and_test 'q.py:30:'
  expect_no_out not_or_test 'q.py:31:'
  expect_no_out conditional 'q.py:32:'
  expect_out other_name 'q.py:33:50: RM002'
  expect_out or_after_test 'q.py:34:51: RM002'
  expect_no_out getattr_default 'q.py:35:'
  ;;
r12_09_runtime_collection_aliases)
  # Issue 12 item 9: a runtime use of typing.Counter/OrderedDict/DefaultDict
  # got a safe fix (a dict keyed by typing.Counter and collections.Counter
  # got a duplicate key). Outside type positions the fix is unsafe
  # (Deque, DefaultDict) or not offered (Counter, OrderedDict, ChainMap);
  # in annotations it stays safe.
  printf 'import typing, collections\nx: typing.Counter[str] = collections.Counter()\nK = {typing.Counter: collections.Counter, typing.DefaultDict: 1, typing.List: 2}\n' >k.py
  run check --isolated --select TY006 --min-python 3.10 --fix k.py
  expect_eq annotation_fixed "$(sed -n 2p k.py)" "x: collections.Counter[str] = collections.Counter()"
  expect_eq runtime_kept "$(sed -n 3p k.py)" "K = {typing.Counter: collections.Counter, typing.DefaultDict: 1, list: 2}"
  run check --isolated --select TY006 --min-python 3.10 --fix --unsafe-fixes k.py
  expect_eq unsafe_applied "$(sed -n 3p k.py)" "K = {typing.Counter: collections.Counter, collections.defaultdict: 1, list: 2}"
  ;;
r12_08_annotated_metadata_not_annotations)
  # Issue 12 item 8: strings in calls inside Annotated[...] metadata were
  # taken for quoted annotations; the fix then broke the file and --fix
  # abandoned it with exit 2. Only type positions are annotations.
  cat >an.py <<'PY'
from __future__ import annotations
from typing import Annotated, List
def f(q: Annotated[int, Query(description="the x")] = 0, d: Annotated[str, Doc("""
    Text.
    """)] = "", n: Annotated["List[int]", "meta"] = None) -> None: ...
PY
  run check --isolated --select TY037 --min-python 3.10 --fix an.py
  expect_rc fix_rc 0
  expect_err_empty no_abandoned_file
  expect_eq metadata_kept "$(sed -n 3p an.py)" 'def f(q: Annotated[int, Query(description="the x")] = 0, d: Annotated[str, Doc("""'
  expect_eq type_unquoted "$(sed -n 5p an.py)" '    """)] = "", n: Annotated[List[int], "meta"] = None) -> None: ...'
  ;;
r12_11_anystr_and_guarded_typevars)
  # Issue 12 item 11: functions generic over typing.AnyStr, or over a TypeVar
  # bound under `if TYPE_CHECKING:`, were not reported by TY047.
  printf 'import typing\nfrom typing import TYPE_CHECKING, TypeVar\nif TYPE_CHECKING:\n    U = TypeVar("U", bound=int)\ndef f(x: typing.AnyStr) -> typing.AnyStr: ...\ndef g(x: U) -> U: ...\n' >g.py
  run check --isolated -q --select TY047 --min-python 3.12 g.py
  expect_rc rc 1
  expect_out anystr 'g.py:5:5: TY047'
  expect_out type_checking 'g.py:6:5: TY047'
  run check --isolated --select TY047 --min-python 3.12 --diff --unsafe-fixes g.py
  expect_out anystr_param '+def f[AnyStr: (bytes, str)](x: typing.AnyStr) -> typing.AnyStr: ...'
  expect_out bound_param '+def g[U: int](x: U) -> U: ...'
  ;;
r12_12_type_alias_type_fix_unsafe)
  # Issue 12 item 12: X = TypeAliasType("X", v) -> `type X = v` was a safe
  # fix, but the value becomes lazily evaluated: unsafe.
  printf 'from typing import TypeAliasType\nX = TypeAliasType("X", list[int])\n' >ta.py
  run check --isolated --select TY040 --min-python 3.12 --fix ta.py
  expect_eq safe_leaves_it "$(sed -n 2p ta.py)" 'X = TypeAliasType("X", list[int])'
  run check --isolated --select TY040 --min-python 3.12 --fix --unsafe-fixes ta.py
  expect_eq unsafe_applies "$(cat ta.py)" 'type X = list[int]'
  ;;
r12_06_stubs_are_never_evaluated)
  # Issue 12 item 6: a stub (.pyi) is never run, so its quoted annotations
  # and Optional['X'] are findings (ruff treats stubs as having the future
  # import); the runtime-only caveats do not apply (a TypeAlias fix is safe
  # there). The same text as a .py module keeps them.
  printf 'from typing import Optional, TypeAlias\nclass A:\n    x: "A"\n    def f(self, y: Optional["A"]) -> "A": ...\nX: TypeAlias = int\n' >s.pyi
  cp s.pyi m.py
  run check --isolated -q --select TY037,TY045,TY040 --min-python 3.12 s.pyi m.py
  expect_out quoted 's.pyi:3:8: TY037'
  expect_out optional_quoted 's.pyi:4:20: TY045'
  expect_out return_quoted 's.pyi:4:38: TY037'
  expect_no_out module_quoted 'm.py:3:8: TY037'
  expect_no_out module_optional 'm.py:4:20: TY045'
  run check --isolated --select TY040 --min-python 3.12 --fix s.pyi m.py
  expect_eq stub_alias_fixed "$(tail -1 s.pyi)" 'type X = int'
  expect_eq module_alias_kept "$(tail -1 m.py)" 'X: TypeAlias = int'
  ;;
r12_10_typing_extensions_drop_ins)
  # Issue 12 item 10: typing_extensions.is_typeddict -> typing was reported
  # at 3.10, but typing.is_typeddict ignores typing_extensions' TypedDict
  # (its own class on every Python). A name is reported only where
  # typing_extensions re-exports typing's object.
  printf 'from typing_extensions import is_typeddict\nfrom typing_extensions import Protocol\nfrom typing_extensions import TypeGuard\n' >te.py
  run check --isolated -q --select TY035 --min-python 3.12 te.py
  expect_no_out is_typeddict 'te.py:1:1: TY035'
  expect_no_out protocol_before_314 'te.py:2:1: TY035'
  expect_out typeguard 'te.py:3:1: TY035'
  run check --isolated -q --select TY035 --min-python 3.14 te.py
  expect_no_out is_typeddict_314 'te.py:1:1: TY035'
  expect_out protocol_314 'te.py:2:1: TY035'
  ;;
r12_ty_found_by_measurement)
  # Found comparing TY with ruff on the issue 12 repositories: a
  # `from __future__ import annotations` after a comment and a docstring
  # was not seen (attrs' typing_tests), and a union with a quoted operand
  # under `if TYPE_CHECKING:` (never evaluated) was skipped (pydantic).
  printf '# SPDX-License-Identifier: MIT\n"""Doc."""\nfrom __future__ import annotations\nclass E:\n    y: "list[int]" = 0\n' >fut.py
  printf 'from typing import TYPE_CHECKING, Union\nif TYPE_CHECKING:\n    X = Union[int, "A"]\n' >tc.py
  run check --isolated -q --select TY037,TY007 --min-python 3.10 fut.py tc.py
  expect_out future_after_docstring 'fut.py:5:8: TY037'
  expect_out type_checking_union 'tc.py:3:9: TY007'
  ;;
*)
  echo "unknown case '$CASE' (see tests/cli/known_bugs.txt)" >&2
  exit 2
  ;;
esac
finish
