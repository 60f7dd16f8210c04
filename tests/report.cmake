# tests/report.cmake: tests of the report module beyond its unit test
# (tests/unit/test_report.c is registered as unit.test_report by
# tests/CMakeLists.txt).
#
# Microsoft's SARIF Multitool is pinned by tests/sarif-multitool/package.json
# and package-lock.json and installed for tests only, like the grammars: `npm
# ci --ignore-scripts` into ${CMAKE_BINARY_DIR}/sarif-multitool at configure
# time, again when the lockfile changes (the package's only install script
# is `chmod u+x Sarif.Multitool`, done here instead). Set
# PS_SARIF_MULTITOOL_DIR to a directory that already holds node_modules/ to
# configure offline (.ci/test points its ASan build at the Release build's).
# A failed install is a configure warning, not an error: the validation
# tests then skip, or fail when the environment variable CI is set.
#
# For other tests/*.cmake files this defines:
#
#   PS_SARIF_MULTITOOL the Sarif.Multitool executable (may not exist)
#   PS_SARIF_SCHEMA    the SARIF 2.1.0 schema that package ships
#                      (sarif-2.1.0.json, JSON Schema 2020-12), or the file
#                      named by the cache variable PS_SARIF_SCHEMA_FILE (e.g.
#                      OASIS' draft-04 sarif-schema-2.1.0.json, which is
#                      stricter about regions).
#   PS_SARIF_VALIDATE  tests/tools/sarif_validate.py
#   PS_SYSTEM_PYTHON3  the python that runs it (/usr/bin/python3 preferred:
#                      it has Debian's python3-jsonschema).
#   PS_SARIF_ENV       "PS_SARIF_SCHEMA=...;PS_SARIF_MULTITOOL=...", the
#                      ENVIRONMENT for a test script that validates SARIF
#                      itself (tests/cli/*.sh call sarif_validate.py with
#                      "$PS_SARIF_SCHEMA").
#
#   ps_add_sarif_validation(NAME FILE [FIXTURES fixture...] [LABELS ...])
#       Adds the ctest NAME, which validates FILE (a path that exists when
#       the test runs) against PS_SARIF_SCHEMA, GitHub code scanning's
#       expectations and the Multitool (`validate --rule-kind "Gh;Sarif"`: no
#       error or warning). If the schema, jsonschema or the Multitool is
#       missing the test is skipped (exit 77, SKIP_RETURN_CODE) unless the
#       environment variable CI is set, in which case it fails. FIXTURES
#       names the ctest fixtures (FIXTURES_SETUP of the tests that write
#       FILE) it requires.
#
# tests/CMakeLists.txt includes tests/*.cmake in alphabetical order; a file
# sorting before this one that uses any of the above should first
# include(${CMAKE_CURRENT_LIST_DIR}/report.cmake) (it is include-guarded).
#
# Tests added here:
#   report.sarif.write     test_report --write-sarif: a rich synthetic run
#   report.sarif.golden    ... is byte-identical to tests/report/rich.sarif
#                          (regenerate with build/tests/test_report
#                          --write-sarif tests/report/rich.sarif and review the diff)
#   report.sarif.validate  ... passes sarif_validate.py
#   report.sarif.validator_catches  sarif_validate.py rejects
#                          tests/report/bad.sarif (the Multitool's GitHub
#                          rules fire; not a skip that passes by accident)
#   report.gitlab.checker_catches, report.junit.checker_catches
#                          tests/tools/gitlab_codequality_check.py and
#                          junit_check.py reject tests/report/bad.gitlab.json
#                          and bad.junit.xml (WILL_FAIL)
#   report.sarif.stdlib    pyshift --select ALL over /usr/lib/python3.11
#                          (label slow; skipped when that corpus is missing)
#                          writes SARIF that passes sarif_validate.py
include_guard(GLOBAL)

set(PS_SARIF_MULTITOOL_LOCK "${CMAKE_CURRENT_LIST_DIR}/sarif-multitool/package-lock.json")
set(PS_SARIF_MULTITOOL_PKG "${CMAKE_CURRENT_LIST_DIR}/sarif-multitool/package.json")
set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${PS_SARIF_MULTITOOL_LOCK}" "${PS_SARIF_MULTITOOL_PKG}")
set(PS_SARIF_MULTITOOL_DIR "" CACHE PATH
    "directory holding node_modules/ with the pinned SARIF Multitool (default: npm ci into the build tree)")
set(_ps_smt_pkg "node_modules/@microsoft/sarif-multitool-linux")
if(PS_SARIF_MULTITOOL_DIR)
  set(_ps_smt_dir "${PS_SARIF_MULTITOOL_DIR}")
else()
  set(_ps_smt_dir "${CMAKE_BINARY_DIR}/sarif-multitool")
  file(SHA256 "${PS_SARIF_MULTITOOL_LOCK}" _ps_smt_hash)
  set(_ps_smt_stamp "${_ps_smt_dir}/.lock-sha256")
  set(_ps_smt_old "")
  if(EXISTS "${_ps_smt_stamp}")
    file(READ "${_ps_smt_stamp}" _ps_smt_old)
  endif()
  if(NOT _ps_smt_old STREQUAL _ps_smt_hash
     OR NOT EXISTS "${_ps_smt_dir}/${_ps_smt_pkg}/Sarif.Multitool")
    find_program(PS_NPM npm)
    if(PS_NPM)
      file(MAKE_DIRECTORY "${_ps_smt_dir}")
      file(COPY "${PS_SARIF_MULTITOOL_PKG}" "${PS_SARIF_MULTITOOL_LOCK}" DESTINATION "${_ps_smt_dir}")
      message(STATUS "pyshift: npm ci --ignore-scripts in ${_ps_smt_dir} (SARIF Multitool, tests only)")
      execute_process(
        COMMAND "${PS_NPM}" ci --ignore-scripts --no-audit --no-fund --loglevel=error
        WORKING_DIRECTORY "${_ps_smt_dir}"
        RESULT_VARIABLE _ps_smt_rc
        OUTPUT_VARIABLE _ps_smt_out
        ERROR_VARIABLE _ps_smt_out)
      if(_ps_smt_rc EQUAL 0)
        file(WRITE "${_ps_smt_stamp}" "${_ps_smt_hash}")
      else()
        message(WARNING "pyshift: `npm ci --ignore-scripts` failed in ${_ps_smt_dir} (exit ${_ps_smt_rc}); "
                        "the SARIF validation tests will skip (fail under CI=...):\n${_ps_smt_out}")
      endif()
    else()
      message(WARNING "pyshift: npm not found: the SARIF validation tests will skip (fail under CI=...)")
    endif()
  endif()
endif()
set(PS_SARIF_MULTITOOL "${_ps_smt_dir}/${_ps_smt_pkg}/Sarif.Multitool")
if(EXISTS "${PS_SARIF_MULTITOOL}")
  # The package's postinstall (skipped by --ignore-scripts) does only this.
  file(CHMOD "${PS_SARIF_MULTITOOL}" FILE_PERMISSIONS
       OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endif()
set(PS_SARIF_SCHEMA_FILE "" CACHE FILEPATH
    "SARIF 2.1.0 JSON schema for the SARIF validation tests (default: the Multitool package's sarif-2.1.0.json)")
if(PS_SARIF_SCHEMA_FILE)
  set(PS_SARIF_SCHEMA "${PS_SARIF_SCHEMA_FILE}")
else()
  set(PS_SARIF_SCHEMA "${_ps_smt_dir}/${_ps_smt_pkg}/sarif-2.1.0.json")
endif()
set(PS_SARIF_VALIDATE "${CMAKE_CURRENT_LIST_DIR}/tools/sarif_validate.py")
find_program(PS_SYSTEM_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(PS_SYSTEM_PYTHON3 NAMES python3)
set(PS_SARIF_ENV "PS_SARIF_SCHEMA=${PS_SARIF_SCHEMA};PS_SARIF_MULTITOOL=${PS_SARIF_MULTITOOL}")

function(ps_add_sarif_validation name file)
  cmake_parse_arguments(ARG "" "" "FIXTURES;LABELS" ${ARGN})
  add_test(NAME ${name}
           COMMAND ${PS_SYSTEM_PYTHON3} ${PS_SARIF_VALIDATE}
                   --multitool ${PS_SARIF_MULTITOOL} ${PS_SARIF_SCHEMA} ${file})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
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
  # The Multitool really runs: a log that passes the schema and our own
  # GitHub checks but lacks what GitHub requires of a rule (GH2012).
  add_test(NAME report.sarif.validator_catches
           COMMAND ${PS_SYSTEM_PYTHON3} ${PS_SARIF_VALIDATE} --expect-multitool-errors
                   --multitool ${PS_SARIF_MULTITOOL} ${PS_SARIF_SCHEMA}
                   ${CMAKE_CURRENT_LIST_DIR}/report/bad.sarif)
  set_tests_properties(report.sarif.validator_catches PROPERTIES SKIP_RETURN_CODE 77)
  # sarif_validate.py --representatives (r13_05's 25,000-result log) still
  # fails a bad result among thousands and a log over GitHub's limit.
  add_test(NAME report.sarif.representatives_catch
           COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/tools/sarif_representatives_test.py
                   ${PS_SARIF_SCHEMA} ${PS_SARIF_MULTITOOL} ${CMAKE_CURRENT_LIST_DIR}/report/rich.sarif)
  set_tests_properties(report.sarif.representatives_catch PROPERTIES SKIP_RETURN_CODE 77 LABELS slow TIMEOUT 600)
endif()

# The GitLab and JUnit checkers (used by tests/golden.cmake and
# tests/cli/formats.sh) reject what they should.
add_test(NAME report.gitlab.checker_catches
         COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/tools/gitlab_codequality_check.py
                 ${CMAKE_CURRENT_LIST_DIR}/report/bad.gitlab.json)
add_test(NAME report.junit.checker_catches
         COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/tools/junit_check.py
                 ${CMAKE_CURRENT_LIST_DIR}/report/bad.junit.xml)
set_tests_properties(report.gitlab.checker_catches report.junit.checker_catches PROPERTIES WILL_FAIL TRUE)

# A real corpus with every rule (and the project stage's explained findings
# where the stdlib has any): GitHub's and the Multitool's view of a big log.
if(TARGET pyshift)
  add_test(NAME report.sarif.stdlib.write
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/report/corpus_sarif.sh
                   $<TARGET_FILE:pyshift> /usr/lib/python3.11 ${CMAKE_CURRENT_BINARY_DIR}/stdlib.sarif)
  set_tests_properties(report.sarif.stdlib.write PROPERTIES
                       FIXTURES_SETUP ps_stdlib_sarif LABELS slow SKIP_RETURN_CODE 77 TIMEOUT 900)
  ps_add_sarif_validation(report.sarif.stdlib ${CMAKE_CURRENT_BINARY_DIR}/stdlib.sarif
                          FIXTURES ps_stdlib_sarif LABELS slow)
endif()
