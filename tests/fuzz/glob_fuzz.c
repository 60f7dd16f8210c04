/* glob_fuzz.c: libFuzzer target for glob and .gitignore matching.
 *
 * Input: one flags byte, then a pattern, a NUL, and a path (what follows a
 * second NUL is ignored; without a NUL the path is empty). Flags bit 0 is
 * PS_WM_PATHNAME, bit 1 PS_WM_STARSTAR_ANY, bit 2 "the path is a
 * directory" for the .gitignore checks.
 *
 * Checks, each an abort() when broken:
 * - differential: ps_walk__wildmatch agrees with ref_match below, a plain
 *   backtracking matcher written from the syntax (glob.c's header comment),
 *   on short inputs, where backtracking stays cheap (it is given a step
 *   budget and the comparison is skipped when that runs out);
 * - bounded work: the matcher visits at most (strlen(pattern) + 1) x
 *   strlen(path) (token, byte) pairs, whatever the pattern;
 * - with PATHNAME, "**" + "/" doubled ("**" "/" "**" "/") matches the
 *   same paths;
 * - .gitignore: the pattern compiled as an ignore file never crashes, and
 *   a one-line pattern followed by its negation ("p" then "!p") ignores
 *   nothing; a non-negated pattern that ignores a file ignores a directory
 *   of that name too;
 * - exclude globs: ps_glob_check, then ps_walk__glob_match_rel and
 *   ps_glob_match on valid ones, never crash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "walk/walk.h"

enum { REF_MAX_PATTERN = 40, REF_MAX_PATH = 40 };

typedef struct Ref {
  const char *pattern; /* start, to tell whether `**` opens a component */
  unsigned flags;
  long budget;         /* steps left; < 0: gave up */
} Ref;

/* Does byte c belong to the class starting after '[' at p? Sets *end to
 * its ']'; -1 if the class is unterminated. */
static int ref_class(const char *p, unsigned char c, const char **end) {
  static const struct { const char *name; const char *members; } NAMED[] = {
      {"alnum", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
      {"alpha", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
      {"blank", " \t"},
      {"digit", "0123456789"},
      {"lower", "abcdefghijklmnopqrstuvwxyz"},
      {"space", " \t\n\v\f\r"},
      {"upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
      {"xdigit", "0123456789abcdefABCDEF"},
  };
  bool neg = *p == '!' || *p == '^', in = false;
  if (neg) p++;
  const char *start = p;
  int prev = -1;
  for (;; p++) {
    unsigned char ch = (unsigned char)*p;
    if (!ch) return -1;
    if (ch == ']' && p != start) break;
    if (ch == '\\') {
      ch = (unsigned char)*++p;
      if (!ch) return -1;
      in |= ch == c;
      prev = ch;
    } else if (ch == '-' && prev >= 0 && p[1] && p[1] != ']') {
      unsigned char hi = (unsigned char)*++p;
      if (hi == '\\' && !(hi = (unsigned char)*++p)) return -1;
      in |= c >= prev && c <= hi;
      prev = -1;
    } else if (ch == '[' && p[1] == ':') {
      const char *close = strstr(p + 2, ":]");
      if (!close) return -1;
      size_t n = (size_t)(close - (p + 2));
      for (size_t k = 0; k < sizeof NAMED / sizeof NAMED[0]; k++)
        if (strlen(NAMED[k].name) == n && !memcmp(NAMED[k].name, p + 2, n) && c && strchr(NAMED[k].members, c))
          in = true;
      if (n == 5 && !memcmp(p + 2, "cntrl", 5)) in |= c < 32 || c == 127;
      if (n == 5 && !memcmp(p + 2, "graph", 5)) in |= c > 32 && c < 127;
      if (n == 5 && !memcmp(p + 2, "print", 5)) in |= c >= 32 && c < 127;
      if (n == 5 && !memcmp(p + 2, "punct", 5))
        in |= c > 32 && c < 127 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
      p = close + 1;
      prev = -1;
    } else {
      in |= ch == c;
      prev = ch;
    }
  }
  *end = p;
  return in != neg;
}

/* 1 match, 0 no match, -1 out of budget. */
static int ref_match(Ref *r, const char *p, const char *t) {
  if (--r->budget < 0) return -1;
  bool pathname = r->flags & PS_WM_PATHNAME;
  switch (*p) {
  case '\0':
    return *t == '\0';
  case '\\':
    if (!p[1] || *t != p[1]) return 0;
    return ref_match(r, p + 2, t + 1);
  case '?':
    if (!*t || (pathname && *t == '/')) return 0;
    return ref_match(r, p + 1, t + 1);
  case '[': {
    const char *end;
    int in = ref_class(p + 1, (unsigned char)*t, &end);
    if (in <= 0 || !*t || (pathname && *t == '/')) return 0;
    return ref_match(r, end + 1, t + 1);
  }
  case '*': {
    const char *q = p;
    while (*q == '*') q++;
    bool cross = !pathname;
    if (q - p >= 2) {
      bool opens = p == r->pattern || p[-1] == '/', closes = !*q || *q == '/';
      if (!pathname) {
        cross = true;
      } else if (opens && closes) {
        if (*q == '/') {
          /* Nothing, or anything up to and including a '/'. */
          int m = ref_match(r, q + 1, t);
          if (m) return m;
          for (const char *s = t; *s; s++)
            if (*s == '/' && (m = ref_match(r, q + 1, s + 1))) return m;
          return 0;
        }
        cross = true;
      } else {
        cross = r->flags & PS_WM_STARSTAR_ANY;
      }
    }
    for (const char *s = t;; s++) {
      int m = ref_match(r, q, s);
      if (m) return m;
      if (!*s || (!cross && *s == '/')) return 0;
    }
  }
  default:
    if (*t != *p) return 0;
    return ref_match(r, p + 1, t + 1);
  }
}

/* "**" + "/" doubled everywhere, or NULL when the pattern has escapes or
 * classes (where "**" + "/" may not be a token). Heap. */
static char *double_dirs(const char *pat) {
  if (strpbrk(pat, "\\[")) return NULL;
  size_t n = strlen(pat);
  char *out = malloc(2 * n + 1), *o = out;
  for (const char *p = pat; *p;) {
    if (!strncmp(p, "**/", 3) && (p == pat || p[-1] == '/') && (p[3] != '*')) {
      memcpy(o, "**/**/", 6);
      o += 6;
      p += 3;
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  return out;
}

static bool ignored(PsArena *a, const char *file, const char *path, bool is_dir) {
  PsIgnoreFile *f = ps_walk__ignore_compile(a, file, strlen(file), "", NULL);
  return f && ps_walk__ignore_match(f, path, is_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned flags = data[0] & (PS_WM_PATHNAME | PS_WM_STARSTAR_ANY);
  bool is_dir = data[0] & 4;
  char *buf = malloc(size + 1);
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  const char *pattern = buf;
  size_t plen = strlen(pattern);
  const char *path = plen < size - 1 ? buf + plen + 1 : "";
  size_t tlen = strlen(path);

  /* Bounded work. */
  size_t steps = 0;
  bool got = ps_walk__wildmatch_steps(pattern, path, flags, &steps);
  if (steps > (plen + 1) * tlen) abort();
  if (got != ps_walk__wildmatch(pattern, path, flags)) abort();

  /* Differential. */
  if (plen <= REF_MAX_PATTERN && tlen <= REF_MAX_PATH) {
    Ref r = {pattern, flags, 200000};
    int want = ref_match(&r, pattern, path);
    if (want >= 0 && (want == 1) != got) abort();
  }

  /* Doubling "**" + "/" changes nothing. */
  char *doubled = (flags & PS_WM_PATHNAME) ? double_dirs(pattern) : NULL;
  if (doubled) {
    if (ps_walk__wildmatch(doubled, path, flags) != got) abort();
    free(doubled);
  }

  /* .gitignore. */
  PsArena *a = ps_arena_new(0);
  (void)ignored(a, pattern, path, is_dir);
  /* (A leading BOM is dropped from the file, not from the "!" line.) */
  bool one_line = !strpbrk(pattern, "\r\n") && pattern[0] != '!' && pattern[0] != '#' && plen &&
                  strncmp(pattern, "\xEF\xBB\xBF", 3) != 0;
  if (one_line && *path) {
    char *file = malloc(2 * plen + 4);
    memcpy(file, pattern, plen);
    file[plen] = '\n';
    file[plen + 1] = '!';
    memcpy(file + plen + 2, pattern, plen);
    file[2 * plen + 2] = '\n';
    file[2 * plen + 3] = '\0';
    if (ignored(a, file, path, is_dir)) abort();
    free(file);
    if (ignored(a, pattern, path, false) && !ignored(a, pattern, path, true)) abort();
  }
  ps_arena_delete(a);

  /* Exclude globs. */
  if (ps_glob_check(pattern, NULL) == 0) {
    (void)ps_walk__glob_match_rel(pattern, path, NULL);
    (void)ps_walk__glob_match_rel(pattern, path, "/abs/x");
    (void)ps_glob_match(pattern, path);
  }
  free(buf);
  return 0;
}
