# tests/mp.cmake: the MP rules (issue 11) under a real CPython 3.14.
#
# Tests added here, all LABELS slow (`ctest -LE slow` skips them):
#   mp.python314   tests/mp/python314.sh makes (or reuses) a CPython 3.14
#                  from Debian unstable's packages in build/python314 and
#                  checks it: default start method forkserver, a lambda
#                  given to Pool.map raises PicklingError. Skipped (77)
#                  where the packages cannot be downloaded.
set(PS_MP_PYTHON_CACHE "${CMAKE_BINARY_DIR}/python314")
add_test(NAME mp.python314 COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/mp/python314.sh ${PS_MP_PYTHON_CACHE})
set_tests_properties(mp.python314 PROPERTIES LABELS slow TIMEOUT 900 SKIP_RETURN_CODE 77
                     FIXTURES_SETUP mp_python314)
