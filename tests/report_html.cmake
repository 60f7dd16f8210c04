# tests/report_html.cmake: the HTML report, --format html (issue 13, "The
# reviewer's report"); its unit checks are test_html* in
# tests/unit/test_report.c (unit.test_report).
#
# Tests added here:
#   cli.html               tests/cli/html.sh: the page beside other formats and
#                          on stdout, the same bytes for --jobs 1 and 2 (start
#                          time masked), every JSON finding in its data, a
#                          hostile directory and source line from a real scan
#                          escaped
#   report.html.write      test_report --write-html (hostile strings, findings
#                          grouped by shared object, links) and
#                          --write-html-many 10000 (the scale page)
#   report.html.hostile    tests/tools/html_browser.py hostile: in headless
#                          Chromium nothing of the hostile strings runs or
#                          becomes an element, they show as text; the groups
#                          explain the race; links reach the linked finding
#   report.html.scale      ... scale: 10,000 findings, one page of them in the
#                          DOM, the last reachable by its anchor, filters
#   cli.html_baseline      tests/cli/html_baseline.sh: with --baseline every
#                          finding's state in the page's data is the SARIF's
#                          baselineState, counts in the summary, a "Baseline"
#                          filter only then; writes the page for ...
#   report.html.baseline   ... baseline: each finding's badge, the summary's
#                          new/unchanged/absent counts, "new only" and the
#                          summary cards filter to exactly those findings
#   report.html.stdlib     (slow) the standard library of the system's python3
#                          scanned with the default rules (--format html and
#                          json in one run), checked in Chromium against the
#                          JSON: counts, listed findings, every filter, the
#                          chart's links, paging
# Each browser test keeps a screenshot in ${CMAKE_BINARY_DIR}/tests/artifacts/html/.
# They exit 77 (skipped) without chromium, but fail when CI is set:
# .ci/install-deps installs Debian's chromium.
if(NOT TARGET pyshift OR NOT TARGET test_report)
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/report.cmake) # PS_SYSTEM_PYTHON3

add_test(NAME cli.html
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/html.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR})
set_tests_properties(cli.html PROPERTIES LABELS cli TIMEOUT 300)

set(_ps_html ${CMAKE_BINARY_DIR}/tests/artifacts/html)
set(_ps_browser ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/tools/html_browser.py)
file(MAKE_DIRECTORY ${_ps_html})

add_test(NAME report.html.write
         COMMAND sh -c "\"$0\" --write-html \"$1/hostile.html\" && \"$0\" --write-html-many 10000 \"$1/scale.html\""
                 $<TARGET_FILE:test_report> ${_ps_html})
set_tests_properties(report.html.write PROPERTIES FIXTURES_SETUP ps_html_pages)

add_test(NAME report.html.hostile COMMAND ${_ps_browser} hostile ${_ps_html}/hostile.html ${_ps_html}/hostile.png)
add_test(NAME report.html.scale
         COMMAND ${_ps_browser} scale ${_ps_html}/scale.html 10000 ${_ps_html}/scale.png)
add_test(NAME cli.html_baseline
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/html_baseline.sh $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR}
                 ${_ps_html})
set_tests_properties(cli.html_baseline PROPERTIES LABELS cli TIMEOUT 120 FIXTURES_SETUP ps_html_baseline)
add_test(NAME report.html.baseline
         COMMAND ${_ps_browser} baseline ${_ps_html}/baseline.html ${_ps_html}/baseline.sarif ${_ps_html}/baseline.png)
set_tests_properties(report.html.baseline PROPERTIES FIXTURES_REQUIRED ps_html_baseline SKIP_RETURN_CODE 77
                     TIMEOUT 180 LABELS browser RUN_SERIAL ON)
set_tests_properties(report.html.hostile report.html.scale PROPERTIES
                     FIXTURES_REQUIRED ps_html_pages SKIP_RETURN_CODE 77 TIMEOUT 180 LABELS browser RUN_SERIAL ON)

execute_process(COMMAND ${PS_SYSTEM_PYTHON3} -c "import sysconfig; print(sysconfig.get_paths()['stdlib'])"
                OUTPUT_VARIABLE _ps_stdlib OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(_ps_stdlib AND IS_DIRECTORY ${_ps_stdlib})
  add_test(NAME report.html.stdlib.scan
           COMMAND $<TARGET_FILE:pyshift> check --exit-zero --format html=${_ps_html}/stdlib.html
                   --format json=${_ps_html}/stdlib.json .
           WORKING_DIRECTORY ${_ps_stdlib})
  set_tests_properties(report.html.stdlib.scan PROPERTIES
                       FIXTURES_SETUP ps_html_stdlib LABELS "browser;slow" TIMEOUT 900)
  add_test(NAME report.html.stdlib
           COMMAND ${_ps_browser} corpus ${_ps_html}/stdlib.html ${_ps_html}/stdlib.json ${_ps_html}/stdlib.png)
  set_tests_properties(report.html.stdlib PROPERTIES FIXTURES_REQUIRED ps_html_stdlib SKIP_RETURN_CODE 77
                       TIMEOUT 300 LABELS "browser;slow" RUN_SERIAL ON)
endif()
