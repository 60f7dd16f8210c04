# oracle.cmake: the independent ast oracle (tests/oracle/) against pyshift.
#
#   oracle.fixtures        fixtures/ at every target version; must agree 100%
#   oracle.stdlib          Debian's /usr/lib/python3.11 (with the testsuite)  } only if the
#   oracle.dist_packages   Debian's /usr/lib/python3/dist-packages            } directory exists;
#                          LABELS slow (ctest -LE slow skips them)
#
# Disagreements judged to be pyshift bugs are listed in tests/oracle/known.txt
# and left out of the thresholds, unless PS_KNOWN_BUGS=1 at configure time.
#
# Always /usr/bin/python3 (Debian's 3.11, standard library only): the oracle
# relies on that interpreter's `ast`.
set(PS_ORACLE_PYTHON /usr/bin/python3)
if(EXISTS ${PS_ORACLE_PYTHON})
  set(_oracle ${CMAKE_CURRENT_SOURCE_DIR}/oracle/compare.py
      --pyshift $<TARGET_FILE:pyshift> --rules-dir ${CMAKE_SOURCE_DIR}/rules)
  if(NOT "$ENV{PS_KNOWN_BUGS}" STREQUAL "1")
    list(APPEND _oracle --known ${CMAKE_CURRENT_SOURCE_DIR}/oracle/known.txt)
  endif()
  add_test(NAME oracle.fixtures
           COMMAND ${PS_ORACLE_PYTHON} ${_oracle} --min-recall 100
                   --target-version 3.12 --target-version 3.13 --target-version 3.14
                   --target-version 3.15 ${CMAKE_SOURCE_DIR}/fixtures)
  set_tests_properties(oracle.fixtures PROPERTIES TIMEOUT 120)
  # --min-findings: each corpus had at least this many when last measured
  # (stdlib 107, dist-packages 725); far fewer means the comparison became
  # vacuous, as when typeshed's stubs once made every stdlib name first-party.
  foreach(_corpus "stdlib|/usr/lib/python3.11|50" "dist_packages|/usr/lib/python3/dist-packages|100")
    string(REPLACE "|" ";" _corpus "${_corpus}")
    list(GET _corpus 0 _name)
    list(GET _corpus 1 _dir)
    list(GET _corpus 2 _min)
    if(IS_DIRECTORY ${_dir})
      add_test(NAME oracle.${_name}
               COMMAND ${PS_ORACLE_PYTHON} ${_oracle} --min-findings ${_min}
                       --target-version 3.14 --target-version 3.15 ${_dir})
      # Two full ast-oracle passes (one per target): ~5 min each on a quiet
      # 2-core machine, over 15 min on a loaded one.
      set_tests_properties(oracle.${_name} PROPERTIES TIMEOUT 1800 LABELS slow)
    endif()
  endforeach()
endif()
