/* toml.c: a strict TOML 1.0 reader, enough for any pyproject.toml.
 *
 * The whole input is checked once for UTF-8 and control characters, then a
 * recursive-descent parser builds a tree of PsTomlValue. Every value is
 * allocated as a Node, whose first member is the public PsTomlValue, so the
 * parser can keep the bookkeeping TOML's redefinition rules need (how each
 * table was created, whether an array may still be appended to) without
 * exposing it. Nesting is bounded by PS_TOML_MAX_DEPTH, so recursion (here
 * and in ps_toml_free) is bounded too. All reads go through bounds-checked
 * helpers: any byte string is a valid input, most of them are errors.
 */
#include "config/config.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How a table or array came to be; TOML forbids redefining or extending
 * some of them. A table with none of the table flags was created implicitly
 * as the parent in a [a.b] header and may still be defined once. */
enum {
  NODE_DEFINED = 1u << 0, /* table opened by [header] or [[header]] */
  NODE_DOTTED = 1u << 1,  /* table created (or extended) by a dotted key */
  NODE_FROZEN = 1u << 2,  /* inline table or array literal: closed */
  NODE_AOT = 1u << 3,     /* array created by [[header]] */
};

typedef struct Node {
  PsTomlValue v; /* first, so a PsTomlValue * is a Node * */
  unsigned flags;
  int depth;          /* root table is 0 */
  size_t cap;         /* table: capacity of the key arrays; array: of items */
  size_t *key_lens;   /* table: key lengths (keys may hold NUL) */
  PsStrMap index;     /* table: key -> its index; empty until the table is big enough to index */
} Node;

typedef struct Parser {
  const unsigned char *s;
  size_t n;
  size_t pos;
  const char *path;
  PsError *err;
  /* Where each line starts, for locate(). Built once: every value asks
   * for its line and column, and in no fixed order (a key's position is
   * asked for after its value's), so a scan from a cached position was
   * quadratic (40,000 keys: 10.7 s). */
  size_t *line_starts;
  size_t n_lines;
} Parser;

typedef struct KeyPart {
  char *s;
  size_t len;
  size_t off; /* where the part starts in the input */
} KeyPart;

typedef Array(KeyPart) Key;

static int parse_value(Parser *p, int depth, Node **out);

/* ---- positions and errors ------------------------------------------------ */

static int cur(const Parser *p) { return p->pos < p->n ? p->s[p->pos] : -1; }

static int peek(const Parser *p, size_t k) {
  return p->pos + k < p->n && p->pos + k >= p->pos ? p->s[p->pos + k] : -1;
}

static void index_lines(Parser *p) {
  size_t n = 1;
  for (size_t i = 0; i < p->n; i++) n += p->s[i] == '\n';
  p->line_starts = ps_xmalloc(n * sizeof *p->line_starts);
  p->line_starts[0] = 0;
  p->n_lines = 1;
  for (size_t i = 0; i < p->n; i++)
    if (p->s[i] == '\n') p->line_starts[p->n_lines++] = i + 1;
}

/* 1-based line and column of byte `off`: a binary search in line_starts. */
static void locate(Parser *p, size_t off, int *line, int *col, size_t *line_start) {
  if (off > p->n) off = p->n;
  size_t lo = 0, hi = p->n_lines; /* the line is the last start <= off */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->line_starts[mid] <= off) lo = mid;
    else hi = mid;
  }
  size_t c = off - p->line_starts[lo] + 1;
  *line = lo + 1 > INT_MAX ? INT_MAX : (int)(lo + 1);
  *col = c > INT_MAX ? INT_MAX : (int)c;
  if (line_start) *line_start = p->line_starts[lo];
}

static int fail(Parser *p, size_t off, size_t span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(Parser *p, size_t off, size_t span, const char *fmt, ...) {
  int line, col;
  size_t ls, le;
  va_list ap;
  locate(p, off, &line, &col, &ls);
  va_start(ap, fmt);
  ps_error_vset(p->err, PS_E_CONFIG, p->path, line, col, fmt, ap);
  va_end(ap);
  for (le = ls; le < p->n && p->s[le] != '\n' && p->s[le] != '\r'; le++) continue;
  /* Keep the caret on the offending line. */
  if (off + span > le) span = le > off ? le - off : 1;
  ps_error_set_context(p->err, (const char *)p->s + ls, le - ls, span > INT_MAX ? INT_MAX : (int)span);
  return PS_E_CONFIG;
}

/* A key, quoted for messages and cut short if long. */
static const char *show(char *buf, size_t n, const char *s, size_t len) {
  size_t j = 0;
  for (size_t i = 0; i < len && j + 4 < n; i++) buf[j++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
  if (j + 4 >= n && len > j) memcpy(buf + j, "...", 3), j += 3;
  buf[j] = '\0';
  return buf;
}

/* ---- nodes ---------------------------------------------------------------- */

static Node *node_new(PsTomlType type, Parser *p, size_t off, int depth) {
  Node *n = ps_xcalloc(1, sizeof *n);
  n->v.type = type;
  locate(p, off, &n->v.line, &n->v.col, NULL);
  n->depth = depth;
  return n;
}

static long table_find(const Node *t, const char *key, size_t len) {
  const PsTomlValue *v = &t->v;
  if (t->index.cap) {
    uint64_t i;
    return ps_strmap_find(&t->index, key, len, &i) ? (long)i : -1;
  }
  for (size_t i = 0; i < v->u.table.size; i++)
    if (t->key_lens[i] == len && memcmp(v->u.table.keys[i], key, len) == 0) return (long)i;
  return -1;
}

/* Takes ownership of key (NUL-terminated, len bytes) and val. */
static void table_add(Node *t, char *key, size_t len, int line, int col, Node *val) {
  PsTomlValue *v = &t->v;
  size_t n = v->u.table.size;
  if (n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 4;
    v->u.table.keys = ps_xrealloc(v->u.table.keys, cap * sizeof(char *));
    v->u.table.values = ps_xrealloc(v->u.table.values, cap * sizeof(PsTomlValue *));
    v->u.table.key_lines = ps_xrealloc(v->u.table.key_lines, cap * sizeof(int));
    v->u.table.key_cols = ps_xrealloc(v->u.table.key_cols, cap * sizeof(int));
    t->key_lens = ps_xrealloc(t->key_lens, cap * sizeof(size_t));
    t->cap = cap;
  }
  v->u.table.keys[n] = key;
  v->u.table.values[n] = &val->v;
  v->u.table.key_lines[n] = line;
  v->u.table.key_cols[n] = col;
  t->key_lens[n] = len;
  v->u.table.size = n + 1;
  /* Small tables are searched, bigger ones indexed (keys may hold NUL). */
  if (t->index.cap) ps_strmap_put_n(&t->index, key, len, n, false);
  else if (n + 1 >= 16)
    for (size_t i = 0; i <= n; i++) ps_strmap_put_n(&t->index, v->u.table.keys[i], t->key_lens[i], i, false);
}

static void array_add(Node *a, Node *item) {
  PsTomlValue *v = &a->v;
  if (v->u.array.size == a->cap) {
    a->cap = a->cap ? a->cap * 2 : 4;
    v->u.array.items = ps_xrealloc(v->u.array.items, a->cap * sizeof(PsTomlValue *));
  }
  v->u.array.items[v->u.array.size++] = &item->v;
}

void ps_toml_free(PsTomlValue *v) {
  if (!v) return;
  Node *n = (Node *)v;
  switch (v->type) {
  case PS_TOML_STRING:
  case PS_TOML_DATETIME:
    free(v->u.str.s);
    break;
  case PS_TOML_ARRAY:
    for (size_t i = 0; i < v->u.array.size; i++) ps_toml_free(v->u.array.items[i]);
    free(v->u.array.items);
    break;
  case PS_TOML_TABLE:
    for (size_t i = 0; i < v->u.table.size; i++) {
      free(v->u.table.keys[i]);
      ps_toml_free(v->u.table.values[i]);
    }
    free(v->u.table.keys);
    free(v->u.table.values);
    free(v->u.table.key_lines);
    free(v->u.table.key_cols);
    free(n->key_lens);
    ps_strmap_free(&n->index);
    break;
  default:
    break;
  }
  free(n);
}

const PsTomlValue *ps_toml_get(const PsTomlValue *table, const char *key) {
  if (!table || !key || table->type != PS_TOML_TABLE) return NULL;
  long i = table_find((const Node *)table, key, strlen(key));
  return i < 0 ? NULL : table->u.table.values[i];
}

size_t ps_toml_key_len(const PsTomlValue *table, size_t i) {
  assert(table && table->type == PS_TOML_TABLE && i < table->u.table.size);
  return ((const Node *)table)->key_lens[i];
}

/* Closes an inline table and the dotted tables inside it. */
static void freeze(Node *n) {
  if (n->flags & NODE_FROZEN) return;
  n->flags |= NODE_FROZEN;
  if (n->v.type == PS_TOML_TABLE)
    for (size_t i = 0; i < n->v.u.table.size; i++) freeze((Node *)n->v.u.table.values[i]);
}

/* ---- lexical helpers ------------------------------------------------------ */

static void skip_ws(Parser *p) {
  while (cur(p) == ' ' || cur(p) == '\t') p->pos++;
}

static void skip_comment(Parser *p) {
  if (cur(p) != '#') return;
  while (p->pos < p->n && p->s[p->pos] != '\n' && p->s[p->pos] != '\r') p->pos++;
}

/* check_bytes() guarantees every '\r' is followed by '\n'. */
static bool at_newline(const Parser *p) { return cur(p) == '\n' || cur(p) == '\r'; }

static void skip_newline(Parser *p) { p->pos += cur(p) == '\r' ? 2 : 1; }

/* Whitespace, newlines and comments, as allowed between array items. */
static void skip_ws_nl(Parser *p) {
  for (;;) {
    skip_ws(p);
    skip_comment(p);
    if (!at_newline(p)) return;
    skip_newline(p);
  }
}

static bool is_bare(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The document must be UTF-8 with no control characters but tab, and with
 * CR only before LF. Checking once up front keeps the parser simple. */
static int check_bytes(Parser *p) {
  size_t i = p->pos;
  while (i < p->n) {
    unsigned char c = p->s[i];
    if (c >= 0x80) {
      size_t l = ps_utf8_seq_len(p->s + i, p->n - i);
      if (!l) return fail(p, i, 1, "invalid utf-8 byte 0x%02x", c);
      i += l;
    } else if (c == '\r') {
      if (i + 1 >= p->n || p->s[i + 1] != '\n')
        return fail(p, i, 1, "carriage return not followed by a newline");
      i += 2;
    } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
      return fail(p, i, 1, "control character 0x%02x is not allowed", c);
    } else {
      i++;
    }
  }
  return 0;
}

/* ---- strings -------------------------------------------------------------- */

static void put_utf8(PsBuf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  ps_buf_append(b, u, n);
}

/* At a backslash inside a basic string. */
static int parse_escape(Parser *p, PsBuf *b, bool multiline) {
  size_t start = p->pos;
  int c = peek(p, 1);
  const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\";
  for (const char *e = simple; *e; e += 2) {
    if (c == *e) {
      ps_buf_putc(b, e[1]);
      p->pos += 2;
      return 0;
    }
  }
  if (c == 'u' || c == 'U') {
    int digits = c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (int i = 0; i < digits; i++) {
      int h = hex_value(peek(p, 2 + (size_t)i));
      if (h < 0) return fail(p, start, 2 + (size_t)i, "invalid unicode escape: expected %d hex digits", digits);
      cp = cp << 4 | (uint32_t)h;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return fail(p, start, 2 + (size_t)digits, "invalid unicode escape: U+%04X is not a unicode scalar value",
                  (unsigned)cp);
    put_utf8(b, cp);
    p->pos += 2 + (size_t)digits;
    return 0;
  }
  if (multiline && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
    /* A line-ending backslash eats all whitespace up to the next
     * non-blank; only blanks may sit between it and the newline. */
    size_t i = 1;
    while (peek(p, i) == ' ' || peek(p, i) == '\t') i++;
    if (peek(p, i) != '\n' && peek(p, i) != '\r') return fail(p, start, 2, "invalid escape sequence");
    p->pos += i;
    while (cur(p) == ' ' || cur(p) == '\t' || at_newline(p)) {
      if (at_newline(p)) skip_newline(p);
      else p->pos++;
    }
    return 0;
  }
  if (c > 0x20 && c < 0x7f) return fail(p, start, 2, "invalid escape sequence `\\%c`", c);
  return fail(p, start, 1, "invalid escape sequence");
}

/* Parses any of the four string forms at p->pos into b. Multi-line forms
 * are refused when `key` (keys are single-line strings). */
static int parse_string(Parser *p, PsBuf *b, bool key) {
  size_t start = p->pos;
  int q = cur(p);
  bool basic = q == '"';
  bool multi = peek(p, 1) == q && peek(p, 2) == q;
  if (multi && key) return fail(p, start, 3, "a multi-line string cannot be a key");
  ps_buf_reserve(b, 0);
  ps_buf_reset(b); /* after reserve, so even "" is NUL-terminated */
  if (!multi) {
    p->pos++;
    for (;;) {
      int c = cur(p);
      if (c < 0 || c == '\n' || c == '\r') return fail(p, start, 1, "unterminated string");
      if (c == q) {
        p->pos++;
        return 0;
      }
      if (c == '\\' && basic) {
        int rc = parse_escape(p, b, false);
        if (rc) return rc;
      } else {
        ps_buf_putc(b, (char)c);
        p->pos++;
      }
    }
  }
  p->pos += 3;
  if (at_newline(p)) skip_newline(p); /* a newline right after the opening is trimmed */
  for (;;) {
    int c = cur(p);
    if (c < 0) return fail(p, start, 3, "unterminated multi-line string");
    if (c == q) {
      size_t run = 1;
      while (peek(p, run) == q) run++;
      if (run < 3) {
        ps_buf_append(b, (const char *)p->s + p->pos, run);
        p->pos += run;
        continue;
      }
      if (run > 5) return fail(p, p->pos, run, "too many quotes at the end of a multi-line string");
      /* Up to two quotes may precede the closing delimiter. */
      ps_buf_append(b, (const char *)p->s + p->pos, run - 3);
      p->pos += run;
      return 0;
    }
    if (c == '\\' && basic) {
      int rc = parse_escape(p, b, true);
      if (rc) return rc;
    } else if (c == '\r') {
      ps_buf_putc(b, '\n');
      p->pos += 2;
    } else {
      ps_buf_putc(b, (char)c);
      p->pos++;
    }
  }
}

/* ---- keys ----------------------------------------------------------------- */

static void key_free(Key *k) {
  for (size_t i = 0; i < k->size; i++) free(k->items[i].s);
  array_free(k);
}

static int parse_key(Parser *p, Key *k, PsBuf *scratch) {
  for (;;) {
    KeyPart part = {NULL, 0, p->pos};
    int c = cur(p);
    if (k->size >= PS_TOML_MAX_DEPTH) return fail(p, p->pos, 1, "nesting too deep");
    if (c == '"' || c == '\'') {
      int rc = parse_string(p, scratch, true);
      if (rc) return rc;
      part.len = scratch->len;
      part.s = ps_xstrndup(scratch->data, scratch->len); /* may hold NUL */
    } else if (is_bare(c)) {
      size_t s = p->pos;
      while (is_bare(cur(p))) p->pos++;
      part.len = p->pos - s;
      part.s = ps_xstrndup((const char *)p->s + s, part.len);
    } else if (c < 0 || c == '\n' || c == '\r') {
      return fail(p, p->pos, 1, "expected a key");
    } else if (c == '=') {
      return fail(p, p->pos, 1, "missing key before `=`");
    } else {
      return fail(p, p->pos, 1, "invalid character in key");
    }
    array_push(k, part);
    skip_ws(p);
    if (cur(p) != '.') return 0;
    p->pos++;
    skip_ws(p);
  }
}

/* ---- numbers and dates ---------------------------------------------------- */

static bool tok_char(int c) {
  return is_bare(c) || c == '+' || c == '.' || c == ':';
}

/* Digits of `base` with single underscores between them, from t[*i]. */
static bool scan_digits(const char *t, size_t len, size_t *i, int base) {
  size_t start = *i;
  bool last_digit = false;
  while (*i < len) {
    int c = (unsigned char)t[*i];
    int d = hex_value(c);
    if (d >= 0 && d < base && (base == 16 || is_digit(c))) {
      last_digit = true;
    } else if (c == '_') {
      if (!last_digit) return false;
      last_digit = false;
    } else {
      break;
    }
    (*i)++;
  }
  return *i > start && last_digit;
}

static int parse_number(Parser *p, size_t start, const char *t, size_t len, Node **out, int depth) {
  size_t i = 0;
  bool neg = false, sign = false;
  if (t[0] == '+' || t[0] == '-') neg = t[0] == '-', sign = true, i = 1;
  if (len - i == 3 && (memcmp(t + i, "inf", 3) == 0 || memcmp(t + i, "nan", 3) == 0)) {
    Node *n = node_new(PS_TOML_FLOAT, p, start, depth);
    n->v.u.f = t[i] == 'i' ? (neg ? -HUGE_VAL : HUGE_VAL) : (neg ? -NAN : NAN);
    *out = n;
    return 0;
  }
  if (len - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o' || t[i + 1] == 'b')) {
    int base = t[i + 1] == 'x' ? 16 : t[i + 1] == 'o' ? 8 : 2;
    if (sign) return fail(p, start, len, "a sign is not allowed on a hex, octal or binary integer");
    size_t j = i + 2;
    if (!scan_digits(t, len, &j, base) || j != len) return fail(p, start, len, "invalid number");
    unsigned long long v = 0;
    for (j = i + 2; j < len; j++) {
      if (t[j] == '_') continue;
      unsigned d = (unsigned)hex_value((unsigned char)t[j]);
      if (v > (unsigned long long)(LLONG_MAX - d) / (unsigned)base)
        return fail(p, start, len, "integer out of range");
      v = v * (unsigned)base + d;
    }
    Node *n = node_new(PS_TOML_INTEGER, p, start, depth);
    n->v.u.i = (long long)v;
    *out = n;
    return 0;
  }
  size_t int_start = i;
  if (!scan_digits(t, len, &i, 10)) return fail(p, start, len, "invalid number");
  if (t[int_start] == '0' && i - int_start > 1) return fail(p, start, len, "leading zeros are not allowed");
  bool is_float = false;
  if (i < len && t[i] == '.') {
    i++;
    if (!scan_digits(t, len, &i, 10)) return fail(p, start, len, "invalid float: expected digits after `.`");
    is_float = true;
  }
  if (i < len && (t[i] == 'e' || t[i] == 'E')) {
    i++;
    if (i < len && (t[i] == '+' || t[i] == '-')) i++;
    if (!scan_digits(t, len, &i, 10)) return fail(p, start, len, "invalid float: bad exponent");
    is_float = true;
  }
  if (i != len) return fail(p, start, len, "invalid number");

  /* Copy without underscores; strtod wants the locale's decimal point. */
  char *buf = ps_xmalloc(len + 1);
  size_t k = 0;
  char dp = localeconv()->decimal_point[0];
  for (size_t j = 0; j < len; j++) {
    if (t[j] == '_') continue;
    buf[k++] = t[j] == '.' ? dp : t[j];
  }
  buf[k] = '\0';
  Node *n;
  if (is_float) {
    n = node_new(PS_TOML_FLOAT, p, start, depth);
    n->v.u.f = strtod(buf, NULL);
  } else {
    unsigned long long v = 0, limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    for (size_t j = sign ? 1 : 0; j < k; j++) {
      unsigned d = (unsigned)(buf[j] - '0');
      if (v > (limit - d) / 10) {
        free(buf);
        return fail(p, start, len, "integer out of range");
      }
      v = v * 10 + d;
    }
    n = node_new(PS_TOML_INTEGER, p, start, depth);
    n->v.u.i = neg ? (v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v) : (long long)v;
  }
  free(buf);
  *out = n;
  return 0;
}

/* Reads exactly `n` digits at t[*i] into *v. */
static bool fixed_digits(const char *t, size_t len, size_t *i, int n, int *v) {
  *v = 0;
  for (int k = 0; k < n; k++, (*i)++) {
    if (*i >= len || !is_digit((unsigned char)t[*i])) return false;
    *v = *v * 10 + (t[*i] - '0');
  }
  return true;
}

static bool valid_time(const char *t, size_t len, size_t *i) {
  int h, m, s;
  if (!fixed_digits(t, len, i, 2, &h) || *i >= len || t[(*i)++] != ':') return false;
  if (!fixed_digits(t, len, i, 2, &m) || *i >= len || t[(*i)++] != ':') return false;
  if (!fixed_digits(t, len, i, 2, &s)) return false;
  if (h > 23 || m > 59 || s > 60) return false;
  if (*i < len && t[*i] == '.') {
    size_t f = ++(*i);
    while (*i < len && is_digit((unsigned char)t[*i])) (*i)++;
    if (*i == f) return false;
  }
  return true;
}

static bool valid_date(const char *t, size_t len, size_t *i) {
  int y, m, d;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!fixed_digits(t, len, i, 4, &y) || *i >= len || t[(*i)++] != '-') return false;
  if (!fixed_digits(t, len, i, 2, &m) || *i >= len || t[(*i)++] != '-') return false;
  if (!fixed_digits(t, len, i, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
  if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return false;
  return true;
}

/* Offset date-time, local date-time, local date or local time. */
static bool valid_datetime(const char *t, size_t len) {
  size_t i = 0;
  if (len >= 3 && t[2] == ':') return valid_time(t, len, &i) && i == len;
  if (!valid_date(t, len, &i)) return false;
  if (i == len) return true;
  if (t[i] != 'T' && t[i] != 't' && t[i] != ' ') return false;
  i++;
  if (!valid_time(t, len, &i)) return false;
  if (i == len) return true;
  if ((t[i] == 'Z' || t[i] == 'z') && i + 1 == len) return true;
  if (t[i] != '+' && t[i] != '-') return false;
  i++;
  int h, m;
  if (!fixed_digits(t, len, &i, 2, &h) || i >= len || t[i++] != ':') return false;
  if (!fixed_digits(t, len, &i, 2, &m)) return false;
  return i == len && h <= 23 && m <= 59;
}

static int parse_scalar_token(Parser *p, int depth, Node **out) {
  size_t start = p->pos, end = start;
  while (end < p->n && tok_char(p->s[end])) end++;
  const char *t = (const char *)p->s + start;
  size_t len = end - start;
  bool date = len >= 5 && is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]) && is_digit(t[3]) && t[4] == '-';
  bool time = len >= 3 && is_digit(t[0]) && is_digit(t[1]) && t[2] == ':';
  if (date || time) {
    /* "1979-05-27 07:32:00": a space may separate date and time. */
    if (date && len == 10 && end + 3 < p->n && p->s[end] == ' ' && is_digit(p->s[end + 1]) &&
        is_digit(p->s[end + 2]) && p->s[end + 3] == ':') {
      end++;
      while (end < p->n && tok_char(p->s[end])) end++;
      len = end - start;
    }
    if (!valid_datetime(t, len)) return fail(p, start, len, "invalid date or time");
    Node *n = node_new(PS_TOML_DATETIME, p, start, depth);
    n->v.u.str.s = ps_xstrndup(t, len);
    n->v.u.str.len = len;
    p->pos = end;
    *out = n;
    return 0;
  }
  if (len == 0) return fail(p, start, 1, "expected a value");
  if ((len == 4 && memcmp(t, "true", 4) == 0) || (len == 5 && memcmp(t, "false", 5) == 0)) {
    Node *n = node_new(PS_TOML_BOOL, p, start, depth);
    n->v.u.b = t[0] == 't';
    p->pos = end;
    *out = n;
    return 0;
  }
  bool alpha = (t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z');
  if (alpha && !(len == 3 && (memcmp(t, "inf", 3) == 0 || memcmp(t, "nan", 3) == 0)))
    return fail(p, start, len, "invalid value (strings must be quoted)");
  int rc = parse_number(p, start, t, len, out, depth);
  if (rc == 0) p->pos = end;
  return rc;
}

/* ---- arrays, inline tables and key/values --------------------------------- */

static int parse_keyval(Parser *p, Node *table, PsBuf *scratch);

static int parse_array(Parser *p, int depth, Node **out) {
  size_t start = p->pos;
  Node *a = node_new(PS_TOML_ARRAY, p, start, depth);
  a->flags = NODE_FROZEN;
  int rc = 0;
  p->pos++;
  for (;;) {
    skip_ws_nl(p);
    if (cur(p) == ']') break;
    if (cur(p) < 0) {
      rc = fail(p, start, 1, "unterminated array");
      goto cleanup;
    }
    Node *item = NULL;
    if ((rc = parse_value(p, depth + 1, &item)) != 0) goto cleanup;
    array_add(a, item);
    skip_ws_nl(p);
    if (cur(p) == ',') {
      p->pos++;
    } else if (cur(p) == ']') {
      break;
    } else {
      rc = cur(p) < 0 ? fail(p, start, 1, "unterminated array")
                      : fail(p, p->pos, 1, "expected `,` or `]` in array");
      goto cleanup;
    }
  }
  p->pos++;
  *out = a;
  return 0;
cleanup:
  ps_toml_free(&a->v);
  return rc;
}

static int parse_inline_table(Parser *p, int depth, Node **out) {
  size_t start = p->pos;
  Node *t = node_new(PS_TOML_TABLE, p, start, depth);
  PsBuf scratch = PS_BUF_INIT;
  int rc = 0;
  p->pos++;
  skip_ws(p);
  if (cur(p) != '}') {
    for (;;) {
      skip_ws(p);
      if (at_newline(p)) {
        rc = fail(p, p->pos, 1, "newline is not allowed in an inline table");
        goto cleanup;
      }
      if (cur(p) == '}' && t->v.u.table.size > 0) {
        rc = fail(p, p->pos, 1, "trailing comma is not allowed in an inline table");
        goto cleanup;
      }
      if ((rc = parse_keyval(p, t, &scratch)) != 0) goto cleanup;
      skip_ws(p);
      if (cur(p) == ',') {
        p->pos++;
      } else if (cur(p) == '}') {
        break;
      } else if (cur(p) < 0) {
        rc = fail(p, start, 1, "unterminated inline table");
        goto cleanup;
      } else if (at_newline(p)) {
        rc = fail(p, p->pos, 1, "newline is not allowed in an inline table");
        goto cleanup;
      } else {
        rc = fail(p, p->pos, 1, "expected `,` or `}` in inline table");
        goto cleanup;
      }
    }
  }
  p->pos++;
  freeze(t);
  ps_buf_free(&scratch);
  *out = t;
  return 0;
cleanup:
  ps_buf_free(&scratch);
  ps_toml_free(&t->v);
  return rc;
}

static int parse_value(Parser *p, int depth, Node **out) {
  int c = cur(p);
  if (depth > PS_TOML_MAX_DEPTH) return fail(p, p->pos, 1, "nesting too deep");
  if (c == '"' || c == '\'') {
    PsBuf b = PS_BUF_INIT;
    size_t start = p->pos;
    int rc = parse_string(p, &b, false);
    if (rc) {
      ps_buf_free(&b);
      return rc;
    }
    Node *n = node_new(PS_TOML_STRING, p, start, depth);
    n->v.u.str.len = b.len;
    n->v.u.str.s = ps_buf_steal(&b);
    *out = n;
    return 0;
  }
  if (c == '[') return parse_array(p, depth, out);
  if (c == '{') return parse_inline_table(p, depth, out);
  if (c < 0 || c == '\n' || c == '\r' || c == '#' || c == ',' || c == ']' || c == '}')
    return fail(p, p->pos, 1, "expected a value");
  return parse_scalar_token(p, depth, out);
}

static int key_not_table(Parser *p, const KeyPart *part, const Node *c) {
  static const char *const names[] = {"a string", "an integer", "a float", "a boolean",
                                      "a date-time", "an array", "a table"};
  char kb[80];
  const char *what = (c->flags & NODE_AOT) ? "an array of tables" : names[c->v.type];
  return fail(p, part->off, part->len ? part->len : 1, "`%s` is already defined as %s, not a table",
              show(kb, sizeof kb, part->s, part->len), what);
}

static Node *add_table(Parser *p, Node *parent, KeyPart *part, unsigned flags) {
  Node *t = node_new(PS_TOML_TABLE, p, part->off, parent->depth + 1);
  int line, col;
  t->flags = flags;
  locate(p, part->off, &line, &col, NULL);
  table_add(parent, part->s, part->len, line, col, t);
  part->s = NULL; /* now owned by the table */
  return t;
}

/* key = value, into `table` (the current [section] or an inline table). */
static int parse_keyval(Parser *p, Node *table, PsBuf *scratch) {
  Key key;
  Node *t = table, *val = NULL;
  char kb[80];
  int rc;
  array_init(&key);
  if ((rc = parse_key(p, &key, scratch)) != 0) goto cleanup;
  if (cur(p) != '=') {
    rc = fail(p, p->pos, 1, "expected `=` after a key");
    goto cleanup;
  }
  p->pos++;
  skip_ws(p);
  for (size_t i = 0; i + 1 < key.size; i++) {
    KeyPart *part = &key.items[i];
    long j = table_find(t, part->s, part->len);
    if (j < 0) {
      if (t->depth + 1 > PS_TOML_MAX_DEPTH) {
        rc = fail(p, part->off, 1, "nesting too deep");
        goto cleanup;
      }
      t = add_table(p, t, part, NODE_DOTTED);
      continue;
    }
    Node *c = (Node *)t->v.u.table.values[j];
    if (c->v.type != PS_TOML_TABLE) {
      rc = key_not_table(p, part, c);
      goto cleanup;
    }
    if (c->flags & (NODE_FROZEN | NODE_DEFINED)) {
      rc = fail(p, part->off, part->len ? part->len : 1, "cannot add keys to table `%s` here: it is already defined",
                show(kb, sizeof kb, part->s, part->len));
      goto cleanup;
    }
    c->flags |= NODE_DOTTED;
    t = c;
  }
  KeyPart *last = array_last(&key);
  if (table_find(t, last->s, last->len) >= 0) {
    rc = fail(p, last->off, last->len ? last->len : 1, "duplicate key `%s`", show(kb, sizeof kb, last->s, last->len));
    goto cleanup;
  }
  if ((rc = parse_value(p, t->depth + 1, &val)) != 0) goto cleanup;
  int line, col;
  locate(p, last->off, &line, &col, NULL);
  table_add(t, last->s, last->len, line, col, val);
  last->s = NULL;
cleanup:
  key_free(&key);
  return rc;
}

/* [a.b] or [[a.b]]: finds or creates the table that the following
 * key/values go into. */
static int parse_header(Parser *p, Node *root, Node **section, PsBuf *scratch) {
  size_t start = p->pos;
  bool aot = peek(p, 1) == '[';
  Key key;
  Node *t = root;
  char kb[80];
  int rc;
  array_init(&key);
  p->pos += aot ? 2 : 1;
  skip_ws(p);
  if ((rc = parse_key(p, &key, scratch)) != 0) goto cleanup;
  if (cur(p) != ']' || (aot && peek(p, 1) != ']')) {
    rc = fail(p, p->pos, 1, aot ? "expected `]]` after the table name" : "expected `]` after the table name");
    goto cleanup;
  }
  p->pos += aot ? 2 : 1;
  for (size_t i = 0; i < key.size; i++) {
    KeyPart *part = &key.items[i];
    bool last = i + 1 == key.size;
    long j = table_find(t, part->s, part->len);
    if (j < 0) {
      if (t->depth + (last && aot ? 2 : 1) > PS_TOML_MAX_DEPTH) {
        rc = fail(p, part->off, 1, "nesting too deep");
        goto cleanup;
      }
      if (last && aot) {
        Node *a = node_new(PS_TOML_ARRAY, p, start, t->depth + 1);
        int line, col;
        a->flags = NODE_AOT;
        locate(p, part->off, &line, &col, NULL);
        table_add(t, part->s, part->len, line, col, a);
        part->s = NULL;
        Node *e = node_new(PS_TOML_TABLE, p, start, a->depth + 1);
        e->flags = NODE_DEFINED;
        array_add(a, e);
        t = e;
      } else {
        t = add_table(p, t, part, last ? NODE_DEFINED : 0);
      }
      continue;
    }
    Node *c = (Node *)t->v.u.table.values[j];
    const char *name = show(kb, sizeof kb, part->s, part->len);
    size_t span = part->len ? part->len : 1;
    if (last && aot) {
      if (c->v.type == PS_TOML_ARRAY && (c->flags & NODE_AOT)) {
        if (c->depth + 1 > PS_TOML_MAX_DEPTH) {
          rc = fail(p, part->off, 1, "nesting too deep");
          goto cleanup;
        }
        Node *e = node_new(PS_TOML_TABLE, p, start, c->depth + 1);
        e->flags = NODE_DEFINED;
        array_add(c, e);
        t = e;
      } else if (c->v.type == PS_TOML_ARRAY) {
        rc = fail(p, part->off, span, "cannot append to static array `%s`", name);
        goto cleanup;
      } else {
        rc = fail(p, part->off, span, "`%s` is already defined and is not an array of tables", name);
        goto cleanup;
      }
    } else if (c->v.type == PS_TOML_TABLE) {
      if (c->flags & NODE_FROZEN) {
        rc = fail(p, part->off, span, "cannot extend inline table `%s`", name);
        goto cleanup;
      }
      if (last) {
        if (c->flags & (NODE_DEFINED | NODE_DOTTED)) {
          rc = fail(p, part->off, span, "table `%s` defined more than once", name);
          goto cleanup;
        }
        c->flags |= NODE_DEFINED;
      }
      t = c;
    } else if (c->v.type == PS_TOML_ARRAY && (c->flags & NODE_AOT)) {
      if (last) {
        rc = fail(p, part->off, span, "`%s` is already defined as an array of tables", name);
        goto cleanup;
      }
      t = (Node *)c->v.u.array.items[c->v.u.array.size - 1];
    } else if (c->v.type == PS_TOML_ARRAY) {
      rc = fail(p, part->off, span, "cannot extend static array `%s`", name);
      goto cleanup;
    } else {
      rc = key_not_table(p, part, c);
      goto cleanup;
    }
  }
  *section = t;
cleanup:
  key_free(&key);
  return rc;
}

int ps_toml_parse(PsTomlValue **out, const char *text, size_t len, const char *path, PsError *err) {
  Parser p = {(const unsigned char *)text, len, 0, path, err, NULL, 0};
  PsBuf scratch = PS_BUF_INIT;
  Node *root, *section;
  int rc;
  *out = NULL;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p.pos = 3; /* byte-order mark */
  index_lines(&p);
  root = section = node_new(PS_TOML_TABLE, &p, 0, 0);
  root->flags = NODE_DEFINED;
  if ((rc = check_bytes(&p)) != 0) goto cleanup;
  for (;;) {
    skip_ws(&p);
    int c = cur(&p);
    const char *what;
    if (c < 0) break;
    if (c == '#') {
      skip_comment(&p);
      what = "a comment";
    } else if (at_newline(&p)) {
      skip_newline(&p);
      continue;
    } else if (c == '[') {
      if ((rc = parse_header(&p, root, &section, &scratch)) != 0) goto cleanup;
      what = "a table header";
    } else {
      if ((rc = parse_keyval(&p, section, &scratch)) != 0) goto cleanup;
      what = "a key/value pair";
    }
    skip_ws(&p);
    skip_comment(&p);
    if (cur(&p) < 0) break;
    if (!at_newline(&p)) {
      rc = fail(&p, p.pos, 1, "expected a newline after %s", what);
      goto cleanup;
    }
    skip_newline(&p);
  }
  *out = &root->v;
  root = NULL;
cleanup:
  ps_buf_free(&scratch);
  free(p.line_starts);
  if (root) ps_toml_free(&root->v);
  return rc;
}
