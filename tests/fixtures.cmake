# fixtures.cmake: the fixture runner over every fixtures/<family>/*.py, and
# the rule-file lint (`pyshift rules --check`).
add_executable(run_fixtures ${CMAKE_CURRENT_SOURCE_DIR}/run_fixtures.c)
target_compile_options(run_fixtures PRIVATE ${PS_WARN})
target_link_libraries(run_fixtures PRIVATE ps_core)
file(GLOB PS_FIXTURES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fixtures/*/[A-Z][A-Z][0-9][0-9][0-9]-*.py)
add_test(NAME fixtures COMMAND run_fixtures ${CMAKE_SOURCE_DIR}/rules ${PS_FIXTURES})
add_test(NAME rules.check COMMAND pyshift rules --check)
set_tests_properties(rules.check PROPERTIES ENVIRONMENT "PYSHIFT_RULES_DIR=${CMAKE_SOURCE_DIR}/rules")
