/* summary_guards.c: what guards a piece of code in the summary walk: try
 * bodies whose handlers catch ImportError/AttributeError, `if
 * sys.version_info ...` and TYPE_CHECKING branches, the version masks of
 * if/elif/else branches and conditional expressions (PsGuardRange), skip
 * decorators and hasattr() tests (see summary.c).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/summary_internal.h"

/* The PS_GUARD_TRY_* flags an except clause gives its try body. */
static unsigned handler_guards(Walk *k, TSNode except) {
  const PsWalker *w = k->w;
  TSNode v = ts_node_child_by_field_id(except, w->f_value);
  if (ts_node_is_null(v)) return PS_GUARD_TRY_BROAD; /* bare except */
  unsigned g = 0;
  /* value may be a name, an attribute, a tuple or several values. */
  uint32_t cc = ts_node_child_count(except);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(except, i);
    if (!ts_node_is_named(c) || ts_node_symbol(c) == w->s_block) continue;
    TSNode alias = ts_node_child_by_field_id(except, w->f_alias);
    if (!ts_node_is_null(alias) && ts_node_eq(alias, c)) continue;
    /* `except (A, B) as e:` parses as an as_pattern around the types. */
    if (ts_node_symbol(c) == w->s_as_pattern && ts_node_named_child_count(c)) c = ts_node_named_child(c, 0);
    TSSymbol s = ts_node_symbol(c);
    bool many = s == w->s_tuple || s == w->s_parenthesized;
    /* Every type of the tuple, however many (a cursor: ts_node_named_child
     * is linear in the index). */
    TSTreeCursor tc = ts_tree_cursor_new(c);
    bool more = many ? ts_tree_cursor_goto_first_child(&tc) : true;
    for (; more; more = many && ts_tree_cursor_goto_next_sibling(&tc)) {
      TSNode item = ts_tree_cursor_current_node(&tc);
      if (!ts_node_is_named(item)) continue;
      const char *d = ps_summary__dotted(k, item);
      if (!d) continue;
      const char *last = strrchr(d, '.');
      last = last ? last + 1 : d;
      if (!strcmp(last, "ImportError") || !strcmp(last, "ModuleNotFoundError")) g |= PS_GUARD_TRY_IMPORT_ERROR;
      if (!strcmp(last, "AttributeError")) g |= PS_GUARD_TRY_ATTRIBUTE_ERROR;
      if (!strcmp(last, "TypeError")) g |= PS_GUARD_TRY_TYPE_ERROR;
      /* A broad handler guards nothing a removal raises, but the statement
       * is still not unconditional (the TY rules' import placement). */
      if (!strcmp(last, "Exception") || !strcmp(last, "BaseException")) g |= PS_GUARD_TRY_BROAD;
    }
    ts_tree_cursor_delete(&tc);
  }
  return g;
}

/* Reads `(3, N)` / `(3, N, ...)`: returns N or -1. */
static int version_tuple(Walk *k, TSNode t) {
  const PsWalker *w = k->w;
  if (ts_node_symbol(t) != w->s_tuple || ts_node_named_child_count(t) < 1) return -1;
  TSNode a = ts_node_named_child(t, 0);
  if (ts_node_symbol(a) != w->s_integer || !ps_summary__text_is(k, a, "3")) return -1;
  if (ts_node_named_child_count(t) < 2) return 0;
  TSNode b = ts_node_named_child(t, 1);
  if (ts_node_symbol(b) != w->s_integer) return -1;
  uint32_t len;
  const char *s = ps_source_node_text(k->src, b, &len);
  if (len == 0 || len > 2) return -1;
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static bool is_version_info(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  if (ts_node_symbol(n) == w->s_subscript) n = ts_node_child_by_field_id(n, w->f_value);
  if (ts_node_is_null(n)) return false;
  const char *d = ps_summary__dotted(k, n);
  return d && (!strcmp(d, "sys.version_info") || !strcmp(d, "version_info"));
}

/* Is n `sys.version_info[0]` / `version_info.major` (the major version)? */
static bool is_version_major(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(n);
  if (s == w->s_subscript) {
    TSNode v = ts_node_child_by_field_id(n, w->f_value);
    if (ts_node_is_null(v) || !is_version_info(k, v)) return false;
    /* the index: the subscript's last named child */
    uint32_t nc = ts_node_named_child_count(n);
    TSNode idx = ts_node_named_child(n, nc - 1);
    return ts_node_symbol(idx) == w->s_integer && ps_summary__text_is(k, idx, "0");
  }
  if (s == w->s_attribute) {
    const char *d = ps_summary__dotted(k, n);
    return d && (!strcmp(d, "sys.version_info.major") || !strcmp(d, "version_info.major"));
  }
  return false;
}

static int small_int(Walk *k, TSNode n) {
  if (ts_node_symbol(n) != k->w->s_integer) return -1;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (len != 1 || t[0] < '0' || t[0] > '9') return -1;
  return t[0] - '0';
}

/* Classifies an if condition: 1 = the consequence runs only on old
 * Pythons (below 3.*ver; *ver == 0 means Python 2), 2 = only on new ones
 * (>= 3.*ver), 3 = TYPE_CHECKING, 0 none. Parentheses are looked through,
 * `not` flips the answer, and `A and B` keeps A's (or B's) answer since
 * the branch needs both. */
static int classify_condition(Walk *k, TSNode cond, int *ver) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return classify_condition(k, ts_node_named_child(cond, 0), ver);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    int r = classify_condition(k, ts_node_named_child(cond, 0), ver);
    return r == 1 ? 2 : r == 2 ? 1 : 0;
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2) {
    uint32_t len;
    bool is_and = false;
    for (uint32_t i = 0; i < ts_node_child_count(cond); i++) {
      TSNode c = ts_node_child(cond, i);
      if (ts_node_is_named(c)) continue;
      const char *t = ps_source_node_text(k->src, c, &len);
      is_and = len == 3 && !memcmp(t, "and", 3);
    }
    if (!is_and) return 0;
    int r = classify_condition(k, ts_node_named_child(cond, 0), ver);
    if (r == 1 || r == 2) return r;
    return classify_condition(k, ts_node_named_child(cond, 1), ver) == 1 ? 1 : 0;
  }
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = ps_summary__dotted(k, cond);
    if (d && (!strcmp(d, "TYPE_CHECKING") || !strcmp(d, "typing.TYPE_CHECKING"))) return 3;
    return 0;
  }
  if (s != w->s_comparison || ts_node_named_child_count(cond) != 2) return 0;
  TSNode lhs = ts_node_named_child(cond, 0), rhs = ts_node_named_child(cond, 1);
  /* The operator is the anonymous child between them. */
  char op[3] = {0};
  uint32_t cc = ts_node_child_count(cond);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(cond, i);
    if (ts_node_is_named(c)) continue;
    uint32_t len;
    const char *t = ps_source_node_text(k->src, c, &len);
    if (len <= 2) memcpy(op, t, len);
    break;
  }
  /* Python 2 checks: version_info[0] < 3, .major == 2, [0] >= 3 ... */
  int major;
  if (is_version_major(k, lhs) && (major = small_int(k, rhs)) >= 0) {
    bool py2 = (!strcmp(op, "<") && major == 3) || (!strcmp(op, "==") && major == 2) ||
               (!strcmp(op, "<=") && major == 2);
    bool py3 = (!strcmp(op, ">=") && major == 3) || (!strcmp(op, ">") && major == 2) ||
               (!strcmp(op, "==") && major == 3) || (!strcmp(op, "!=") && major == 2);
    if (py2) return *ver = 0, 1;
    if (py3) return *ver = 0, 2;
    return 0;
  }
  bool flipped = false;
  int v;
  if (is_version_info(k, lhs) && (v = version_tuple(k, rhs)) >= 0) {
  } else if (is_version_info(k, rhs) && (v = version_tuple(k, lhs)) >= 0) {
    flipped = true;
  } else {
    return 0;
  }
  /* Normalise to `version_info OP (3, v)`. */
  if (flipped) {
    if (!strcmp(op, "<")) strcpy(op, ">");
    else if (!strcmp(op, ">")) strcpy(op, "<");
    else if (!strcmp(op, "<=")) strcpy(op, ">=");
    else if (!strcmp(op, ">=")) strcpy(op, "<=");
  }
  if (!strcmp(op, "<")) return *ver = v, 1;
  if (!strcmp(op, ">=")) return *ver = v, 2;
  if (!strcmp(op, "<=")) return *ver = v + 1, 1; /* <= (3, 11) is < (3, 12) */
  if (!strcmp(op, ">")) return *ver = v + 1, 2;
  return 0;
}

/* ---- where code can run: version masks (PsGuardRange) ---------------------------- */

/* The minors on which a condition can be true (t) and can be false (f) at
 * run time. A test on the micro version can be either on its minor. */
typedef struct Masks {
  uint64_t t, f;
} Masks;

#define MASKS_UNKNOWN ((Masks){PS_RUNS_ALL, PS_RUNS_ALL})
enum { CMP_LT = 1, CMP_EQ = 2, CMP_GT = 4 };

/* A non-negative decimal literal of at most 4 digits, or -1. */
static int int_value(Walk *k, TSNode n) {
  if (ts_node_symbol(n) != k->w->s_integer) return -1;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (!len || len > 4) return -1;
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

/* What a version test compares: the version tuple cut to *len items
 * (`sys.version_info` is 5 long, `[:2]` 2), or the major or minor number. */
enum { SUBJ_NONE, SUBJ_TUPLE, SUBJ_MAJOR, SUBJ_MINOR };
static int version_subject(Walk *k, TSNode n, int *len) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(n);
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = ps_summary__dotted(k, n);
    if (!d) return SUBJ_NONE;
    size_t dl = strlen(d);
    if (!strcmp(d, "sys.version_info") || !strcmp(d, "version_info")) return *len = 5, SUBJ_TUPLE;
    if (dl > 6 && !strcmp(d + dl - 6, ".major") && is_version_info(k, ts_node_child_by_field_id(n, w->f_object)))
      return SUBJ_MAJOR;
    if (dl > 6 && !strcmp(d + dl - 6, ".minor") && is_version_info(k, ts_node_child_by_field_id(n, w->f_object)))
      return SUBJ_MINOR;
    return SUBJ_NONE;
  }
  if (s != w->s_subscript || ts_node_named_child_count(n) != 2) return SUBJ_NONE;
  TSNode v = ts_node_child_by_field_id(n, w->f_value), idx = ts_node_named_child(n, 1);
  if (ts_node_is_null(v) || ts_node_symbol(v) == w->s_subscript || !is_version_info(k, v)) return SUBJ_NONE;
  int i = int_value(k, idx);
  if (i == 0) return SUBJ_MAJOR;
  if (i == 1) return SUBJ_MINOR;
  if (ts_node_symbol(idx) != w->s_slice) return SUBJ_NONE;
  /* `[:N]` or `[0:N]` */
  uint32_t len0;
  const char *t = ps_source_node_text(k->src, idx, &len0);
  uint32_t a = 0;
  while (a < len0 && (t[a] == ' ' || t[a] == '0')) a++;
  if (a >= len0 || t[a] != ':') return SUBJ_NONE;
  int nn = 0;
  uint32_t digits = 0;
  for (a++; a < len0 && t[a] != ' '; a++, digits++) {
    if (t[a] < '0' || t[a] > '9' || digits > 2) return SUBJ_NONE;
    nn = nn * 10 + (t[a] - '0');
  }
  if (!digits || nn < 1) return SUBJ_NONE;
  *len = nn > 5 ? 5 : nn;
  return SUBJ_TUPLE;
}

/* Possible results of comparing Python 3.minor's version tuple, cut to
 * vlen items, with t[0..tn), from item i on: items 0 and 1 are known, the
 * micro version is any number, the release level a string (comparing it
 * with an int raises: anything). */
static unsigned tuple_cmp(int minor, int vlen, const int *t, int tn, int i) {
  for (;; i++) {
    if (i == vlen && i == tn) return CMP_EQ;
    if (i == vlen) return CMP_LT;
    if (i == tn) return CMP_GT;
    if (i == 2) return (t[2] > 0 ? CMP_LT : 0) | CMP_GT | tuple_cmp(minor, vlen, t, tn, 3);
    if (i > 2) return CMP_LT | CMP_EQ | CMP_GT;
    int v = i == 0 ? 3 : minor;
    if (v != t[i]) return v < t[i] ? CMP_LT : CMP_GT;
  }
}

/* `a OP b` where one side is a version subject; op already read. */
static Masks compare_masks(Walk *k, TSNode a, const char *op, TSNode b) {
  int len = 0, subj = version_subject(k, a, &len);
  bool flip = false;
  if (subj == SUBJ_NONE) {
    subj = version_subject(k, b, &len);
    if (subj == SUBJ_NONE) return MASKS_UNKNOWN;
    TSNode x = a;
    a = b, b = x, flip = true;
  }
  unsigned truth;
  if (!strcmp(op, "<")) truth = flip ? CMP_GT : CMP_LT;
  else if (!strcmp(op, "<=")) truth = flip ? CMP_GT | CMP_EQ : CMP_LT | CMP_EQ;
  else if (!strcmp(op, ">")) truth = flip ? CMP_LT : CMP_GT;
  else if (!strcmp(op, ">=")) truth = flip ? CMP_LT | CMP_EQ : CMP_GT | CMP_EQ;
  else if (!strcmp(op, "==")) truth = CMP_EQ;
  else if (!strcmp(op, "!=")) truth = CMP_LT | CMP_GT;
  else return MASKS_UNKNOWN;
  int t[8], tn = 0, c = -1;
  if (subj == SUBJ_TUPLE) {
    const PsWalker *w = k->w;
    if (ts_node_symbol(b) != w->s_tuple) return MASKS_UNKNOWN;
    uint32_t nc = ts_node_named_child_count(b);
    if (!nc || nc > 8) return MASKS_UNKNOWN;
    for (uint32_t i = 0; i < nc; i++)
      if ((t[tn++] = int_value(k, ts_node_named_child(b, i))) < 0) return MASKS_UNKNOWN;
  } else if ((c = int_value(k, b)) < 0) {
    return MASKS_UNKNOWN;
  }
  Masks m = {0, 0};
  for (int minor = 0; minor < 64; minor++) {
    unsigned o;
    if (subj == SUBJ_TUPLE) o = tuple_cmp(minor, len, t, tn, 0);
    else {
      int v = subj == SUBJ_MAJOR ? 3 : minor;
      o = v < c ? CMP_LT : v > c ? CMP_GT : CMP_EQ;
    }
    if (o & truth) m.t |= (uint64_t)1 << minor;
    if (o & ~truth) m.f |= (uint64_t)1 << minor;
  }
  return m;
}

/* Where a condition can be true and false: version tests (chains too),
 * TYPE_CHECKING (false at run time), through parentheses, not, and, or. */
static Masks condition_masks(Walk *k, TSNode cond, int depth) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (depth > 32) return MASKS_UNKNOWN;
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return condition_masks(k, ts_node_named_child(cond, 0), depth + 1);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    Masks m = condition_masks(k, ts_node_named_child(cond, 0), depth + 1);
    return (Masks){m.f, m.t};
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2) {
    uint32_t len = 0;
    const char *t = "";
    for (uint32_t i = 0; i < ts_node_child_count(cond) && !len; i++) {
      TSNode c = ts_node_child(cond, i);
      if (!ts_node_is_named(c)) t = ps_source_node_text(k->src, c, &len);
    }
    Masks a = condition_masks(k, ts_node_named_child(cond, 0), depth + 1),
          b = condition_masks(k, ts_node_named_child(cond, 1), depth + 1);
    if (len == 3 && !memcmp(t, "and", 3)) return (Masks){a.t & b.t, a.f | b.f};
    if (len == 2 && !memcmp(t, "or", 2)) return (Masks){a.t | b.t, a.f & b.f};
    return MASKS_UNKNOWN;
  }
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = ps_summary__dotted(k, cond);
    size_t dl = d ? strlen(d) : 0;
    for (unsigned i = 0; d && s == w->s_identifier && i < k->n_flags; i++)
      if (k->flags[i].name && !strcmp(k->flags[i].name, d)) return (Masks){k->flags[i].t, k->flags[i].f};
    if (d && (!strcmp(d, "TYPE_CHECKING") || (dl > 14 && !strcmp(d + dl - 14, ".TYPE_CHECKING") &&
                                               strchr(d, '.') == d + dl - 14)))
      return (Masks){0, PS_RUNS_ALL};
    return MASKS_UNKNOWN;
  }
  if (s != w->s_comparison) return MASKS_UNKNOWN;
  /* `a < b < c` is `a < b and b < c`: operands are the named children,
   * each operator the anonymous tokens between two of them. */
  Masks m = {PS_RUNS_ALL, 0};
  TSNode prev = {0};
  char op[8] = {0};
  size_t opl = 0;
  uint32_t cc = ts_node_child_count(cond);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(cond, i);
    if (!ts_node_is_named(c)) {
      uint32_t len;
      const char *t = ps_source_node_text(k->src, c, &len);
      if (opl + len + 1 < sizeof op) memcpy(op + opl, t, len), opl += len, op[opl] = '\0';
      else opl = sizeof op; /* too long: `not in` and the like, unknown */
      continue;
    }
    if (ts_node_symbol(c) == w->s_comment) continue;
    if (!ts_node_is_null(prev)) {
      Masks p = opl < sizeof op ? compare_masks(k, prev, op, c) : MASKS_UNKNOWN;
      m.t &= p.t, m.f |= p.f;
    }
    prev = c, opl = 0, op[0] = '\0';
  }
  return m;
}

/* The module's version flags: top-level `NAME = <version test>` (the test
 * exact: it holds on some minors, fails on the others), each name assigned
 * once at top level (a second assignment drops it). */
void ps_summary__find_version_flags(Walk *k, TSNode root) {
  const PsWalker *w = k->w;
  uint32_t nc = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode st = ts_node_named_child(root, i);
    if (ts_node_symbol(st) != w->s_expression_statement || ts_node_named_child_count(st) != 1) continue;
    TSNode a = ts_node_named_child(st, 0);
    if (ts_node_symbol(a) != w->s_assignment) continue;
    TSNode left = ts_node_child_by_field_id(a, w->f_left), right = ts_node_child_by_field_id(a, w->f_right);
    if (ts_node_is_null(left) || ts_node_symbol(left) != w->s_identifier) continue;
    const char *name = ps_summary__dotted(k, left);
    if (!name) continue;
    unsigned j = 0;
    while (j < k->n_flags && strcmp(k->flags[j].name ? k->flags[j].name : "", name)) j++;
    if (j < k->n_flags) { /* assigned again: not a flag */
      k->flags[j].t = k->flags[j].f = PS_RUNS_ALL;
      continue;
    }
    Masks m = ts_node_is_null(right) ? MASKS_UNKNOWN : condition_masks(k, right, 0);
    bool exact = (m.t & m.f) == 0 && (m.t | m.f) == PS_RUNS_ALL;
    if (k->n_flags < MAX_VERSION_FLAGS)
      k->flags[k->n_flags++] = (VersionFlag){name, exact ? m.t : PS_RUNS_ALL, exact ? m.f : PS_RUNS_ALL};
  }
}

/* Does a block end in `return` or `raise` (code after it never follows)? */
static bool block_exits(Walk *k, TSNode block) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(block)) return false;
  for (uint32_t i = ts_node_named_child_count(block); i-- > 0;) {
    TSNode c = ts_node_named_child(block, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == w->s_comment) continue;
    return s == w->s_return || s == w->s_raise;
  }
  return false;
}

static void add_range(Walk *k, uint32_t start, uint32_t end, uint64_t runs) {
  if (runs == PS_RUNS_ALL || start >= end) return;
  array_push(&k->out->guard_ranges, ((PsGuardRange){start, end, runs, NULL, NULL, 0}));
}

/* The attribute a feature test `hasattr(x, "name")` checks (also as one
 * side of `and`, in parentheses); *negated for `not hasattr(...)`. */
static const char *hasattr_name(Walk *k, TSNode cond, bool *negated, int depth) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (depth > 8) return NULL;
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return hasattr_name(k, ts_node_named_child(cond, 0), negated, depth + 1);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    const char *r = hasattr_name(k, ts_node_named_child(cond, 0), negated, depth + 1);
    *negated = !*negated;
    return r;
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2 && !*negated) {
    uint32_t len = 0;
    for (uint32_t i = 0; i < ts_node_child_count(cond) && !len; i++)
      if (!ts_node_is_named(ts_node_child(cond, i))) ps_source_node_text(k->src, ts_node_child(cond, i), &len);
    if (len != 3) return NULL; /* `and` only: both sides hold in the branch */
    bool n1 = false, n2 = false;
    const char *a = hasattr_name(k, ts_node_named_child(cond, 0), &n1, depth + 1);
    if (a && !n1) return a;
    const char *b = hasattr_name(k, ts_node_named_child(cond, 1), &n2, depth + 1);
    return b && !n2 ? b : NULL;
  }
  if (s != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(cond, w->f_function), args = ts_node_child_by_field_id(cond, w->f_arguments);
  if (ts_node_is_null(fn) || !ps_summary__text_is(k, fn, "hasattr") || ts_node_is_null(args) ||
      ts_node_named_child_count(args) != 2)
    return NULL;
  uint32_t a, b;
  return ps_summary__string_value(k, ts_node_named_child(args, 1), &a, &b);
}

static void add_tested(Walk *k, TSNode n, const char *name) {
  if (ts_node_is_null(n) || !name || !*name) return;
  array_push(&k->out->guard_ranges, ((PsGuardRange){ts_node_start_byte(n), ts_node_end_byte(n), PS_RUNS_ALL, name, NULL, 0}));
}

bool ps_summary_feature_tested(const PsSummary *s, uint32_t pos, const char *name) {
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *g = &s->guard_ranges.items[i];
    if (g->tested && pos >= g->start && pos < g->end && !strcmp(g->tested, name)) return true;
  }
  return false;
}

static void add_node_range(Walk *k, TSNode n, uint64_t runs) {
  if (!ts_node_is_null(n)) add_range(k, ts_node_start_byte(n), ts_node_end_byte(n), runs);
}

/* The ranges of an if statement: each branch runs where its condition can
 * be true and the earlier ones false; the rest of the enclosing block runs
 * where some branch that does not end in return/raise runs, or none does. */
static void if_ranges(Walk *k, TSNode n, TSNode cond) {
  const PsWalker *w = k->w;
  Masks m = condition_masks(k, cond, 0);
  uint64_t rest = m.f, after = 0;
  TSNode body = ts_node_child_by_field_id(n, w->f_consequence);
  add_node_range(k, body, m.t);
  bool neg = false;
  const char *tested = hasattr_name(k, cond, &neg, 0);
  if (tested && !neg) add_tested(k, body, tested);
  bool fneg = false;
  const char *fallback = ps_summary__hasattr_fallback(k, cond, &fneg);
  if (fallback && fneg) ps_summary__add_fallback(k, body, fallback);
  bool seen_elif = false; /* the else of an elif chain: left alone (as the oracle does) */
  if (!block_exits(k, body)) after |= m.t;
  uint32_t cc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_named_child(n, i);
    uint64_t runs;
    if (ts_node_symbol(c) == w->s_elif) {
      seen_elif = true;
      TSNode ec = ts_node_child_by_field_id(c, w->f_condition);
      add_node_range(k, ec, rest); /* evaluated only when the earlier ones were false */
      Masks e = condition_masks(k, ec, 0);
      body = ts_node_child_by_field_id(c, w->f_consequence);
      runs = rest & e.t;
      rest &= e.f;
    } else if (ts_node_symbol(c) == w->s_else) {
      body = ts_node_child_by_field_id(c, w->f_body);
      runs = rest;
      rest = 0;
      if (tested && neg) add_tested(k, body, tested);
      if (fallback && !fneg && !seen_elif) ps_summary__add_fallback(k, body, fallback);
    } else {
      continue;
    }
    add_node_range(k, body, runs);
    if (!block_exits(k, body)) after |= runs;
  }
  after |= rest;
  TSNode parent = ps_summary__ancestor(k, 0);
  if (!ts_node_is_null(parent)) add_range(k, ts_node_end_byte(n), ts_node_end_byte(parent), after);
  /* `if not hasattr(m, "x"): return` tests the rest of the block. */
  TSNode cons = ts_node_child_by_field_id(n, w->f_consequence);
  if (tested && neg && !ts_node_is_null(parent) && block_exits(k, cons) && ts_node_named_child_count(n) == 2)
    array_push(&k->out->guard_ranges,
               ((PsGuardRange){ts_node_end_byte(n), ts_node_end_byte(parent), PS_RUNS_ALL, tested, NULL, 0}));
}

/* `a if cond else b` */
void ps_summary__visit_conditional(Walk *k, TSNode n) {
  if (ts_node_named_child_count(n) != 3) return;
  Masks m = condition_masks(k, ts_node_named_child(n, 1), 0);
  add_node_range(k, ts_node_named_child(n, 0), m.t);
  add_node_range(k, ts_node_named_child(n, 2), m.f);
  bool neg = false;
  const char *tested = hasattr_name(k, ts_node_named_child(n, 1), &neg, 0);
  if (tested) add_tested(k, ts_node_named_child(n, neg ? 2 : 0), tested);
}

/* `@unittest.skipIf(cond, ...)`, `@pytest.mark.skipif(cond, ...)`, `@skipUnless(cond)` on a
 * test: its body runs only where the test is not skipped. */
void ps_summary__skip_decorators(Walk *k, TSNode def) {
  const PsWalker *w = k->w;
  TSNode dd = ps_summary__ancestor(k, 0), body = ts_node_child_by_field_id(def, w->f_body);
  if (ts_node_is_null(dd) || ts_node_symbol(dd) != w->s_decorated || ts_node_is_null(body)) return;
  uint32_t nc = ts_node_named_child_count(dd);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode d = ts_node_named_child(dd, i);
    if (ts_node_symbol(d) != w->s_decorator || ts_node_named_child_count(d) != 1) continue;
    TSNode call = ts_node_named_child(d, 0);
    if (ts_node_symbol(call) != w->s_call) continue;
    const char *fn = ps_summary__dotted(k, ts_node_child_by_field_id(call, w->f_function));
    TSNode args = ts_node_child_by_field_id(call, w->f_arguments);
    if (!fn || ts_node_is_null(args) || !ts_node_named_child_count(args)) continue;
    const char *last = strrchr(fn, '.');
    last = last ? last + 1 : fn;
    bool unless = !strcmp(last, "skipUnless");
    if (!unless && strcmp(last, "skipIf") && strcmp(last, "skipif")) continue;
    Masks m = condition_masks(k, ts_node_named_child(args, 0), 0);
    add_node_range(k, body, unless ? m.t : m.f);
  }
}

uint64_t ps_summary_runs_at(const PsSummary *s, uint32_t pos) {
  uint64_t r = PS_RUNS_ALL;
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *g = &s->guard_ranges.items[i];
    if (!g->tested && pos >= g->start && pos < g->end) r &= g->runs;
  }
  return r;
}

void ps_summary__visit_if(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  TSNode cond = ts_node_child_by_field_id(n, w->f_condition);
  if (ts_node_is_null(cond)) return;
  if_ranges(k, n, cond);
  int ver = 0;
  int kind = classify_condition(k, cond, &ver);
  if (!kind) return;
  uint32_t line = ps_summary__line_of(k, n);
  unsigned cons_g = kind == 1 ? PS_GUARD_VERSION_OLD : kind == 2 ? PS_GUARD_VERSION_NEW : PS_GUARD_TYPE_CHECKING;
  unsigned alt_g = kind == 1 ? PS_GUARD_VERSION_NEW : kind == 2 ? PS_GUARD_VERSION_OLD : 0;
  uint16_t below = (uint16_t)(300 + ver);
  /* Alternatives first (reverse document order), then the consequence:
   * every elif and the else run only when the condition is false. */
  if (alt_g) {
    uint32_t cc = ts_node_named_child_count(n);
    for (uint32_t i = cc; i-- > 0;) {
      TSNode c = ts_node_named_child(n, i);
      TSNode body = {0};
      if (ts_node_symbol(c) == w->s_else) body = ts_node_child_by_field_id(c, w->f_body);
      else if (ts_node_symbol(c) == w->s_elif) body = ts_node_child_by_field_id(c, w->f_consequence);
      if (!ts_node_is_null(body))
        ps_summary__push_frame(w, body, alt_g, line, alt_g == PS_GUARD_VERSION_OLD ? below : 0, NULL, false);
    }
  }
  ps_summary__push_frame(w, ts_node_child_by_field_id(n, w->f_consequence), cons_g, line,
             cons_g == PS_GUARD_VERSION_OLD ? below : 0, NULL, false);
}

/* The try body gets what all its handlers catch together; a handler of
 * ImportError after a body of imports only is marked with what they
 * import (the removal analyses drop fallbacks that cannot run). */
void ps_summary__visit_try(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  uint32_t cc = ts_node_named_child_count(n), line = 0;
  unsigned g = 0;
  const char *body_imports = NULL;
  bool body_read = false;
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_named_child(n, i);
    unsigned h = ts_node_symbol(c) == w->s_except ? handler_guards(k, c) : 0;
    if (h && !g) line = ps_summary__line_of(k, c);
    g |= h;
    if (h & PS_GUARD_TRY_IMPORT_ERROR) {
      if (!body_read) body_imports = ps_summary__imports_only(k, ts_node_child_by_field_id(n, w->f_body)), body_read = true;
      if (body_imports)
        array_push(&k->out->guard_ranges, ((PsGuardRange){ts_node_start_byte(c), ts_node_end_byte(c), PS_RUNS_ALL,
                                                          NULL, body_imports, 0}));
    }
  }
  TSNode body = ts_node_child_by_field_id(n, w->f_body);
  if (g) ps_summary__push_frame(w, body, g, line, 0, NULL, false);
  if (g && !ts_node_is_null(body))
    array_push(&k->out->guard_ranges,
               ((PsGuardRange){ts_node_start_byte(body), ts_node_end_byte(body), PS_RUNS_ALL, NULL, NULL, g}));
}

/* Ranges are pushed in document order, an enclosing one before those
 * inside it: a def body inside a try body resets what the try catches. */
unsigned ps_summary_caught_at(const PsSummary *s, uint32_t pos) {
  unsigned g = 0;
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *r = &s->guard_ranges.items[i];
    if (r->catches && pos >= r->start && pos < r->end) g = r->catches == PS_CATCHES_NONE ? 0 : g | r->catches;
  }
  return g;
}

/* A def in a try body: its body runs later, outside the try. */
void ps_summary__def_leaves_try(Walk *k, TSNode def) {
  unsigned guards;
  uint32_t line;
  uint16_t below;
  const char *scope;
  bool module_level;
  ps_summary__active_context(k, ts_node_start_byte(def), &guards, &line, &below, &scope, &module_level);
  TSNode body = ts_node_child_by_field_id(def, k->w->f_body);
  if ((guards & PS_GUARD_TRY_ANY) && !ts_node_is_null(body))
    array_push(&k->out->guard_ranges, ((PsGuardRange){ts_node_start_byte(body), ts_node_end_byte(body), PS_RUNS_ALL,
                                                      NULL, NULL, PS_CATCHES_NONE}));
}

/* `hasattr(m, "x") and m.x(...)`: the right operand runs only where the
 * left one holds (`not hasattr(m, "x") or m.x(...)`: where it fails). */
void ps_summary__visit_boolean(Walk *k, TSNode n) {
  if (ts_node_named_child_count(n) != 2) return;
  uint32_t len = 0;
  for (uint32_t i = 0; i < ts_node_child_count(n) && !len; i++)
    if (!ts_node_is_named(ts_node_child(n, i))) ps_source_node_text(k->src, ts_node_child(n, i), &len);
  if (len != 3 && len != 2) return;
  bool neg = false;
  const char *tested = hasattr_name(k, ts_node_named_child(n, 0), &neg, 0);
  if (tested && neg == (len == 2)) add_tested(k, ts_node_named_child(n, 1), tested);
}
