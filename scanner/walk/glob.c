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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The matcher compiles the pattern into tokens and runs them as an NFA over
 * the text: the set of live token positions advances one text byte at a
 * time, so each (token, byte) pair is visited at most once and a match costs
 * O(pattern x text) whatever the pattern: no backtracking, nothing
 * exponential ("**" + "/" repeated 40 times, "*a*a*a*b"). Adjacent
 * "**" + "/" tokens, and adjacent stars, are collapsed while compiling. */
typedef enum TokKind {
  T_BYTE,  /* one byte, c */
  T_ANY,   /* `?`: any byte ('/' only without PATHNAME) */
  T_CLASS, /* `[...]`: a byte in set[] */
  T_STAR,  /* `*` or a `**`: any run of bytes, of non-'/' bytes unless cross */
  T_DIRS,  /* a component `**` + "/": nothing (skip the T_LOOP after it) or T_LOOP */
  T_LOOP,  /* after T_DIRS: any run of bytes ending in '/' */
  T_DEAD,  /* a malformed class or a trailing backslash: never matches */
  T_END,   /* the accepting position */
} TokKind;

typedef struct Tok {
  unsigned char kind, c;
  bool cross;
  uint32_t set[8]; /* T_CLASS: bit b set if byte b is in the class */
} Tok;

static void set_bit(uint32_t set[8], int b) { set[b >> 5] |= 1u << (b & 31); }

/* Fills set[] from the bracket expression starting just after '[' at *pp;
 * on return *pp points at the closing ']'. Returns false if malformed
 * (unterminated). Git's syntax: `!`/`^` negate, a leading ']' is a member,
 * `\` quotes, `a-z` ranges (empty when reversed), `[:name:]` classes (an
 * unknown name matches nothing). */
static bool compile_class(const unsigned char **pp, uint32_t set[8]) {
  const unsigned char *p = *pp;
  uint32_t in[8] = {0};
  bool negate = false;
  if (*p == '!' || *p == '^') {
    negate = true;
    p++;
  }
  int prev = -1; /* last single byte seen, the low end of a possible range */
  bool first = true;
  for (;; p++, first = false) {
    int ch = *p;
    if (ch == '\0') return false;
    if (ch == ']' && !first) break;
    if (ch == '\\') {
      ch = *++p;
      if (ch == '\0') return false;
      set_bit(in, ch);
      prev = ch;
    } else if (ch == '-' && prev >= 0 && p[1] && p[1] != ']') {
      int hi = *++p;
      if (hi == '\\') {
        hi = *++p;
        if (hi == '\0') return false;
      }
      for (int b = prev; b <= hi; b++) set_bit(in, b);
      prev = -1;
    } else if (ch == '[' && p[1] == ':') {
      const unsigned char *name = p + 2, *end = name;
      while (*end && !(end[0] == ':' && end[1] == ']')) end++;
      if (*end == '\0') return false;
      size_t len = (size_t)(end - name);
      if (class_known((const char *)name, len))
        for (int b = 1; b < 128; b++)
          if (class_has((const char *)name, len, b)) set_bit(in, b);
      p = end + 1; /* at the class's ']' */
      prev = -1;
    } else {
      set_bit(in, ch);
      prev = ch;
    }
  }
  for (int k = 0; k < 8; k++) set[k] = negate ? ~in[k] : in[k];
  *pp = p;
  return true;
}

/* Compiles pattern into toks (room for strlen(pattern) + 1 entries: a
 * T_DIRS + T_LOOP pair stands for three bytes) and
 * returns how many there are. The last is T_END, or T_DEAD: nothing after
 * a malformed part can be reached, so compiling stops there. */
static size_t compile(const unsigned char *pattern, unsigned flags, Tok *toks) {
  size_t n = 0;
  bool pathname = (flags & PS_WM_PATHNAME) != 0;
  for (const unsigned char *p = pattern; *p; p++) {
    Tok t = {.kind = T_BYTE, .c = *p};
    switch (*p) {
    case '\\':
      if (p[1] == '\0') t.kind = T_DEAD; /* a trailing backslash never matches */
      else t.c = *++p;
      break;
    case '?':
      t.kind = T_ANY;
      break;
    case '[': {
      const unsigned char *q = p + 1;
      if (!compile_class(&q, t.set)) {
        t.kind = T_DEAD;
        break;
      }
      /* With PATHNAME a class never matches '/', even a negated one. */
      if (pathname) t.set['/' >> 5] &= ~(1u << ('/' & 31));
      t.kind = T_CLASS;
      p = q;
      break;
    }
    case '*': {
      const unsigned char *first = p;
      t.kind = T_STAR;
      t.cross = !pathname;
      if (p[1] == '*') {
        while (p[1] == '*') p++;
        bool opens = first == pattern || first[-1] == '/';
        bool closes = p[1] == '\0' || p[1] == '/';
        if (!pathname) {
          t.cross = true;
        } else if (opens && closes) {
          t.cross = true;
          if (p[1] == '/') {
            t.kind = T_DIRS;
            p++; /* the '/' is part of the token */
          }
        } else {
          t.cross = (flags & PS_WM_STARSTAR_ANY) != 0;
        }
      }
      /* "**" "/" "**" "/" matches what "**" "/" does, and "*" "*" what "*"
       * does. */
      if (t.kind == T_DIRS) {
        if (n && toks[n - 1].kind == T_LOOP) continue;
        toks[n++] = t;
        t = (Tok){.kind = T_LOOP};
      } else if (n && toks[n - 1].kind == T_STAR && toks[n - 1].cross == t.cross) {
        continue;
      }
      break;
    }
    default:
      break;
    }
    toks[n++] = t;
    if (t.kind == T_DEAD) return n;
  }
  toks[n++] = (Tok){.kind = T_END};
  return n;
}

/* A set of token positions: a list, with membership in a stamp array
 * shared by both sets (stamp[s] == gen: s is in the set being built). */
typedef struct StateSet {
  uint32_t *list;
  size_t size;
} StateSet;

static void add_one(StateSet *set, uint32_t *stamp, uint32_t gen, uint32_t s) {
  if (stamp[s] == gen) return;
  stamp[s] = gen;
  set->list[set->size++] = s;
}

/* Adds position s, and the positions it reaches without consuming a byte:
 * a star may match nothing, and T_DIRS is its T_LOOP or what follows that. */
static void add_state(StateSet *set, uint32_t *stamp, uint32_t gen, const Tok *toks, uint32_t s) {
  for (;;) {
    switch (toks[s].kind) {
    case T_DIRS:
      add_one(set, stamp, gen, s + 1);
      s += 2;
      continue;
    case T_STAR:
      if (stamp[s] == gen) return;
      add_one(set, stamp, gen, s);
      s++;
      continue;
    default:
      add_one(set, stamp, gen, s);
      return;
    }
  }
}

/* work: room for 3 * n uint32_t. */
static bool run_nfa(const Tok *toks, size_t n, const unsigned char *text, unsigned flags, uint32_t *work,
                    size_t *steps) {
  bool pathname = (flags & PS_WM_PATHNAME) != 0;
  StateSet cur = {work, 0}, next = {work + n, 0};
  uint32_t *stamp = work + 2 * n;
  memset(stamp, 0, n * sizeof *stamp);
  uint32_t gen = 1;
  size_t count = 0;
  add_state(&cur, stamp, gen, toks, 0);
  for (; *text && cur.size; text++) {
    unsigned char b = *text;
    next.size = 0;
    gen++;
    for (size_t i = 0; i < cur.size; i++) {
      uint32_t s = cur.list[i];
      const Tok *t = &toks[s];
      count++;
      switch (t->kind) {
      case T_BYTE:
        if (b == t->c) add_state(&next, stamp, gen, toks, s + 1);
        break;
      case T_ANY:
        if (!(pathname && b == '/')) add_state(&next, stamp, gen, toks, s + 1);
        break;
      case T_CLASS:
        if ((t->set[b >> 5] >> (b & 31)) & 1u) add_state(&next, stamp, gen, toks, s + 1);
        break;
      case T_STAR:
        if (t->cross || b != '/') add_state(&next, stamp, gen, toks, s);
        break;
      case T_LOOP:
        add_one(&next, stamp, gen, s);
        if (b == '/') add_state(&next, stamp, gen, toks, s + 1);
        break;
      default: /* T_DEAD, T_END: nothing follows; T_DIRS is never in a set */
        break;
      }
    }
    StateSet tmp = cur;
    cur = next;
    next = tmp;
  }
  if (steps) *steps = count;
  if (*text) return false;
  for (size_t i = 0; i < cur.size; i++)
    if (toks[cur.list[i]].kind == T_END) return true;
  return false;
}

bool ps_walk__wildmatch_steps(const char *pattern, const char *text, unsigned flags, size_t *steps) {
  enum { SMALL = 64 };
  size_t room = strlen(pattern) + 1;
  Tok small_toks[SMALL];
  uint32_t small_work[3 * SMALL];
  Tok *toks = room <= SMALL ? small_toks : ps_xmalloc(room * sizeof *toks);
  size_t n = compile((const unsigned char *)pattern, flags, toks);
  uint32_t *work = n <= SMALL ? small_work : ps_xmalloc(3 * n * sizeof *work);
  if (steps) *steps = 0;
  bool r = toks[n - 1].kind == T_END && run_nfa(toks, n, (const unsigned char *)text, flags, work, steps);
  if (toks != small_toks) free(toks);
  if (work != small_work) free(work);
  return r;
}

bool ps_walk__wildmatch(const char *pattern, const char *text, unsigned flags) {
  return ps_walk__wildmatch_steps(pattern, text, flags, NULL);
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
