/* suppress_fuzz.c: libFuzzer target for inline suppression comments.
 *
 * The input is the text of one comment (normally starting at '#'), given to
 * ps_suppress_parse with its exact length: the parser promises never to read
 * past len. Each directive is then checked: at most two, of a known kind,
 * either `all` or with codes; every code is a NUL-terminated run of
 * upper-case letters and digits starting with a letter; and
 * ps_suppress_covers must cover each of its own codes and a longer id with
 * that prefix, and must agree with `all` for ids no code matches.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

static const char *const IDS[] = {"RM001", "RM101", "FT002", "TY006", "DP", "A", ""};

static void check_code(const char *code) {
  size_t n = strnlen(code, sizeof ((PsSuppressDirective *)0)->codes[0]);
  if (n == 0 || n >= sizeof ((PsSuppressDirective *)0)->codes[0]) abort();
  if (!isupper((unsigned char)code[0])) abort();
  for (size_t i = 0; i < n; i++)
    if (!isupper((unsigned char)code[i]) && !isdigit((unsigned char)code[i])) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  PsSuppressDirective d[2];
  memset(d, 0xA5, sizeof d); /* the parser must set what it returns */
  int n = ps_suppress_parse((const char *)data, size, d);
  if (n < 0 || n > 2) abort();
  for (int i = 0; i < n; i++) {
    if (d[i].kind != PS_SUPPRESS_LINE && d[i].kind != PS_SUPPRESS_FILE) abort();
    if (d[i].n_codes > PS_SUPPRESS_MAX_CODES) abort();
    if (!d[i].all && d[i].n_codes == 0) abort();
    for (size_t k = 0; k < d[i].n_codes; k++) {
      const char *code = d[i].codes[k];
      check_code(code);
      if (!ps_suppress_covers(&d[i], code)) abort();
      char longer[32];
      size_t cl = strlen(code);
      memcpy(longer, code, cl);
      memcpy(longer + cl, "999", 4);
      if (!ps_suppress_covers(&d[i], longer)) abort();
    }
    for (size_t k = 0; k < sizeof IDS / sizeof IDS[0]; k++) {
      bool covered = ps_suppress_covers(&d[i], IDS[k]);
      bool by_code = false;
      for (size_t c = 0; c < d[i].n_codes; c++)
        by_code |= strncmp(IDS[k], d[i].codes[c], strlen(d[i].codes[c])) == 0;
      if (covered != (d[i].all || by_code)) abort();
    }
  }
  /* NONE never covers anything. */
  PsSuppressDirective none = {0};
  if (ps_suppress_covers(&none, "RM001")) abort();
  return 0;
}
