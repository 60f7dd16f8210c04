# ft.cmake: the free-threading (FT) proof corpus, issue 10.
#
#   ft.stress   tests/ft/stress.py: every stress-verified real-race pair in tests/ft/races/
#               is driven from several threads under Python 3.11 with
#               sys.setswitchinterval(1e-6); the racy version must fail (lost updates,
#               KeyError, "changed size during iteration", "generator already executing",
#               double initialisation) and the fixed one must not. LABELS slow (about a
#               minute); `ctest -LE slow` skips it.
#
#   ft.corpus   tests/ft/check.py --strict: the FT analysis against the markers of
#               tests/ft/races/ (real races) and tests/ft/semantics/ (every example of the
#               "Thread Safety Guarantees" page): fails on any missed `# expect:` marker or
#               any finding on an `# ok:` line (near-miss), except the markers listed with a
#               reason in tests/ft/known-misses.txt (an entry whose marker is found fails
#               too, so the list only shrinks); exit 2 when the corpus is missing or empty.
#               Findings on unmarked lines are listed, not failures.
#   ft.corpus_library   the same with `--ft-mode library` (any public function may run in
#               several threads at once): every marker still found, no near-miss.
#
# Neither passes empty: without a Python 3.11 interpreter, or without the corpus, the
# test is still registered and fails with a message saying what is missing.
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

find_program(PS_SYSTEM_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(PS_SYSTEM_PYTHON3 NAMES python3)
if(PS_SYSTEM_PYTHON3)
  add_test(NAME ft.corpus
           COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/ft/check.py --pyshift $<TARGET_FILE:pyshift>
                   --races ${_ft_corpus} --semantics ${CMAKE_CURRENT_SOURCE_DIR}/ft/semantics
                   --allow ${CMAKE_CURRENT_SOURCE_DIR}/ft/known-misses.txt --strict --strict-unexpected=no)
  add_test(NAME ft.corpus_library
           COMMAND ${PS_SYSTEM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/ft/check.py --pyshift $<TARGET_FILE:pyshift>
                   --races ${_ft_corpus} --semantics ${CMAKE_CURRENT_SOURCE_DIR}/ft/semantics
                   --allow ${CMAKE_CURRENT_SOURCE_DIR}/ft/known-misses.txt --strict --strict-unexpected=no
                   --pyshift-arg=--ft-mode=library)
else()
  add_test(NAME ft.corpus COMMAND sh -c "echo 'ft.corpus: no python3 interpreter found' >&2; exit 1")
  add_test(NAME ft.corpus_library COMMAND sh -c "echo 'ft.corpus_library: no python3 interpreter found' >&2; exit 1")
endif()
set_tests_properties(ft.corpus ft.corpus_library PROPERTIES LABELS ft TIMEOUT 300)
