/* fix.c: one round of applying fixes to a text.
 *
 * The fix rounds (fix_rounds.c) call this once per round: it picks the fixes to
 * apply, in order of position, and builds the new text. Which fixes are
 * picked is what makes --fix predictable:
 *
 * - only applicable ones (safe, or any with --unsafe-fixes) that would
 *   change something, and only well-formed ones (edits inside the text, on
 *   character boundaries, in order, UTF-8); anything else is a bug in what
 *   emitted it and is never applied;
 * - a fix with an edit that conflicts with an edit already picked waits for
 *   the next round, when it is found again on the new text (nested fixes
 *   such as `Optional[List[int]]` take one round per level);
 * - a fix whose edits were all picked already (two rules proposing the
 *   same change) counts as applied.
 *
 * Inserted line breaks follow the text's own line ending (its first one).
 */
#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"

int ps_fix__edit_cmp(const void *a, const void *b) {
  const PsEdit *x = a, *y = b;
  if (x->range.start.byte != y->range.start.byte) return x->range.start.byte < y->range.start.byte ? -1 : 1;
  return x->range.end.byte < y->range.end.byte ? -1 : x->range.end.byte > y->range.end.byte;
}

static bool char_boundary(const char *text, size_t len, uint32_t off) {
  return off == len || ((unsigned char)text[off] & 0xC0) != 0x80;
}

static bool well_formed(const char *text, size_t len, const PsFix *fix) {
  for (size_t k = 0; k < fix->n_edits; k++) {
    const PsEdit *ed = &fix->edits[k];
    uint32_t a = ed->range.start.byte, b = ed->range.end.byte;
    if (a > b || b > len || !char_boundary(text, len, a) || !char_boundary(text, len, b)) return false;
    if (!ps_utf8_valid((const unsigned char *)ed->text, strlen(ed->text))) return false;
    if (k && (fix->edits[k - 1].range.end.byte > a || (a == b && fix->edits[k - 1].range.start.byte == a)))
      return false;
  }
  return fix->n_edits > 0;
}

static bool changes_text(const char *text, const PsFix *fix) {
  for (size_t k = 0; k < fix->n_edits; k++) {
    const PsEdit *ed = &fix->edits[k];
    size_t n = ed->range.end.byte - ed->range.start.byte;
    if (strlen(ed->text) != n || memcmp(ed->text, text + ed->range.start.byte, n)) return true;
  }
  return false;
}

/* Edits conflict when they overlap, or are two insertions at one offset
 * (which one goes first would be a guess). Touching edits do not. */
static bool conflict(const PsEdit *x, const PsEdit *y) {
  uint32_t xa = x->range.start.byte, xb = x->range.end.byte, ya = y->range.start.byte, yb = y->range.end.byte;
  if (xa == xb && ya == yb) return xa == ya;
  return !(xb <= ya || yb <= xa);
}

static bool same_edit(const PsEdit *x, const PsEdit *y) {
  return x->range.start.byte == y->range.start.byte && x->range.end.byte == y->range.end.byte &&
         !strcmp(x->text, y->text);
}

static int edit_ptr_cmp(const void *a, const void *b) {
  return ps_fix__edit_cmp(*(const PsEdit *const *)a, *(const PsEdit *const *)b);
}

typedef struct Candidate {
  const PsFinding *f;
  size_t order;
} Candidate;

/* By the first edit's position, then rule id, then the findings' order. */
static int candidate_cmp(const void *pa, const void *pb) {
  const Candidate *a = pa, *b = pb;
  int c = ps_fix__edit_cmp(&a->f->fix->edits[0], &b->f->fix->edits[0]);
  if (c) return c;
  if ((c = strcmp(a->f->rule->id, b->f->rule->id))) return c;
  return a->order < b->order ? -1 : a->order > b->order;
}

static const char *line_ending(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\n') return "\n";
    if (text[i] == '\r') return i + 1 < len && text[i + 1] == '\n' ? "\r\n" : "\r";
  }
  return "\n";
}

static void append_with_eol(PsBuf *b, const char *t, const char *eol) {
  for (; *t; t++) {
    if (*t == '\r' || *t == '\n') {
      ps_buf_puts(b, eol);
      if (t[0] == '\r' && t[1] == '\n') t++;
    } else {
      ps_buf_putc(b, *t);
    }
  }
}

size_t ps_fix__apply(const char *text, size_t len, const PsFinding *fs, size_t n, bool unsafe, PsBuf *out,
                     PsBuf *culprits) {
  Array(Candidate) cands;
  Array(const PsEdit *) taken;
  array_init(&cands);
  array_init(&taken);
  for (size_t i = 0; i < n; i++) {
    const PsFix *fix = fs[i].fix;
    if (fix && (fix->safe || unsafe) && well_formed(text, len, fix) && changes_text(text, fix))
      array_push(&cands, ((Candidate){&fs[i], i}));
  }
  if (cands.size) qsort(cands.items, cands.size, sizeof(Candidate), candidate_cmp);
  size_t fixed = 0;
  ps_buf_reset(culprits);
  for (size_t c = 0; c < cands.size; c++) {
    const PsFix *fix = cands.items[c].f->fix;
    bool all_taken = true, clash = false;
    for (size_t k = 0; k < fix->n_edits; k++) {
      bool taken_already = false;
      for (size_t t = 0; t < taken.size && !taken_already; t++) taken_already = same_edit(&fix->edits[k], taken.items[t]);
      all_taken &= taken_already;
      for (size_t t = 0; t < taken.size && !taken_already && !clash; t++) clash = conflict(&fix->edits[k], taken.items[t]);
    }
    if (clash && !all_taken) continue;
    if (!all_taken) {
      for (size_t k = 0; k < fix->n_edits; k++) {
        bool taken_already = false;
        for (size_t t = 0; t < taken.size && !taken_already; t++)
          taken_already = same_edit(&fix->edits[k], taken.items[t]);
        if (!taken_already) array_push(&taken, &fix->edits[k]);
      }
      ps_buf_printf(culprits, "%s%s at line %u", culprits->len ? ", " : "", cands.items[c].f->rule->id,
                    (unsigned)cands.items[c].f->range.start.line);
    }
    fixed++;
  }
  if (fixed) {
    qsort(taken.items, taken.size, sizeof(const PsEdit *), edit_ptr_cmp);
    const char *eol = line_ending(text, len);
    ps_buf_reset(out);
    ps_buf_reserve(out, len + 64);
    uint32_t pos = 0;
    for (size_t t = 0; t < taken.size; t++) {
      ps_buf_append(out, text + pos, taken.items[t]->range.start.byte - pos);
      append_with_eol(out, taken.items[t]->text, eol);
      pos = taken.items[t]->range.end.byte;
    }
    ps_buf_append(out, text + pos, len - pos);
  }
  array_free(&cands);
  array_free(&taken);
  return fixed;
}

/* ---- what CPython rejects and tree-sitter accepts ------------------------------ */

/* tree-sitter's Python grammar is more lenient than CPython: it parses a
 * statement indented where no block opens ("unexpected indent"), a dedent
 * to a level that matches no enclosing one, tabs and spaces mixed
 * inconsistently, and starred expressions anywhere (`*Ts | None`, `y =
 * *a`). A fix that creates one of these must not be written, so the fixed
 * tree is checked where the text changed, against the tree before. */

typedef struct Indent {
  unsigned w8, w1; /* width with tabs to multiples of 8, and with tabs as 1: CPython compares both */
} Indent;

/* The indentation before `pos` if only blanks precede it on its line. */
static bool indent_at(const char *text, uint32_t pos, Indent *out) {
  uint32_t ls = pos;
  while (ls > 0 && text[ls - 1] != '\n' && text[ls - 1] != '\r') ls--;
  Indent in = {0, 0};
  for (uint32_t i = ls; i < pos; i++) {
    char ch = text[i];
    if (ch == ' ') in.w8++, in.w1++;
    else if (ch == '\t') in.w8 = (in.w8 / 8 + 1) * 8, in.w1++;
    else if (ch == '\f') in.w8 = in.w1 = 0;
    else return false;
  }
  *out = in;
  return true;
}

/* The indentation of the line holding `pos` (its leading blanks). */
static Indent line_indent(const char *text, uint32_t pos) {
  uint32_t ls = pos;
  while (ls > 0 && text[ls - 1] != '\n' && text[ls - 1] != '\r') ls--;
  uint32_t e = ls;
  while (text[e] == ' ' || text[e] == '\t' || text[e] == '\f') e++;
  Indent in = {0, 0};
  indent_at(text, e, &in);
  return in;
}

static bool kind_is(TSNode n, const char *kind) { return !ts_node_is_null(n) && !strcmp(ts_node_type(n), kind); }

static bool kind_in(TSNode n, const char *const *kinds) {
  for (; *kinds; kinds++)
    if (kind_is(n, *kinds)) return true;
  return false;
}

/* Statements of a module or block: each at the start of its line must be
 * indented as the first one, a block's deeper than its header's line, and
 * a module's not at all. Returns the number of statements that are not. */
static size_t bad_statement_indents(const char *text, TSNode body) {
  bool is_module = kind_is(body, "module");
  Indent head = {0, 0}, first = {0, 0};
  if (!is_module) head = line_indent(text, ts_node_start_byte(ts_node_parent(body)));
  bool have_first = false;
  size_t bad = 0;
  uint32_t nc = ts_node_named_child_count(body);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode st = ts_node_named_child(body, i);
    Indent in;
    if (kind_is(st, "comment") || ts_node_is_extra(st) || !indent_at(text, ts_node_start_byte(st), &in)) continue;
    bool ok = is_module ? in.w8 == 0 && in.w1 == 0 : in.w8 > head.w8 && in.w1 > head.w1;
    if (have_first && (in.w8 != first.w8 || in.w1 != first.w1)) ok = false;
    if (!have_first) first = in, have_first = true;
    bad += !ok;
  }
  return bad;
}

/* parent and up are n's parent and grandparent (null nodes at the root):
 * the walk keeps its path, since ts_node_parent walks down from the root
 * each time (quadratic on a deep tree; found by parse_scan_fuzz). */
static size_t rejects_at(const char *text, TSNode n, TSNode parent, TSNode up) {
  static const char *const SPLAT_PARENTS[] = {"list", "tuple", "set", "argument_list", "expression_list",
                                              "subscript", NULL};
  static const char *const CLAUSES[] = {"elif_clause", "else_clause", "except_clause", "except_group_clause",
                                        "finally_clause", NULL};
  if (kind_is(n, "list_splat")) return !kind_in(parent, SPLAT_PARENTS);
  if (kind_is(n, "splat_type")) {
    /* `tuple[*Ts]`, `def f(*args: *Ts)`; nowhere else. */
    if (kind_is(up, "type_parameter")) return 0;
    if (kind_is(up, "typed_parameter") && kind_is(ts_node_named_child(up, 0), "list_splat_pattern")) return 0;
    return 1;
  }
  if (kind_is(n, "module") || kind_is(n, "block")) return bad_statement_indents(text, n);
  Indent in;
  if (kind_in(n, CLAUSES) && indent_at(text, ts_node_start_byte(n), &in)) {
    Indent head = line_indent(text, ts_node_start_byte(parent));
    return in.w8 != head.w8 || in.w1 != head.w1;
  }
  if (kind_is(parent, "decorated_definition") && indent_at(text, ts_node_start_byte(n), &in)) {
    Indent head = line_indent(text, ts_node_start_byte(parent));
    return in.w8 != head.w8 || in.w1 != head.w1;
  }
  return 0;
}

/* Counts what CPython would reject among the nodes overlapping [a, b]. */
static size_t rejects_in(const char *text, TSNode root, uint32_t a, uint32_t b) {
  size_t n = 0;
  Array(TSNode) path; /* the ancestors of the cursor's node */
  array_init(&path);
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&cur);
    bool overlaps = ts_node_start_byte(node) <= b && ts_node_end_byte(node) >= a;
    TSNode parent = path.size ? path.items[path.size - 1] : (TSNode){0};
    TSNode up = path.size > 1 ? path.items[path.size - 2] : (TSNode){0};
    if (overlaps) n += rejects_at(text, node, parent, up);
    if (overlaps && ts_tree_cursor_goto_first_child(&cur)) {
      array_push(&path, node);
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
      path.size--;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
  array_free(&path);
  return n;
}

bool ps_fix__python_rejects(const char *old_text, size_t old_len, TSNode old_root, const char *new_text,
                            size_t new_len, TSNode new_root) {
  size_t pre = 0, suf = 0, min = old_len < new_len ? old_len : new_len;
  while (pre < min && old_text[pre] == new_text[pre]) pre++;
  while (suf < min - pre && old_text[old_len - 1 - suf] == new_text[new_len - 1 - suf]) suf++;
  if (pre == old_len && pre == new_len) return false;
  size_t before = rejects_in(old_text, old_root, (uint32_t)pre, (uint32_t)(old_len - suf));
  size_t after = rejects_in(new_text, new_root, (uint32_t)pre, (uint32_t)(new_len - suf));
  return after > before;
}
