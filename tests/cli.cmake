# tests/cli.cmake: end-to-end tests of the pyshift command line.
#
# Each tests/cli/<area>.sh is run as
#     bash tests/cli/<area>.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR}
# works in its own mktemp -d directory, prints "N passed, M failed" and
# exits non-zero on failure. Shared helpers are in tests/cli/lib.sh.
#
# Tests added here:
#   cli.exit_codes   exit status, options, selection, target versions, stdin,
#                    output files and formats, --jobs determinism,
#                    suppressions, rules/explain/--version
#   cli.bad_input    files that cannot be scanned (cleanly): encodings, NULs,
#                    sizes, nesting depth, symlink loops, bad rules/config,
#                    unwritable outputs, SIGPIPE
#   cli.gitignore    .gitignore, default excludes, --exclude, first-party
#                    modules shadowing removed stdlib ones
#   cli.docs_fresh   docs/rules/ matches `pyshift rules --markdown`, and
#                    `pyshift rules --check` passes
#   cli.fix          --fix, --unsafe-fixes and --diff with the test rules of
#                    tests/fix/rules: contents byte for byte, encodings,
#                    BOM, CRLF, broken fixes, symlinks, modes, unwritable
#                    directories, standard input, pyproject keys
#
# Regressions: tests/cli/regressions.sh holds one case per bug found by
# these tests (lone CR line numbers, upper-case NOQA, fingerprints of raw
# bytes, stdin mixed with paths, doubled usage errors, SARIF URIs outside
# the working directory); each is registered as cli.regress.<case>.
# tests/cli/known_bugs.txt lists cases that still fail: they are registered
# as cli.known_bug.<case> only with PS_KNOWN_BUGS=1 at configure time.

# PS_SARIF_ENV: where the scripts' validate_sarif finds the schema and the
# SARIF Multitool.
include(${CMAKE_CURRENT_LIST_DIR}/report.cmake)

if(NOT TARGET pyshift)
  return()
endif()

foreach(_area exit_codes bad_input gitignore docs_fresh limits fix ty_fix)
  add_test(NAME cli.${_area}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${_area}.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli.${_area} PROPERTIES TIMEOUT 600 LABELS cli ENVIRONMENT "${PS_SARIF_ENV}")
endforeach()
# The 2000-file SIGPIPE tree and the deep-nesting files are the slow parts.
set_tests_properties(cli.bad_input PROPERTIES TIMEOUT 900)

# Real pre-commit against .pre-commit-hooks.yaml; the hook's first run builds
# pyshift (tools/pre-commit-hook), once per build tree.
add_test(NAME cli.precommit
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/precommit.sh
                 $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.precommit PROPERTIES TIMEOUT 900 LABELS "cli;slow"
                     ENVIRONMENT "PS_HOOK_CACHE=${CMAKE_BINARY_DIR}/hook-cache")

# The free-threading analysis: a multi-module tree whose threads reach a
# cache through two imports.
add_test(NAME cli.ft
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/ft.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.ft PROPERTIES LABELS cli)

# The project stage: a two-module fixture with a test-only join analysis.
add_test(NAME cli.project
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/project.sh
                 $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.project PROPERTIES LABELS cli ENVIRONMENT "${PS_SARIF_ENV}")

# --format gitlab and --format junit end to end (tests/cli/formats.sh).
add_test(NAME cli.formats
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/formats.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.formats PROPERTIES LABELS cli)

# The CI docs' commands (docs/ci/, README.md, docs/output-formats.md) run as written.
add_test(NAME cli.ci_docs
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/ci_docs.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.ci_docs PROPERTIES LABELS cli ENVIRONMENT "${PS_SARIF_ENV}")

set(_ps_regressions nothing_to_check_warns typing_bounds_in_rules config_from_first_path unused_import_prose noqa_ruff_codes stubs_are_not_first_party lone_cr_line_numbers noqa_uppercase fingerprint_raw_bytes stdin_drops_paths
    usage_error_printed_twice sarif_uri_outside_cwd)
# Issue 13 (CI): one case per item
list(APPEND _ps_regressions r13_01_config_error_stops_the_run r13_02_output_routing
     r13_03_exit_zero_means_zero r13_04_sarif_repository_root
     r13_05_github_sarif_limits)
# Issue 14 (reliability II): one case per item
list(APPEND _ps_regressions r14_04_unreadable_pyproject_is_an_error r14_07_rule_size_limits r14_09_toml_linear
     r14_11_rule_paths_stay_in_project r14_12_rule_dir_special_files r14_17_max_file_size_zero)
list(APPEND _ps_regressions r14_08_glob_starstar_repeat r14_13_fix_links_scope_readonly r14_14_fix_python_rejects
     r14_15_outputs_collide_fail_signal r14_16_path_escapes)
list(APPEND _ps_regressions r14_01_long_line_prefilter r14_02_regex_errors_are_not_no_match
     r14_03_deep_nesting_not_truncated r14_06_file_timeout_whole_file)
# Issue 12 (RM/DP accuracy): one case per item
list(APPEND _ps_regressions r12_01_broad_handlers_do_not_guard r12_02_receiver_gate_and_aliases r12_02_cross_module_bases
     r12_04_version_guards_relative r12_05_feature_tests_guard r12_05_dead_import_fallbacks
     r12_stub_of_removed_module r12_distutils_inside_setuptools
     r12_version_flags r12_query_handlers_and_inline_tests)
# Issue 12, the TY items
list(APPEND _ps_regressions r12_06_stubs_are_never_evaluated r12_08_annotated_metadata_not_annotations r12_09_runtime_collection_aliases r12_10_typing_extensions_drop_ins
     r12_11_anystr_and_guarded_typevars r12_12_type_alias_type_fix_unsafe
     r12_ty_found_by_measurement)
foreach(_case ${_ps_regressions})
  add_test(NAME cli.regress.${_case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/regressions.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
  set_tests_properties(cli.regress.${_case} PROPERTIES LABELS "cli;regress" ENVIRONMENT "${PS_SARIF_ENV}")
endforeach()

# The 25,000-result log of r13_05 (40 MB) through GitHub's checks on every
# result and both SARIF validators on one result per class: under a minute.
add_test(NAME cli.regress.r13_05_github_sarif_limits_valid
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/regressions.sh
                 $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} r13_05_github_sarif_limits_valid)
set_tests_properties(cli.regress.r13_05_github_sarif_limits_valid PROPERTIES
                     LABELS "cli;regress;slow" TIMEOUT 600 ENVIRONMENT "${PS_SARIF_ENV}")

# Issue 13, adopting on a big codebase: tests/cli/adopt.sh, one case per item.
set(_ps_adopt_cases r13_06_fail_on r13_07_baseline r13_08_add_noqa r13_09_unused_ignores r13_10_since)
foreach(_case ${_ps_adopt_cases})
  add_test(NAME cli.adopt.${_case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/adopt.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
  set_tests_properties(cli.adopt.${_case} PROPERTIES LABELS "cli;adopt"
                       ENVIRONMENT "${PS_SARIF_ENV}")
endforeach()

# PYSHIFT_TIMING (bench/README.md): the per-stage timing line.
add_test(NAME cli.timing COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/timing.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.timing PROPERTIES LABELS "cli")

# Issue 13, the result cache: tests/cli/cache.sh, one case per property.
set(_ps_cache_cases r13_11_rerun r13_11_changed_file r13_11_invalidation r13_11_corrupt r13_11_concurrent
    r13_11_off r13_11_project r13_11_location r13_11_evict_clean)
foreach(_case ${_ps_cache_cases})
  add_test(NAME cli.cache.${_case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/cache.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
  set_tests_properties(cli.cache.${_case} PROPERTIES LABELS "cli;cache" TIMEOUT 600)
endforeach()

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_SOURCE_DIR}/cli/known_bugs.txt)
if("$ENV{PS_KNOWN_BUGS}" STREQUAL "1")
  file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/cli/known_bugs.txt _ps_known_bugs)
  foreach(_line ${_ps_known_bugs})
    if(_line MATCHES "^([a-z0-9_]+)")
      set(_case ${CMAKE_MATCH_1})
      add_test(NAME cli.known_bug.${_case}
               COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/regressions.sh
                       $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
      set_tests_properties(cli.known_bug.${_case} PROPERTIES LABELS "cli;known_bug")
    endif()
  endforeach()
endif()
