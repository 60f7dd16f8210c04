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
#   mp.targets     (fast) MP003 at --target-version 3.13 vs 3.14, MP005, MP006
#                  without threads, MP003/MP004 across modules
#                  (tests/mp/targets/mp_cross): tests/mp/targets.sh
add_test(NAME mp.targets COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/mp/targets.sh $<TARGET_FILE:pyshift>
                                    ${CMAKE_CURRENT_LIST_DIR}/mp/targets)
#   mp.runtime     (slow) tests/mp/runtime.sh: each tests/mp/programs/mpNNN_*.bad.py
#                  is reported by MPNNN and fails under the real 3.14 the way
#                  the rule says; its .ok.py twin is not reported and runs.
#                  mpNNN_*.bad/ and .ok/ directories are the cases across
#                  modules: pyshift checks the directory (the project
#                  stage), the interpreter runs its main.py.
add_test(NAME mp.runtime COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/mp/runtime.sh $<TARGET_FILE:pyshift>
                                     ${PS_MP_PYTHON_CACHE} ${CMAKE_CURRENT_LIST_DIR}/mp/programs)
set_tests_properties(mp.runtime PROPERTIES LABELS slow TIMEOUT 1200 SKIP_RETURN_CODE 77
                     FIXTURES_REQUIRED mp_python314)
