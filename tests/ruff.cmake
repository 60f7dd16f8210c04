# ruff.cmake: pyshift's TY rules against ruff, the reference (bench/ruff/).
#
#   ruff.compare    bench/ruff/compare.py on Debian's stdlib, and django and
#                   mypy's sources when installed, at min-python 3.9, 3.10 and
#                   3.12: every TY rule with a ruff counterpart must agree
#                   >= 99% both ways (documented differences set apart)
#   ruff.fixcheck   --fix on a copy of the stdlib (3.10 and 3.12): every
#                   changed file compiles, nothing safely fixable is left
#
# Both need node/npm (bench/ruff/setup.sh installs the pinned ruff wasm
# package from the npm registry) and are LABELS slow: the Release build of
# .ci/test runs them, `ctest -LE slow` skips them.
find_program(PS_NODE node)
if(PS_NODE AND EXISTS /usr/bin/python3 AND IS_DIRECTORY /usr/lib/python3.11)
  set(_ruff ${CMAKE_SOURCE_DIR}/bench/ruff)
  set(_corpora --corpus stdlib=/usr/lib/python3.11)
  foreach(_c "django|/usr/lib/python3/dist-packages/django" "mypy|/usr/lib/python3/dist-packages/mypy")
    string(REPLACE "|" ";" _c "${_c}")
    list(GET _c 0 _name)
    list(GET _c 1 _dir)
    if(IS_DIRECTORY ${_dir})
      list(APPEND _corpora --corpus ${_name}=${_dir})
    endif()
  endforeach()
  add_test(NAME ruff.compare
           COMMAND sh -c "\"$0/setup.sh\" && /usr/bin/python3 \"$0/compare.py\" \"$@\"" ${_ruff}
                   --pyshift $<TARGET_FILE:pyshift>
                   ${_corpora} --targets 3.9,3.10,3.12 --show 5 --min-agreement 0.99)
  set_tests_properties(ruff.compare PROPERTIES TIMEOUT 900 LABELS slow)
  foreach(_v 3.10 3.12)
    add_test(NAME ruff.fixcheck.${_v}
             COMMAND sh ${_ruff}/fixcheck.sh --pyshift $<TARGET_FILE:pyshift> --min-python ${_v}
                     /usr/lib/python3.11)
    set_tests_properties(ruff.fixcheck.${_v} PROPERTIES TIMEOUT 900 LABELS slow)
  endforeach()
endif()
