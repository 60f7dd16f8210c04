# The project stage end to end: tests/project/tree (a package re-exporting
# its legacy API, callers in other modules) with the test-only project
# analysis rule tests/project/rules/XP001 (project-calls), whose join needs
# facts from several files.
#   - calls through a from-import of the re-export, a module alias and an
#     `as` alias are found in other files; same-named functions elsewhere
#     are not; a reference that is not a call is not;
#   - a suppression in the calling file and per-file-ignores apply;
#   - JSON and SARIF are byte-identical at --jobs 1 and 2, project findings
#     merged in line order with the file's own; SARIF related locations
#     name the other file, and the SARIF passes the schema and GitHub's rules
#     and the SARIF Multitool (validate_sarif);
#   - with --fix, writes wait for the join and project findings point into
#     the fixed text.
# bash project.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

RULES="$SRC/tests/project/rules"
[ -f "$RULES/XP001-legacy-api-call.rule" ] || { echo "FAIL: the test rule is missing"; exit 1; }
cp -r "$SRC/tests/project/tree" tree
[ -f tree/pkg/legacy.py ] || { echo "FAIL: the fixture tree is missing"; exit 1; }
cd tree

run check --isolated --rules "$RULES" --select XP001 .
expect_rc rc 1
expect_out header 'Project-wide findings (from analyses across files):'
expect_out reexport 'main.py:9:5: XP001 `old_api` calls `pkg.legacy.old_api` (defined at pkg/legacy.py:1); use pkg.api.new_api'
expect_out module_alias 'main.py:10:5: XP001 `L.old_api` calls `pkg.legacy.old_api`'
expect_out as_alias 'other.py:5:12: XP001 `go` calls `pkg.legacy.old_api`'
expect_out own_module 'pkg/legacy.py:6:12: XP001 `old_api` calls'
expect_out related '    pkg/legacy.py:1:1: defined here'
expect_out method 'other.py:11:12: XP001 `c.send` calls `pkg.client.Client.send` (defined at pkg/client.py:2); use pkg.client.Client.post'
expect_no_out suppressed 'main.py:11:'
expect_no_out not_a_call 'main.py:12:'
expect_no_out near_miss 'near_miss.py'
expect_eq count "$(finding_count)" 5
expect_out summary 'Found 5 findings in 3 files.'

# per-file-ignores apply to project findings.
printf '[tool.pyshift]\nper-file-ignores = {"other.py" = ["XP"]}\n' >pyproject.toml
run check --rules "$RULES" --select XP001 .
expect_no_out per_file_ignores 'other.py:'
expect_eq per_file_ignores_count "$(finding_count)" 3
rm pyproject.toml

# Byte-identical JSON and SARIF for any --jobs; merged in line order.
for j in 1 2; do
  run check --isolated --rules "$RULES" --extend-select XP001 --min-python 3.9 -j$j \
    --format json=j$j.json --format sarif=s$j.sarif .
  expect_rc "jobs$j.rc" 1
done
expect_eq json_jobs "$(md5sum <j1.json | cut -c1-32)" "$(md5sum <j2.json | cut -c1-32)"
mask() { grep -vE '"(startTimeUtc|endTimeUtc|commandLine)"|"-j[12]"|"(json|sarif)=[js][12]\.(json|sarif)"' "$1" | md5sum | cut -c1-32; }
expect_eq sarif_jobs "$(mask s1.sarif)" "$(mask s2.sarif)"
order=$("$PY3" -c 'import json,sys; print(" ".join("%s:%d:%s" % (f["path"], f["range"]["start"]["line"], f["rule"]) for f in json.load(open(sys.argv[1])) if f["path"] == "main.py"))' j1.json)
expect_eq merged_order "$order" "main.py:1:RM001 main.py:2:TY035 main.py:8:TY006 main.py:9:XP001 main.py:10:XP001"
rel=$("$PY3" -c '
import json, sys
s = json.load(open(sys.argv[1]))
for r in s["runs"][0]["results"]:
    if r["ruleId"] == "XP001":
        print(r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"], "primaryLocationLineHash" in r.get("partialFingerprints", {}))
        break' s1.sarif)
expect_eq sarif_related "$rel" "pkg/legacy.py True"
validate_sarif sarif_valid s1.sarif

# --fix: the writes wait for the join; findings point into the fixed text.
run check --isolated --rules "$RULES" --extend-select XP001 --min-python 3.9 --fix .
expect_rc fix_rc 1
expect_out fixed_summary 'Found 7 findings (1 fixed, 6 remaining).'
expect_eq fixed_line "$(sed -n 7p main.py)" 'def run(items: list[int]):'
expect_out fixed_position 'main.py:8:5: XP001 `old_api` calls'
expect_no_out stale_position 'main.py:9:5: XP001 `old_api`'
finish
