# tests/report.cmake: tests of the report module beyond its unit test
# (tests/unit/test_report.c is registered as unit.test_report by
# tests/CMakeLists.txt).
#
# For other tests/*.cmake files this defines:
#
#   PS_SARIF_SCHEMA    the SARIF 2.1.0 schema, by default
#                      ${CMAKE_SOURCE_DIR}/../shared/schemas/sarif-schema-2.1.0.json
#                      (shared/ is checked out beside the repo); a cache
#                      variable, so -DPS_SARIF_SCHEMA=... overrides it.
#   PS_SARIF_VALIDATE  tests/tools/sarif_validate.py
#   PS_SYSTEM_PYTHON3  the python that runs it (/usr/bin/python3 preferred:
#                      it has Debian's python3-jsonschema).
#
#   ps_add_sarif_validation(NAME FILE [FIXTURES fixture...])
#       Adds the ctest NAME, which validates FILE (a path that exists when
#       the test runs) against PS_SARIF_SCHEMA and GitHub code scanning's
#       expectations. If the schema or jsonschema is missing the test is
#       skipped (exit 77, SKIP_RETURN_CODE) unless the environment variable
#       CI is set, in which case it fails. FIXTURES names the ctest fixtures
#       (FIXTURES_SETUP of the tests that write FILE) it requires.
#
# tests/CMakeLists.txt includes tests/*.cmake in alphabetical order; a file
# sorting before this one that calls ps_add_sarif_validation should first
# include(${CMAKE_CURRENT_LIST_DIR}/report.cmake) (it is include-guarded).
#
# Tests added here:
#   report.sarif.write     test_report --write-sarif: a rich synthetic run
#   report.sarif.golden    ... is byte-identical to tests/report/rich.sarif
#                          (regenerate with build/tests/test_report
#                          --write-sarif tests/report/rich.sarif and review the diff)
#   report.sarif.validate  ... passes sarif_validate.py
include_guard(GLOBAL)

set(PS_SARIF_SCHEMA "${CMAKE_SOURCE_DIR}/../shared/schemas/sarif-schema-2.1.0.json"
    CACHE FILEPATH "SARIF 2.1.0 JSON schema used by the SARIF validation tests")
set(PS_SARIF_VALIDATE "${CMAKE_CURRENT_LIST_DIR}/tools/sarif_validate.py")
find_program(PS_SYSTEM_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(PS_SYSTEM_PYTHON3 NAMES python3)

function(ps_add_sarif_validation name file)
  cmake_parse_arguments(ARG "" "" "FIXTURES" ${ARGN})
  add_test(NAME ${name}
           COMMAND ${PS_SYSTEM_PYTHON3} ${PS_SARIF_VALIDATE} ${PS_SARIF_SCHEMA} ${file})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
endfunction()

if(TARGET test_report)
  set(_ps_rich_sarif ${CMAKE_CURRENT_BINARY_DIR}/report_rich.sarif)
  add_test(NAME report.sarif.write COMMAND test_report --write-sarif ${_ps_rich_sarif})
  set_tests_properties(report.sarif.write PROPERTIES FIXTURES_SETUP ps_report_rich_sarif)
  add_test(NAME report.sarif.golden
           COMMAND ${CMAKE_COMMAND} -E compare_files
                   ${CMAKE_CURRENT_LIST_DIR}/report/rich.sarif ${_ps_rich_sarif})
  set_tests_properties(report.sarif.golden PROPERTIES FIXTURES_REQUIRED ps_report_rich_sarif)
  ps_add_sarif_validation(report.sarif.validate ${_ps_rich_sarif} FIXTURES ps_report_rich_sarif)
endif()
