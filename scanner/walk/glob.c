/* glob.c: the walk module's one pattern matcher.
 *
 * Both --exclude globs and .gitignore patterns go through
 * ps_walk__wildmatch(): `*` and `?` match within one path component when
 * PS_WM_PATHNAME is set, `[...]` classes (with `!`/`^` negation, ranges and
 * POSIX `[:name:]` classes) never match '/', `\` quotes the next byte. A `**`
 * that is a whole component (leading "**" + "/x", trailing "a/" + "**", or
 * "a/" + "**" + "/b") crosses '/' and, followed by '/', may match no
 * component at all; any other `**` crosses '/' only
 * under PS_WM_STARSTAR_ANY (exclude globs) and is a plain `*` otherwise
 * (gitignore, as git does). Matching works on bytes, so any file name,
 * valid UTF-8 or not, can be matched.
 */
#include "walk/walk.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Results of one matching attempt. The two abort values prune the search:
 * once a star has tried every suffix of the text, no enclosing star can do
 * better (ABORT_ALL), and a star that cannot cross '/' hands the search back
 * to the nearest enclosing '/'-crossing star (ABORT_TO_STARSTAR). This keeps
 * patterns like "*a*a*a*b" polynomial. */
enum { WM_MATCH = 0, WM_NOMATCH = 1, WM_ABORT_ALL = -1, WM_ABORT_TO_STARSTAR = -2 };

typedef struct Wm {
  const unsigned char *pattern; /* start, to tell whether `**` opens a component */
  unsigned flags;
} Wm;

static bool class_has(const char *name, size_t len, int c) {
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
  if (IS("alnum")) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (IS("alpha")) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (IS("blank")) return c == ' ' || c == '\t';
  if (IS("cntrl")) return c < 32 || c == 127;
  if (IS("digit")) return c >= '0' && c <= '9';
  if (IS("graph")) return c > 32 && c < 127;
  if (IS("lower")) return c >= 'a' && c <= 'z';
  if (IS("print")) return c >= 32 && c < 127;
  if (IS("punct")) return c > 32 && c < 127 && !class_has("alnum", 5, c);
  if (IS("space")) return c == ' ' || (c >= '\t' && c <= '\r');
  if (IS("upper")) return c >= 'A' && c <= 'Z';
  if (IS("xdigit")) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
#undef IS
  return false;
}

/* Is `name` (len bytes) a POSIX class name we know? */
static bool class_known(const char *name, size_t len) {
  static const char *const names[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
                                      "lower", "print", "punct", "space", "upper", "xdigit"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) return true;
  return false;
}

/* Matches the bracket expression starting just after '[' at *pp against byte
 * c. On return *pp points at the closing ']'. Returns 1 matched, 0 not, -1
 * malformed (unterminated). */
static int match_class(const unsigned char **pp, int c) {
  const unsigned char *p = *pp;
  bool negate = false, matched = false;
  if (*p == '!' || *p == '^') {
    negate = true;
    p++;
  }
  int prev = -1; /* last single byte seen, the low end of a possible range */
  bool first = true;
  for (;; p++, first = false) {
    int ch = *p;
    if (ch == '\0') return -1;
    if (ch == ']' && !first) break;
    if (ch == '\\') {
      ch = *++p;
      if (ch == '\0') return -1;
      if (c == ch) matched = true;
      prev = ch;
    } else if (ch == '-' && prev >= 0 && p[1] && p[1] != ']') {
      int hi = *++p;
      if (hi == '\\') {
        hi = *++p;
        if (hi == '\0') return -1;
      }
      if (c >= prev && c <= hi) matched = true;
      prev = -1;
    } else if (ch == '[' && p[1] == ':') {
      const unsigned char *name = p + 2, *end = name;
      while (*end && !(end[0] == ':' && end[1] == ']')) end++;
      if (*end == '\0') return -1;
      if (class_has((const char *)name, (size_t)(end - name), c)) matched = true;
      p = end + 1; /* at the class's ']' */
      prev = -1;
    } else {
      if (c == ch) matched = true;
      prev = ch;
    }
  }
  *pp = p;
  return matched != negate;
}

static int wm(const Wm *m, const unsigned char *p, const unsigned char *text) {
  for (; *p; p++, text++) {
    int c = *p;
    if (*text == '\0' && c != '*') return WM_ABORT_ALL;
    switch (c) {
    case '\\':
      c = *++p;
      if (c == '\0') return WM_ABORT_ALL; /* a trailing backslash never matches */
      if (*text != c) return WM_NOMATCH;
      break;
    case '?':
      if ((m->flags & PS_WM_PATHNAME) && *text == '/') return WM_NOMATCH;
      break;
    case '[': {
      if ((m->flags & PS_WM_PATHNAME) && *text == '/') {
        const unsigned char *q = p + 1;
        if (match_class(&q, '/') < 0) return WM_ABORT_ALL;
        return WM_NOMATCH;
      }
      p++;
      int r = match_class(&p, *text);
      if (r < 0) return WM_ABORT_ALL;
      if (r == 0) return WM_NOMATCH;
      break;
    }
    case '*': {
      const unsigned char *first = p;
      bool cross;
      if (p[1] == '*') {
        while (p[1] == '*') p++;
        bool opens = first == m->pattern || first[-1] == '/';
        bool closes = p[1] == '\0' || p[1] == '/';
        if (!(m->flags & PS_WM_PATHNAME)) {
          cross = true;
        } else if (opens && closes) {
          cross = true;
          /* "**" followed by '/' may stand for no directory at all. */
          if (p[1] == '/' && wm(m, p + 2, text) == WM_MATCH) return WM_MATCH;
        } else {
          cross = (m->flags & PS_WM_STARSTAR_ANY) != 0;
        }
      } else {
        cross = !(m->flags & PS_WM_PATHNAME);
      }
      p++;
      if (*p == '\0') {
        if (!cross && strchr((const char *)text, '/')) return WM_ABORT_TO_STARSTAR;
        return WM_MATCH;
      }
      for (;;) {
        int r = wm(m, p, text);
        if (r != WM_NOMATCH && (!cross || r != WM_ABORT_TO_STARSTAR)) return r;
        if (*text == '\0') return WM_ABORT_ALL;
        if (!cross && *text == '/') return WM_ABORT_TO_STARSTAR;
        text++;
      }
    }
    default:
      if (*text != c) return WM_NOMATCH;
      break;
    }
  }
  return *text ? WM_NOMATCH : WM_MATCH;
}

bool ps_walk__wildmatch(const char *pattern, const char *text, unsigned flags) {
  Wm m = {(const unsigned char *)pattern, flags};
  return wm(&m, m.pattern, (const unsigned char *)text) == WM_MATCH;
}

bool ps_walk__glob_is_path(const char *pattern) {
  size_t n = strlen(pattern);
  while (n > 1 && pattern[n - 1] == '/') n--;
  return memchr(pattern, '/', n) != NULL;
}

bool ps_walk__glob_match_rel(const char *pattern, const char *rel, const char *abs) {
  /* Trailing slashes on a pattern are tolerated and ignored ("build/"). */
  size_t n = strlen(pattern);
  char small[256];
  char *pat = small;
  while (n > 1 && pattern[n - 1] == '/' && !(n >= 2 && pattern[n - 2] == '\\')) n--;
  if (n != strlen(pattern)) {
    pat = n < sizeof small ? small : ps_xmalloc(n + 1);
    memcpy(pat, pattern, n);
    pat[n] = '\0';
  } else {
    pat = (char *)pattern;
  }
  bool r;
  if (!memchr(pat, '/', n)) {
    const char *base = strrchr(rel, '/');
    base = base && base[1] ? base + 1 : rel;
    r = ps_walk__wildmatch(pat, base, PS_WM_PATHNAME | PS_WM_STARSTAR_ANY);
  } else if (pat[0] == '/') {
    r = abs && ps_walk__wildmatch(pat, abs, PS_WM_PATHNAME | PS_WM_STARSTAR_ANY);
  } else {
    const char *q = pat;
    while (q[0] == '.' && q[1] == '/') q += 2;
    r = ps_walk__wildmatch(q, rel, PS_WM_PATHNAME | PS_WM_STARSTAR_ANY);
  }
  if (pat != small && pat != pattern) free(pat);
  return r;
}

bool ps_glob_match(const char *pattern, const char *path) {
  /* Normalise the path to what the walker compares against: "./" prefixes
   * and trailing slashes dropped, an absolute path under the working
   * directory made relative to it. The cwd is only looked up when an
   * absolute path or pattern needs it. */
  PsBuf rel = PS_BUF_INIT, abs = PS_BUF_INIT;
  const char *p = path;
  while (p[0] == '.' && p[1] == '/') {
    p += 2;
    while (*p == '/') p++;
  }
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  char cwd[PATH_MAX];
  bool have_cwd = (p[0] == '/' || pattern[0] == '/') && getcwd(cwd, sizeof cwd) != NULL;
  if (p[0] == '/') {
    ps_buf_append(&abs, p, n);
    size_t cl = have_cwd ? strlen(cwd) : 0;
    if (have_cwd && cl == 1) {
      ps_buf_append(&rel, p + 1, n - 1);
    } else if (have_cwd && n > cl && strncmp(p, cwd, cl) == 0 && p[cl] == '/') {
      ps_buf_append(&rel, p + cl + 1, n - cl - 1);
    } else {
      ps_buf_append(&rel, p, n);
    }
  } else {
    ps_buf_append(&rel, p, n);
    if (have_cwd) {
      ps_buf_puts(&abs, cwd);
      if (strcmp(cwd, "/") != 0) ps_buf_putc(&abs, '/');
      ps_buf_append(&abs, p, n);
    }
  }
  bool r = ps_walk__glob_match_rel(pattern, rel.data ? rel.data : "", abs.len ? abs.data : NULL);
  ps_buf_free(&rel);
  ps_buf_free(&abs);
  return r;
}

int ps_glob_check(const char *pattern, PsError *err) {
  if (!pattern || !*pattern)
    return ps_error_set(err, PS_E_USAGE, NULL, 0, 0, "empty glob pattern");
  const unsigned char *p = (const unsigned char *)pattern;
  for (; *p; p++) {
    if (*p == '\\') {
      if (p[1] == '\0')
        return ps_error_set(err, PS_E_USAGE, NULL, 0, 0,
                            "invalid glob \"%s\": trailing backslash", pattern);
      p++;
    } else if (*p == '[') {
      const unsigned char *q = p + 1;
      if (*q == '!' || *q == '^') q++;
      bool first = true;
      int prev = -1;
      for (;; q++, first = false) {
        if (*q == '\0')
          return ps_error_set(err, PS_E_USAGE, NULL, 0, 0,
                              "invalid glob \"%s\": unclosed character class", pattern);
        if (*q == ']' && !first) break;
        if (*q == '\\') {
          if (q[1] == '\0') continue; /* reported as unclosed next round */
          prev = *++q;
        } else if (*q == '-' && prev >= 0 && q[1] && q[1] != ']') {
          int hi = *++q;
          if (hi == '\\' && q[1]) hi = *++q;
          if (hi < prev)
            return ps_error_set(err, PS_E_USAGE, NULL, 0, 0,
                                "invalid glob \"%s\": range %c-%c is reversed", pattern, prev, hi);
          prev = -1;
        } else if (*q == '[' && q[1] == ':') {
          const unsigned char *name = q + 2, *end = name;
          while (*end && !(end[0] == ':' && end[1] == ']')) end++;
          if (*end == '\0')
            return ps_error_set(err, PS_E_USAGE, NULL, 0, 0,
                                "invalid glob \"%s\": unclosed character class", pattern);
          if (!class_known((const char *)name, (size_t)(end - name)))
            return ps_error_set(err, PS_E_USAGE, NULL, 0, 0,
                                "invalid glob \"%s\": unknown class [:%.*s:]", pattern,
                                (int)(end - name), (const char *)name);
          q = end + 1;
          prev = -1;
        } else {
          prev = *q;
        }
      }
      p = q;
    }
  }
  return 0;
}
