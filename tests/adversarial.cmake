# tests/adversarial.cmake: issue 14's regression cases owned by the
# reliability work on bounded memory (r14_05, r14_10), registered like
# tests/cli.cmake's cli.regress.* cases, and the slow adversarial suite
# (tests/adversarial/README.md).

if(NOT TARGET pyshift)
  return()
endif()

foreach(_case r14_05_base_class_paths r14_10_file_memory_budget)
  add_test(NAME cli.regress.${_case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/regressions.sh
                   $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR} ${_case})
  set_tests_properties(cli.regress.${_case} PROPERTIES LABELS "cli;regress" TIMEOUT 300)
endforeach()

# The adversarial suite: every pathological input of issue 14 at full size
# (a 16 MB file, a 4 MiB pyproject.toml, ...), generated under a temporary
# directory, each run with --file-timeout 2 under RLIMIT_AS. Slow: minutes
# when everything holds, up to a minute per case that does not.
find_program(PS_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT PS_PYTHON3)
  find_program(PS_PYTHON3 NAMES python3)
endif()
if(PS_PYTHON3)
  add_test(NAME adversarial
           COMMAND ${PS_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/adversarial/run.py $<TARGET_FILE:pyshift>)
  set_tests_properties(adversarial PROPERTIES LABELS slow TIMEOUT 2400)
endif()
