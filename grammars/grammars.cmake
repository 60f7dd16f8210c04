# grammars.cmake: fetch and build the pinned tree-sitter runtime and the
# tree-sitter-python grammar.
#
# The sources come from the npm packages pinned by package.json and
# package-lock.json beside this file; nothing third-party is committed. They
# are installed with `npm ci --ignore-scripts` into the build tree at configure
# time, again whenever the lockfile changes (it is a configure dependency).
# Set PS_GRAMMAR_SOURCES to a directory that already holds node_modules/ to
# build offline.
#
# Targets: ps_tree_sitter (runtime, lib.c) and ps_grammar_python (parser.c +
# scanner.c), static, compiled with their own flags: always optimised, no
# project warnings, and never instrumented by the project's sanitizer flags
# unless PS_SANITIZE_THIRD_PARTY is on.

set(PS_GRAMMAR_LOCK "${CMAKE_CURRENT_LIST_DIR}/package-lock.json")
set(PS_GRAMMAR_PKG "${CMAKE_CURRENT_LIST_DIR}/package.json")
set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${PS_GRAMMAR_LOCK}" "${PS_GRAMMAR_PKG}")

set(PS_GRAMMAR_SOURCES "" CACHE PATH "directory holding node_modules/ with the pinned packages (default: npm ci into the build tree)")

if(PS_GRAMMAR_SOURCES)
  set(_ps_npm_dir "${PS_GRAMMAR_SOURCES}")
else()
  set(_ps_npm_dir "${CMAKE_BINARY_DIR}/grammars")
  file(SHA256 "${PS_GRAMMAR_LOCK}" _ps_lock_hash)
  set(_ps_stamp "${_ps_npm_dir}/.lock-sha256")
  set(_ps_old_hash "")
  if(EXISTS "${_ps_stamp}")
    file(READ "${_ps_stamp}" _ps_old_hash)
  endif()
  if(NOT _ps_old_hash STREQUAL _ps_lock_hash
     OR NOT EXISTS "${_ps_npm_dir}/node_modules/tree-sitter/vendor/tree-sitter/lib/src/lib.c"
     OR NOT EXISTS "${_ps_npm_dir}/node_modules/tree-sitter-python/src/parser.c")
    find_program(PS_NPM npm REQUIRED)
    file(MAKE_DIRECTORY "${_ps_npm_dir}")
    file(COPY "${PS_GRAMMAR_PKG}" "${PS_GRAMMAR_LOCK}" DESTINATION "${_ps_npm_dir}")
    message(STATUS "pyshift: npm ci --ignore-scripts in ${_ps_npm_dir}")
    execute_process(
      COMMAND "${PS_NPM}" ci --ignore-scripts --no-audit --no-fund --loglevel=error
      WORKING_DIRECTORY "${_ps_npm_dir}"
      RESULT_VARIABLE _ps_npm_rc
      OUTPUT_VARIABLE _ps_npm_out
      ERROR_VARIABLE _ps_npm_out)
    if(NOT _ps_npm_rc EQUAL 0)
      message(FATAL_ERROR "pyshift: `npm ci --ignore-scripts` failed in ${_ps_npm_dir} (exit ${_ps_npm_rc}):\n${_ps_npm_out}")
    endif()
    file(WRITE "${_ps_stamp}" "${_ps_lock_hash}")
  endif()
endif()

set(PS_TS_DIR "${_ps_npm_dir}/node_modules/tree-sitter/vendor/tree-sitter/lib")
set(PS_TSPY_DIR "${_ps_npm_dir}/node_modules/tree-sitter-python/src")
foreach(_f "${PS_TS_DIR}/src/lib.c" "${PS_TS_DIR}/include/tree_sitter/api.h"
           "${PS_TSPY_DIR}/parser.c" "${PS_TSPY_DIR}/scanner.c")
  if(NOT EXISTS "${_f}")
    message(FATAL_ERROR "pyshift: missing ${_f}: the pinned npm packages are incomplete")
  endif()
endforeach()

set(_ps_tp_flags -O2 -w)
if(NOT PS_SANITIZE_THIRD_PARTY)
  list(APPEND _ps_tp_flags -fno-sanitize=all)
endif()

add_library(ps_tree_sitter STATIC "${PS_TS_DIR}/src/lib.c")
target_include_directories(ps_tree_sitter SYSTEM PUBLIC "${PS_TS_DIR}/include"
                           PRIVATE "${PS_TS_DIR}/src" "${PS_TS_DIR}/src/wasm")
target_compile_definitions(ps_tree_sitter PRIVATE _POSIX_C_SOURCE=200112L _DEFAULT_SOURCE)
target_compile_options(ps_tree_sitter PRIVATE ${_ps_tp_flags})
set_target_properties(ps_tree_sitter PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)

add_library(ps_grammar_python STATIC "${PS_TSPY_DIR}/parser.c" "${PS_TSPY_DIR}/scanner.c")
target_include_directories(ps_grammar_python PRIVATE "${PS_TSPY_DIR}")
target_compile_options(ps_grammar_python PRIVATE ${_ps_tp_flags})
set_target_properties(ps_grammar_python PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
