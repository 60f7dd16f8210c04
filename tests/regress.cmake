# regress.cmake: regression tests for bugs found in the CLI's plumbing.

# `-o /dev/null` once renamed its temp file over /dev/null, replacing the
# device with a regular file. Outputs that are not regular files are
# written in place.
add_test(NAME regress.output_to_device
  COMMAND bash -c "\"$0\" check --exit-zero -q -o /dev/null \"$1\" && test -c /dev/null"
          $<TARGET_FILE:pyshift> ${CMAKE_SOURCE_DIR}/fixtures/sample)
