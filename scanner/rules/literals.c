/* literals.c: whole words that any match of a prefilter regex must contain.
 *
 * The engine checks these words with its one identifier scan per file and
 * runs the (much slower) regex only on files that contain one of them. So
 * the derivation must be sound: for each top-level alternative it picks a
 * literal word, or a group of literal words (`(?:cgi|imp)`), that every
 * match of the alternative contains as a whole identifier: not optional
 * (no quantifier after it, not inside a quantified group), and delimited on
 * both sides by something that cannot be an identifier character (`\b`, a
 * literal `.` or `(`, `\s`, `[ \t]`, ...). An alternative with no such word
 * makes the whole regex underivable: the caller then always runs it.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

typedef enum TokKind {
  T_WORD,     /* a run of literal identifier characters */
  T_GROUP,    /* (...) */
  T_BOUNDARY, /* \b */
  T_NONWORD,  /* a single item that never matches an identifier character */
  T_OTHER,    /* anything else: may match identifier characters, or zero-width */
} TokKind;

typedef Array(char *) Words;

typedef struct Tok {
  TokKind kind;
  const char *p; /* start in the regex */
  size_t n;      /* length in the regex */
  bool quantified;
} Tok;

static bool ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Past one item at p that can neither open nor close a group nor split
 * alternatives: an escape pair, or a whole character class ([]...] and
 * [^]...] included). p itself when *p is any other character. */
static const char *skip_plain(const char *p, const char *end) {
  if (*p == '\\') return p + 2 <= end ? p + 2 : end;
  if (*p != '[') return p;
  const char *q = p + 1;
  if (q < end && *q == '^') q++;
  if (q < end && *q == ']') q++;
  for (; q < end && *q != ']'; q++)
    if (*q == '\\') q++;
  return q < end ? q + 1 : end;
}

/* End of the group starting at p ('('), or NULL if unbalanced. */
static const char *group_end(const char *p, const char *end) {
  int depth = 0;
  while (p < end) {
    const char *q = skip_plain(p, end);
    if (q != p) {
      p = q;
      continue;
    }
    if (*p == '(') depth++;
    else if (*p == ')' && --depth == 0) return p + 1;
    p++;
  }
  return NULL;
}

/* The first `|` at p's level (outside groups and classes), or end. */
static const char *top_bar(const char *p, const char *end) {
  int depth = 0;
  while (p < end) {
    const char *q = skip_plain(p, end);
    if (q != p) {
      p = q;
      continue;
    }
    if (*p == '(') depth++;
    else if (*p == ')') depth--;
    else if (*p == '|' && depth == 0) return p;
    p++;
  }
  return end;
}

/* Does the character class [..] (p at '[', n bytes) contain no identifier
 * character? Only simple ones: no ranges, no negation, escapes \t \n \r \f
 * \v \s and punctuation. */
static bool class_nonword(const char *p, size_t n) {
  if (n < 3 || p[1] == '^') return false;
  for (size_t i = 1; i + 1 < n; i++) {
    char c = p[i];
    if (c == '\\') {
      char e = p[++i];
      if (ident(e) && !strchr("tnrfvs", e)) return false;
      continue;
    }
    if (ident(c) || c == '-' || (unsigned char)c >= 0x80) return false;
  }
  return true;
}

/* Splits [p, end) into tokens; false on syntax this does not understand. */
static bool tokenize(const char *p, const char *end, Tok *toks, size_t cap, size_t *n) {
  *n = 0;
  while (p < end) {
    if (*n == cap) return false;
    Tok t = {T_OTHER, p, 1, false};
    char c = *p;
    if (c == '\\') {
      if (p + 1 >= end) return false;
      char e = p[1];
      t.n = 2;
      if (e == 'b') t.kind = T_BOUNDARY;
      else if (e == 's' || e == 'n' || e == 't' || e == 'r' || e == 'f' || e == 'v') t.kind = T_NONWORD;
      else if (!ident(e) && (unsigned char)e < 0x80) t.kind = T_NONWORD; /* \. \( \\ ... */
      else t.kind = T_OTHER; /* \w \d \B \A \z, \x.., \p{..}: not understood precisely */
      if (e == 'x' || e == 'p' || e == 'P' || e == 'N' || e == 'k' || e == 'g' || (e >= '0' && e <= '9'))
        return false;
    } else if (c == '[') {
      const char *q = p + 1;
      if (q < end && *q == '^') q++;
      if (q < end && *q == ']') q++;
      while (q < end && *q != ']') q += (*q == '\\') ? 2 : 1;
      if (q >= end) return false;
      t.n = (size_t)(q + 1 - p);
      t.kind = class_nonword(p, t.n) ? T_NONWORD : T_OTHER;
    } else if (c == '(') {
      const char *q = group_end(p, end);
      if (!q) return false;
      /* An option setting such as (?i) or (?x) changes how what follows
       * matches (`cgi` would match CGI): nothing can be derived. */
      if (p + 2 < end && p[1] == '?') {
        const char *o = p + 2;
        while (o < q && ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') || *o == '-' || *o == '^')) o++;
        if (o > p + 2 && o < q && *o == ')') return false;
      }
      t.kind = T_GROUP;
      t.n = (size_t)(q - p);
    } else if (ident(c)) {
      const char *q = p;
      while (q < end && ident(*q)) q++;
      t.kind = T_WORD;
      t.n = (size_t)(q - p);
    } else if (c == '.' || c == '^' || c == '$' || c == '|' || c == ')') {
      t.kind = T_OTHER; /* any character, anchors */
    } else if ((unsigned char)c < 0x80 && !ident(c) && !strchr("*+?{", c)) {
      t.kind = T_NONWORD; /* a literal punctuation character */
    }
    p += t.n;
    /* A quantifier applies to the previous item (for a word: its last
     * character only, so the word is not required as written). */
    if (p < end && (*p == '*' || *p == '+' || *p == '?' || *p == '{')) {
      /* {0,n}, and {,n} (PCRE2 10.43+), may match nothing. */
      bool optional = *p == '*' || *p == '?' || (*p == '{' && p + 1 < end && (p[1] == '0' || p[1] == ','));
      if (*p == '{') {
        while (p < end && *p != '}') p++;
        if (p < end) p++;
      } else {
        p++;
      }
      if (p < end && (*p == '?' || *p == '+')) p++; /* lazy, possessive */
      if (t.kind == T_WORD) {
        /* Keep the word without its last character only if the
         * quantifier cannot remove it (+, {1,}): simply give up on it. */
        t.quantified = true;
      } else if (optional) {
        t.quantified = true;
      } else {
        t.quantified = optional;
      }
    }
    toks[(*n)++] = t;
  }
  return true;
}

/* Is token i delimited on its left (right) by something that cannot be an
 * identifier character? Optional non-word items (`\s*`) are looked
 * through: whether or not they match, a non-word item or \b follows. */
static bool left_ok(const Tok *t, size_t i) {
  for (size_t k = i; k-- > 0;) {
    if (t[k].kind == T_BOUNDARY) return !t[k].quantified;
    if (t[k].kind != T_NONWORD) return false;
    if (!t[k].quantified) return true;
  }
  return false;
}
static bool right_ok(const Tok *t, size_t i, size_t n) {
  for (size_t k = i + 1; k < n; k++) {
    if (t[k].kind == T_BOUNDARY) return !t[k].quantified;
    if (t[k].kind != T_NONWORD) return false;
    if (!t[k].quantified) return true;
  }
  return false;
}

/* Words in nearly every Python file: as a filter they save nothing. */
static bool common(const char *p, size_t n) {
  static const char *const W[] = {"import", "from", "def", "class", "self", "return", "if", "else", "for",
                                  "in", "is", "not", "and", "or", "with", "as", "get", "None", "True", NULL};
  for (const char *const *w = W; *w; w++)
    if (strlen(*w) == n && !memcmp(*w, p, n)) return true;
  return false;
}

/* A group `(?:a|b|c)` whose branches are all plain words: appends them. */
static bool word_group(const char *p, size_t n, Words *out) {
  const char *q = p + 1, *end = p + n - 1;
  if (q + 2 <= end && q[0] == '?' && q[1] == ':') q += 2;
  else if (q < end && q[0] == '?') return false; /* lookarounds, named groups */
  if (q >= end) return false;
  size_t start = out->size;
  while (q <= end) {
    const char *b = q;
    while (q < end && ident(*q)) q++;
    if (q == b || (q < end && *q != '|')) {
      while (out->size > start) free(out->items[--out->size]);
      return false;
    }
    array_push(out, ps_xstrndup(b, (size_t)(q - b)));
    q++;
  }
  return true;
}

/* The words of one alternative [p, end): the delimited word or group of
 * words that filters best (longest shortest word; ubiquitous words last). */
static bool alternative_words(const char *p, const char *end, Words *out) {
  Tok toks[128];
  size_t n;
  if (!tokenize(p, end, toks, 128, &n)) return false;
  long best_score = -1;
  size_t best = 0;
  for (size_t i = 0; i < n; i++) {
    if (toks[i].quantified || !left_ok(toks, i) || !right_ok(toks, i, n)) continue;
    long score = -1;
    if (toks[i].kind == T_WORD) {
      score = common(toks[i].p, toks[i].n) ? 0 : (long)toks[i].n;
    } else if (toks[i].kind == T_GROUP) {
      Words g;
      array_init(&g);
      if (word_group(toks[i].p, toks[i].n, &g)) {
        score = 1000;
        for (size_t k = 0; k < g.size; k++) {
          long l = common(g.items[k], strlen(g.items[k])) ? 0 : (long)strlen(g.items[k]);
          if (l < score) score = l;
        }
      }
      for (size_t k = 0; k < g.size; k++) free(g.items[k]);
      array_free(&g);
    }
    if (score > best_score) best_score = score, best = i;
  }
  if (best_score < 0) return false;
  if (toks[best].kind == T_WORD) {
    array_push(out, ps_xstrndup(toks[best].p, toks[best].n));
    return true;
  }
  return word_group(toks[best].p, toks[best].n, out);
}

char **ps_regex_required_words(const char *re) {
  Words out;
  array_init(&out);
  const char *end = re + strlen(re);
  bool ok = true;
  /* Top-level alternatives. */
  for (const char *p = re; ok;) {
    const char *q = top_bar(p, end);
    ok = alternative_words(p, q, &out);
    if (q >= end) break;
    p = q + 1;
  }
  if (!ok || !out.size) {
    for (size_t i = 0; i < out.size; i++) free(out.items[i]);
    array_free(&out);
    return NULL;
  }
  array_push(&out, NULL);
  return out.items;
}

char **ps_regex_alternatives(const char *re) {
  const char *end = re + strlen(re);
  /* Back references and branch-reset groups tie alternatives together. */
  /* An option setting ((?i), (?x)) anywhere: at top level it reaches into
   * the later alternatives. \Q...\E may hold a `|`. */
  for (const char *q = re; q < end; q++) {
    if (*q == '\\') {
      char c = q[1];
      if ((c >= '1' && c <= '9') || c == 'g' || c == 'k' || c == 'Q') return NULL;
      q++;
    } else if (*q == '(' && q[1] == '?' && !strchr(":=!<>", q[2])) {
      return NULL; /* options, (?|, (?#, (?P..., recursion */
    }
  }
  Words out;
  array_init(&out);
  for (const char *p = re;;) {
    const char *q = top_bar(p, end);
    array_push(&out, ps_xstrndup(p, (size_t)(q - p)));
    if (q >= end) break;
    p = q + 1;
  }
  if (out.size < 2) {
    for (size_t i = 0; i < out.size; i++) free(out.items[i]);
    array_free(&out);
    return NULL;
  }
  array_push(&out, NULL);
  return out.items;
}

void ps_regex_words_free(char **words) {
  for (char **w = words; w && *w; w++) free(*w);
  free(words);
}
