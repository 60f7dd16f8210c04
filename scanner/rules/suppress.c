/* suppress.c: inline suppression comments.
 *
 *   # pyshift: ignore[RM001, TY0]   this line, these ids or prefixes
 *   # pyshift: ignore               this line, every rule
 *   # pyshift: ignore-file[FT]      the whole file (anywhere in it)
 *   # noqa: RM001,TY006             this line (ruff/flake8 compatible)
 *   # noqa: UP006                   this line: ruff's UPnnn is pyshift's TYnnn
 *   # noqa                          this line, the TY rules only
 *   # ruff: noqa: UP035             the whole file, TY035 (also `# flake8:`)
 *   # ruff: noqa                    the whole file, the TY rules only
 *
 * A blanket `# noqa` was written for some linter's warning (flake8's unused
 * import on `import imp`, say); it must not hide that the line breaks on
 * the target Python. So a noqa without codes covers the TY family, which
 * mirrors ruff's pyupgrade rules, and nothing else: RM, DP, FT and MP
 * findings need their ids (or `# pyshift: ignore`). ruff's UP codes map to
 * the TY rule of the same number, so a project that silenced ruff's rule
 * is not told the same thing again by pyshift.
 *
 * The parser is strict about what it accepts and never reads past `len`:
 * it is fed arbitrary bytes by a fuzzer.
 */
#include <ctype.h>
#include <string.h>

#include "rules/rules.h"

static size_t skip_sp(const char *s, size_t i, size_t n) {
  while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
  return i;
}

static bool is_code_char(char c) { return isupper((unsigned char)c) || isdigit((unsigned char)c); }

/* Parses a list of codes separated by commas and/or spaces, stopping at
 * `stop` (']' for brackets, 0 for end of the noqa list). Returns the index
 * after the list, or 0 on a syntax error. */
static size_t parse_codes(const char *s, size_t i, size_t n, char stop, PsSuppressDirective *d, bool *too_long) {
  for (;;) {
    i = skip_sp(s, i, n);
    if (i < n && s[i] == ',') {
      i++;
      continue;
    }
    if (stop && i < n && s[i] == stop) return i + 1;
    size_t j = i;
    while (j < n && is_code_char(s[j])) j++;
    if (j == i) return stop ? 0 : i;
    if (!isupper((unsigned char)s[i])) return stop ? 0 : i;
    if (j - i >= sizeof d->codes[0]) *too_long = true; /* no rule's id or prefix */
    else if (d->n_codes < PS_SUPPRESS_MAX_CODES) {
      memcpy(d->codes[d->n_codes], s + i, j - i);
      d->codes[d->n_codes][j - i] = '\0';
      /* In a noqa list, ruff's UPnnn is TYnnn. */
      if (!stop && j - i >= 2 && s[i] == 'U' && s[i + 1] == 'P') memcpy(d->codes[d->n_codes], "TY", 2);
      d->n_codes++;
    }
    i = j;
    if (i >= n) return stop ? 0 : i;
  }
}

static bool word_at(const char *s, size_t i, size_t n, const char *w) {
  size_t k = strlen(w);
  return i + k <= n && strncasecmp(s + i, w, k) == 0;
}

/* A noqa without codes: the TY family only (see the top of the file). */
static void blanket_noqa(PsSuppressDirective *d) {
  d->all = false;
  d->n_codes = 1;
  memcpy(d->codes[0], "TY", 3);
}

int ps_suppress_parse(const char *comment, size_t len, PsSuppressDirective out[2]) {
  int found = 0;
  bool have_pyshift = false, have_noqa = false;
  for (size_t i = 0; i < len && found < 2; i++) {
    if (comment[i] != '#') continue;
    size_t j = skip_sp(comment, i + 1, len);
    if (!have_pyshift && j + 8 <= len && memcmp(comment + j, "pyshift:", 8) == 0) {
      size_t k = skip_sp(comment, j + 8, len);
      PsSuppressDirective d = {0};
      if (k + 11 <= len && memcmp(comment + k, "ignore-file", 11) == 0) {
        d.kind = PS_SUPPRESS_FILE;
        k += 11;
      } else if (k + 6 <= len && memcmp(comment + k, "ignore", 6) == 0) {
        d.kind = PS_SUPPRESS_LINE;
        k += 6;
      } else {
        continue;
      }
      if (k < len && comment[k] == '[') {
        bool too_long = false;
        size_t e = parse_codes(comment, k + 1, len, ']', &d, &too_long);
        if (!e || d.n_codes == 0) continue; /* malformed: not a directive */
      } else if (k < len && comment[k] != ' ' && comment[k] != '\t' && comment[k] != '#') {
        continue; /* "ignorex" */
      } else {
        d.all = true;
      }
      d.pyshift = true;
      out[found++] = d;
      have_pyshift = true;
    } else if (!have_noqa && (word_at(comment, j, len, "noqa") || word_at(comment, j, len, "ruff:") ||
                              word_at(comment, j, len, "flake8:"))) {
      PsSuppressDirective d = {0};
      d.kind = PS_SUPPRESS_LINE;
      size_t k = j;
      if (!word_at(comment, j, len, "noqa")) {
        /* `# ruff: noqa` / `# flake8: noqa`: file-level. */
        k = skip_sp(comment, j + (comment[j] == 'r' || comment[j] == 'R' ? 5 : 7), len);
        if (!word_at(comment, k, len, "noqa")) continue;
        d.kind = PS_SUPPRESS_FILE;
      }
      k += 4;
      if (k < len && comment[k] == ':') {
        bool too_long = false;
        size_t e = parse_codes(comment, k + 1, len, 0, &d, &too_long);
        (void)e;
        /* Codes too long to be any rule's cover nothing: dropping them and
         * reading a blanket noqa hid every finding of the line. */
        if (d.n_codes == 0 && too_long) continue;
        if (d.n_codes == 0) blanket_noqa(&d); /* "# noqa:" with nothing usable */
      } else if (k < len && (isalnum((unsigned char)comment[k]) || comment[k] == '_')) {
        continue; /* "# noqaxyz" */
      } else {
        blanket_noqa(&d);
      }
      out[found++] = d;
      have_noqa = true;
    }
  }
  return found;
}

bool ps_suppress_covers(const PsSuppressDirective *d, const char *id) {
  if (d->kind == PS_SUPPRESS_NONE) return false;
  if (d->all) return true;
  for (size_t i = 0; i < d->n_codes; i++)
    if (ps_str_starts_with(id, d->codes[i])) return true;
  return false;
}
