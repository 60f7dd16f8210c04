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

if(NOT TARGET pyshift)
  return()
endif()

foreach(_area exit_codes bad_input gitignore docs_fresh limits fix ty_fix)
  add_test(NAME cli.${_area}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${_area}.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli.${_area} PROPERTIES TIMEOUT 600 LABELS cli)
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
                 $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${PS_SARIF_SCHEMA})
set_tests_properties(cli.project PROPERTIES LABELS cli)

set(_ps_regressions nothing_to_check_warns config_from_first_path unused_import_prose noqa_ruff_codes stubs_are_not_first_party lone_cr_line_numbers noqa_uppercase fingerprint_raw_bytes stdin_drops_paths
    usage_error_printed_twice sarif_uri_outside_cwd)
# Issue 14 (reliability II): one case per item
list(APPEND _ps_regressions r14_04_unreadable_pyproject_is_an_error r14_07_rule_size_limits r14_09_toml_linear
     r14_11_rule_paths_stay_in_project r14_12_rule_dir_special_files r14_17_max_file_size_zero)
list(APPEND _ps_regressions r14_08_glob_starstar_repeat r14_13_fix_links_scope_readonly r14_14_fix_python_rejects
     r14_15_outputs_collide_fail_signal r14_16_path_escapes)
list(APPEND _ps_regressions r14_01_long_line_prefilter r14_02_regex_errors_are_not_no_match
     r14_03_deep_nesting_not_truncated r14_06_file_timeout_whole_file)
foreach(_case ${_ps_regressions})
  add_test(NAME cli.regress.${_case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/regressions.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
  set_tests_properties(cli.regress.${_case} PROPERTIES LABELS "cli;regress")
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
