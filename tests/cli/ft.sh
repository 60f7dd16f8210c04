# The free-threading analysis end to end (issue 10): tests/project/ft, a
# tree whose app.py starts threads that reach pkg/cache.py through two
# imports (the re-export `pkg.lookup` and `import pkg.cache as c`).
#   - FT rules run for free-threaded targets and when selected (--select FT
#     on 3.14), and not by default on 3.14;
#   - the thread-reached check-then-act in pkg/cache.py and the global
#     read-modify-write in pkg/stats.py are found; benign and lock-guarded
#     objects and `# pyshift: ignore[FT003]` are silent;
#   - --ft-mode: app reports only what threads reach, library (and auto for
#     a package that starts no thread) also any public function;
#   - [tool.pyshift.ft] thread-entries makes a call a thread entry;
#   - JSON and SARIF are byte-identical at --jobs 1 and 2.
# bash ft.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

cp -r "$SRC/tests/project/ft" tree
[ -f tree/pkg/cache.py ] || { echo "FAIL: the fixture tree is missing"; exit 1; }
cd tree

run check --isolated .
expect_rc default_target_off 0
expect_no_out default_target_no_ft 'FT0'

run check --isolated --target-version 3.14t --ft-mode app .
expect_rc ft_rc 1
expect_out cache_cta 'pkg/cache.py:11:9: FT003 check-then-act on shared `_cache` (pkg/cache.py:3): `_cache[key] = object()` acts on the test `key not in _cache` (line 10)'
expect_out cache_test '    pkg/cache.py:10:8: the test `key not in _cache`'
expect_out stats_rmw 'pkg/stats.py:6:5: FT002 `served += 1` updates shared `served` (pkg/stats.py:1) non-atomically: two threads can run it at once'
expect_no_out benign 'pkg/cache.py:19:'
expect_no_out guarded 'pkg/cache.py:25:'
expect_no_out suppressed 'pkg/cache.py:30:'
expect_no_out app_mode_library_code 'pkg/registry.py'
expect_no_out app_mode_unknown_entry 'spawn.py'
expect_eq app_count "$(finding_count)" 2

run check --isolated --select FT --target-version 3.14 --ft-mode app .
expect_rc selected_rc 1
expect_out selected_on_3_14 'pkg/cache.py:11:9: FT003'

run check --isolated --target-version 3.14t --ft-mode library .
expect_out library_registry 'pkg/registry.py:7:9: FT003 check-then-act on shared `_handlers`'
expect_out library_spawn 'spawn.py:12:5: FT001'

# auto: app.py starts threads (its package is an application), pkg and
# spawn start none that the analysis knows: library code.
run check --isolated --target-version 3.14t .
expect_out auto_registry 'pkg/registry.py:7:9: FT003'
expect_out auto_cache 'pkg/cache.py:11:9: FT003'

printf '[tool.pyshift]\nft-mode = "app"\n[tool.pyshift.ft]\nthread-entries = {"spawn.run_later" = "fn,0"}\n' >pyproject.toml
run check --target-version 3.14t .
expect_out custom_entry 'spawn.py:12:5: FT001 non-atomic `counts["n"] = counts.get("n", 0) + 1` on shared `counts` (spawn.py:4)'
expect_no_out custom_entry_app_mode 'pkg/registry.py'
printf '[tool.pyshift.ft]\nthread-entries = {"spawn.run_later" = "fn"}\n' >pyproject.toml
run check --target-version 3.14t .
expect_rc bad_entry_rc 2
expect_err bad_entry 'ft.thread-entries'
printf '[tool.pyshift]\nft-mode = "sometimes"\n' >pyproject.toml
run check --target-version 3.14t .
expect_rc bad_mode_rc 2
expect_err bad_mode '`ft-mode` must be'
rm pyproject.toml
run check --isolated --target-version 3.14t --ft-mode never .
expect_rc bad_flag_rc 2
expect_err bad_flag '--ft-mode must be auto, app or library'

# Identical output for any --jobs.
for j in 1 2; do
  run check --isolated --target-version 3.14t -j$j --format json=j$j.json --format sarif=s$j.sarif .
  expect_rc "jobs$j.rc" 1
done
expect_eq json_jobs "$(md5sum <j1.json | cut -c1-32)" "$(md5sum <j2.json | cut -c1-32)"
mask() { grep -vE '"(startTimeUtc|endTimeUtc|commandLine)"|"-j[12]"|"(json|sarif)=[js][12]\.(json|sarif)"' "$1" | md5sum | cut -c1-32; }
expect_eq sarif_jobs "$(mask s1.sarif)" "$(mask s2.sarif)"
finish
