# fixtures.cmake: the fixture runner over every fixtures/<family>/*.py, and
# the rule-file lint (`pyshift rules --check`).
add_executable(run_fixtures ${CMAKE_CURRENT_SOURCE_DIR}/run_fixtures.c)
target_compile_options(run_fixtures PRIVATE ${PS_WARN})
target_link_libraries(run_fixtures PRIVATE ps_core)
file(GLOB PS_FIXTURES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fixtures/*/[A-Z][A-Z][0-9][0-9][0-9]-*.py)
add_test(NAME fixtures COMMAND run_fixtures ${CMAKE_SOURCE_DIR}/rules ${PS_FIXTURES})
add_test(NAME rules.check COMMAND pyshift rules --check)
set_tests_properties(rules.check PROPERTIES ENVIRONMENT "PYSHIFT_RULES_DIR=${CMAKE_SOURCE_DIR}/rules")
# RM006 reports DP006's patterns as removals from 3.15: the queries must not drift.
add_test(NAME rules.same_query
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/same_query.sh
                 ${CMAKE_SOURCE_DIR}/rules/deprecated/DP006-pending-removal-3-15-behaviour.rule
                 ${CMAKE_SOURCE_DIR}/rules/removed/RM006-removed-3-15-behaviour.rule)
# The FT rules share one vocabulary table.
add_test(NAME rules.ft_vocabulary COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/ft_vocab_same.sh ${CMAKE_SOURCE_DIR}/rules)
