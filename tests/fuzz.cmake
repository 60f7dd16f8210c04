# fuzz.cmake: the libFuzzer targets in tests/fuzz/ and their corpus replays.
#
# Always (any compiler): one replay driver per target, <target>_replay
# (tests/fuzz/<target>.c + tests/fuzz/replay_main.c, no libFuzzer), and the
# ctest tests
#   fuzz.replay.<target>   every file in tests/fuzz/corpora/<target>/, with
#                          the LeakSanitizer suppressions of
#                          tests/fuzz/lsan.supp (known third-party leaks)
#   fuzz.known_bug.<target>  every file in tests/fuzz/known_crashes/<target>/
#                          (inputs that still crash, awaiting a fix), only
#                          registered when PS_KNOWN_BUGS=1 is set at
#                          configure time, so CI stays green:
#     PS_KNOWN_BUGS=1 cmake -S . -B build && ctest --test-dir build -R known_bug
#
# With -DPS_FUZZ=ON (clang only: CC=clang): the fuzzers themselves, <target>,
# built with -fsanitize=fuzzer,address,undefined; and every ps_* library is
# compiled with -fsanitize=fuzzer-no-link,address,undefined so libFuzzer sees
# coverage of the scanner, not just of the harness. The tree-sitter runtime
# and grammar keep their own flags (see grammars/grammars.cmake). Because the
# instrumented libraries need the sanitizer runtimes, every executable that
# links them (pyshift, unit tests, replays) is linked with
# -fsanitize=address,undefined in that build. docs/fuzzing.md says how to run.

set(PS_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR}/fuzz)
set(PS_FUZZ_TARGETS parse_scan_fuzz rule_load_fuzz toml_fuzz suppress_fuzz glob_fuzz)

if(PS_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PS_FUZZ=ON needs clang (configure with CC=clang); the compiler is ${CMAKE_C_COMPILER_ID}")
  endif()
  set(PS_FUZZ_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  # target_compile_options works on targets made in other directories;
  # add_compile_options here would only reach targets made below tests/.
  foreach(mod ${PS_MODULES})
    set(_tgt ps_${mod})
    if(mod STREQUAL "core")
      set(_tgt ps_core_mod)
    endif()
    target_compile_options(${_tgt} PRIVATE -fsanitize=fuzzer-no-link ${PS_FUZZ_SAN_FLAGS})
  endforeach()
  target_link_options(ps_core_mod INTERFACE -fsanitize=address,undefined)
  # Frame pointers let LeakSanitizer's fast unwinder see tree-sitter frames,
  # which tests/fuzz/lsan.supp names.
  target_compile_options(ps_tree_sitter PRIVATE -fno-omit-frame-pointer)
endif()

# Leaks inside third-party code that pyshift cannot fix (tests/fuzz/lsan.supp).
# The slow unwinder finds tree-sitter's frames in any sanitizer build.
set(PS_FUZZ_LSAN "LSAN_OPTIONS=suppressions=${PS_FUZZ_DIR}/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0")

foreach(t ${PS_FUZZ_TARGETS})
  set(_defs PS_FUZZ_RULES_DIR="${CMAKE_SOURCE_DIR}/rules")

  add_executable(${t}_replay ${PS_FUZZ_DIR}/${t}.c ${PS_FUZZ_DIR}/replay_main.c)
  target_compile_options(${t}_replay PRIVATE ${PS_WARN})
  if(PS_FUZZ)
    target_compile_options(${t}_replay PRIVATE ${PS_FUZZ_SAN_FLAGS})
  endif()
  target_compile_definitions(${t}_replay PRIVATE ${_defs})
  target_link_libraries(${t}_replay PRIVATE ps_core)
  add_test(NAME fuzz.replay.${t} COMMAND ${t}_replay ${PS_FUZZ_DIR}/corpora/${t})
  set_tests_properties(fuzz.replay.${t} PROPERTIES ENVIRONMENT "${PS_FUZZ_LSAN}" LABELS fuzz)

  # Known crashes: registered only when PS_KNOWN_BUGS=1 is set at configure
  # time, as tests/cli.cmake does for its known bugs.
  if("$ENV{PS_KNOWN_BUGS}" STREQUAL "1")
    file(GLOB _known CONFIGURE_DEPENDS ${PS_FUZZ_DIR}/known_crashes/${t}/*)
    list(FILTER _known EXCLUDE REGEX "/(README\\.md|\\.[^/]*)$")
    if(_known)
      add_test(NAME fuzz.known_bug.${t} COMMAND ${t}_replay ${PS_FUZZ_DIR}/known_crashes/${t})
      # Some are hangs: fail them in a minute, not ctest's default 25.
      set_tests_properties(fuzz.known_bug.${t} PROPERTIES LABELS "fuzz;known_bug" TIMEOUT 60)
    endif()
  endif()

  if(PS_FUZZ)
    add_executable(${t} ${PS_FUZZ_DIR}/${t}.c)
    target_compile_options(${t} PRIVATE ${PS_WARN} -fsanitize=fuzzer ${PS_FUZZ_SAN_FLAGS})
    target_link_options(${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_compile_definitions(${t} PRIVATE ${_defs})
    target_link_libraries(${t} PRIVATE ps_core)
  endif()
endforeach()
