# tests/golden.cmake: golden CLI outputs over fixtures/.
#
# golden.run runs tests/golden/run.sh: pyshift over fixtures/ from the source
# dir in text, json, sarif, github, gitlab and junit, redacted by
# tests/golden/redact.py
# (tool version, times, working directory URIs, command line). Then:
#   golden.text, golden.json, golden.sarif, golden.github, golden.gitlab,
#   golden.junit
#       diff against tests/golden/expected.{txt,json,sarif,github,gitlab,xml};
#       regenerate with tests/golden/update.sh build/pyshift and review
#   golden.sarif.validate      the unredacted SARIF passes the 2.1.0 schema
#                              and GitHub's rules (ps_add_sarif_validation)
#   golden.sarif.fingerprints  every result has primaryLocationLineHash and
#                              relative URIs carry uriBaseId %SRCROOT%
#   golden.gitlab.schema       the GitLab report passes GitLab's published
#                              schema and documented fields
#                              (tests/tools/gitlab_codequality_check.py), one
#                              issue per JSON finding
#   golden.junit.xml           the JUnit report parses (xml.etree) and has
#                              the shape GitLab and Jenkins read
#                              (tests/tools/junit_check.py), a failure per
#                              JSON finding
include(${CMAKE_CURRENT_LIST_DIR}/report.cmake)

if(NOT TARGET pyshift)
  return()
endif()

set(_ps_golden_out ${CMAKE_CURRENT_BINARY_DIR}/golden)
add_test(NAME golden.run
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden/run.sh
                 $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_ps_golden_out})
set_tests_properties(golden.run PROPERTIES FIXTURES_SETUP ps_golden_out LABELS golden)

foreach(_fmt text json sarif github gitlab junit)
  set(_ext ${_fmt})
  if(_fmt STREQUAL "text")
    set(_ext txt)
  elseif(_fmt STREQUAL "junit")
    set(_ext xml)
  endif()
  add_test(NAME golden.${_fmt}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden/compare.sh
                   ${CMAKE_CURRENT_SOURCE_DIR}/golden/expected.${_ext} ${_ps_golden_out}/actual.${_ext})
  set_tests_properties(golden.${_fmt} PROPERTIES FIXTURES_REQUIRED ps_golden_out LABELS golden)
endforeach()

ps_add_sarif_validation(golden.sarif.validate ${_ps_golden_out}/raw.sarif FIXTURES ps_golden_out)
add_test(NAME golden.sarif.fingerprints
         COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/golden/sarif_checks.py
                 ${_ps_golden_out}/raw.sarif)
set_tests_properties(golden.sarif.fingerprints PROPERTIES FIXTURES_REQUIRED ps_golden_out LABELS golden)
add_test(NAME golden.gitlab.schema
         COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/tools/gitlab_codequality_check.py
                 ${_ps_golden_out}/raw.gitlab ${_ps_golden_out}/raw.json)
set_tests_properties(golden.gitlab.schema PROPERTIES FIXTURES_REQUIRED ps_golden_out LABELS golden)
add_test(NAME golden.junit.xml
         COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/tools/junit_check.py
                 ${_ps_golden_out}/raw.xml ${_ps_golden_out}/raw.json)
set_tests_properties(golden.junit.xml PROPERTIES FIXTURES_REQUIRED ps_golden_out LABELS golden)
