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
