# ft.cmake: the free-threading (FT) proof corpus, issue 10.
#
#   ft.stress   tests/ft/stress.py: every stress-verified real-race pair in tests/ft/races/
#               is driven from several threads under Python 3.11 with
#               sys.setswitchinterval(1e-6); the racy version must fail (lost updates,
#               KeyError, "changed size during iteration", "generator already executing",
#               double initialisation) and the fixed one must not. LABELS slow (about a
#               minute); `ctest -LE slow` skips it.
#
# It never passes empty: without a Python 3.11 interpreter, or without the corpus, the
# test is still registered and fails with a message saying what is missing.
# tests/ft/check.py (the FT analysis against the corpus markers) is not registered yet:
# the FT rules are not on main.
set(_ft_corpus ${CMAKE_CURRENT_SOURCE_DIR}/ft/races)
find_program(PS_PYTHON311 NAMES python3.11
             PATHS /usr/bin $ENV{HOME}/.pyenv/versions/3.11.7/bin NO_DEFAULT_PATH)
if(NOT PS_PYTHON311)
  find_program(PS_PYTHON311 NAMES python3.11)
endif()
if(PS_PYTHON311 AND IS_DIRECTORY ${_ft_corpus})
  add_test(NAME ft.stress
           COMMAND ${PS_PYTHON311} ${CMAKE_CURRENT_SOURCE_DIR}/ft/stress.py --corpus ${_ft_corpus})
else()
  if(NOT PS_PYTHON311)
    set(_ft_missing "no python3.11 interpreter found (looked in /usr/bin, ~/.pyenv/versions/3.11.7/bin, PATH)")
  else()
    set(_ft_missing "corpus directory ${_ft_corpus} is missing")
  endif()
  add_test(NAME ft.stress
           COMMAND sh -c "echo \"ft.stress: $0\" >&2; exit 1" "${_ft_missing}")
endif()
set_tests_properties(ft.stress PROPERTIES LABELS slow TIMEOUT 600)
