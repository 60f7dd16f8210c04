/* check.h: the unit tests' assertion macro.
 *
 * CHECK(cond, why) prints file:line and the reason when cond is false and
 * counts the failure; CHECK_DONE() prints "N passed, M failed" and returns the
 * exit status for main().
 */
#ifndef PS_TESTS_CHECK_H
#define PS_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int ps_check_passed, ps_check_failed;

#define CHECK(cond, ...)                                                     \
  do {                                                                       \
    if (cond) {                                                              \
      ps_check_passed++;                                                     \
    } else {                                                                 \
      ps_check_failed++;                                                     \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                          \
      fputc('\n', stderr);                                                   \
    }                                                                        \
  } while (0)

#define CHECK_STR(a, b)                                                      \
  do {                                                                       \
    const char *ps__a = (a), *ps__b = (b);                                   \
    CHECK(ps__a && ps__b && strcmp(ps__a, ps__b) == 0, "got \"%s\", want \"%s\"", \
          ps__a ? ps__a : "(null)", ps__b ? ps__b : "(null)");               \
  } while (0)

#define CHECK_INT(a, b)                                                      \
  do {                                                                       \
    long long ps__a = (long long)(a), ps__b = (long long)(b);                \
    CHECK(ps__a == ps__b, "got %lld, want %lld", ps__a, ps__b);              \
  } while (0)

#define CHECK_DONE()                                                         \
  (printf("%d passed, %d failed\n", ps_check_passed, ps_check_failed),       \
   ps_check_failed ? 1 : 0)

#endif
