/* typing_pep604.c: `kind: pep604` (TY007 `Union[X, Y]` -> `X | Y`, TY045
 * `Optional[X]` -> `X | None`), in annotations and expressions and inside
 * plain string annotations.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

/* Can `n` stand as an operand of `|` without parentheses? */
/* Is `pos` in code that never runs (`if TYPE_CHECKING:`)? There a union
 * with a quoted operand is never evaluated either (ruff: a typing-only
 * context). */
static bool never_runs(const Ctx *c, uint32_t pos) {
  const PsSummary *sum = c->fc->summary;
  for (size_t i = 0; i < sum->guard_ranges.size; i++) {
    const PsGuardRange *g = &sum->guard_ranges.items[i];
    if (!g->tested && g->runs == 0 && g->start <= pos && pos < g->end) return true;
  }
  return false;
}

static bool operand_ok(TSNode n) {
  static const char *const BAD[] = {"lambda", "conditional_expression", "boolean_operator", "not_operator",
                                    "comparison_operator", "named_expression", "await", "yield",
                                    "list_splat", "slice", "parenthesized_list_splat", "splat_type", NULL};
  if (is(n, "type") && ts_node_named_child_count(n) == 1) n = ts_node_named_child(n, 0);
  for (const char *const *b = BAD; *b; b++)
    if (is(n, *b)) return false;
  if (is(n, "type") && ts_node_named_child_count(n) != 1) return false; /* splat_type etc. */
  return true;
}

/* The ends of the fixes offered around the current finding (findings come
 * in source order, and nest). Each fix holds the text of everything inside
 * it, so Union[int, Union[int, ...]] nested 12,000 deep would take memory
 * quadratic in the depth: beyond PEP604_FIX_NESTING fixed levels a finding
 * gets no fix this round (the fix rounds reach it once the outer ones are
 * applied). */
typedef Array(uint32_t) Fixed;
#define PEP604_FIX_NESTING 8

static bool too_nested(Fixed *fixed, uint32_t start) {
  while (fixed->size && fixed->items[fixed->size - 1] <= start) fixed->size--;
  return fixed->size >= PEP604_FIX_NESTING;
}

void ps_typing__run_pep604(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  ps_typing__ref_paths(c, ps_typing__ref_candidate);
  Nodes inner;
  array_init(&inner);
  Fixed fixed;
  array_init(&fixed);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ps_deadline_poll(c->deadline)) break;
    Path p;
    if (!ps_typing__ref_named(c, i, s->member, &p) || p.len < 2) continue;
    TSNode n = up(&p, 0), parent = up(&p, 1);
    Nodes elems;
    array_init(&elems);
    TSNode whole;
    if (is(parent, "subscript") && ts_node_eq(ts_node_child_by_field_name(parent, "value", 5), n)) {
      whole = parent;
      TSTreeCursor cur = ts_tree_cursor_new(parent);
      if (ts_tree_cursor_goto_first_child(&cur)) do {
          const char *f = ts_tree_cursor_current_field_name(&cur);
          if (f && !strcmp(f, "subscript")) array_push(&elems, ts_tree_cursor_current_node(&cur));
        } while (ts_tree_cursor_goto_next_sibling(&cur));
      ts_tree_cursor_delete(&cur);
    } else if (is(parent, "generic_type") && ts_node_eq(ts_node_named_child(parent, 0), n)) {
      whole = parent;
      ps_typing__named_children(ts_node_named_child(parent, 1), &elems);
    } else {
      array_free(&elems);
      continue;
    }
    Where w = where(&p);
    bool ok = s->active || (c->deferred && w.annotation);
    if (!ok || w.in_string) {
      array_free(&elems);
      continue;
    }
    /* `int | "Foo"` raises TypeError where the annotation is evaluated:
     * with a quoted operand there, nothing can be rewritten (as ruff). */
    bool quoted_operand = false;
    for (size_t k = 0; k < elems.size; k++) {
      TSNode e = elems.items[k];
      if (is(e, "type") && ts_node_named_child_count(e) == 1) e = ts_node_named_child(e, 0);
      if (is(e, "tuple")) {
        ps_typing__named_children(e, &inner);
        for (size_t j = 0; j < inner.size; j++)
          quoted_operand |= is(inner.items[j], "string") || is(inner.items[j], "concatenated_string");
      }
      quoted_operand |= is(e, "string") || is(e, "concatenated_string");
    }
    if (quoted_operand && !(w.annotation && (c->deferred || !w.runtime_annotation)) &&
        !never_runs(c, ts_node_start_byte(whole))) {
      array_free(&elems);
      continue;
    }
    uint32_t ws = ts_node_start_byte(whole), we = ts_node_end_byte(whole);
    if (too_nested(&fixed, ws)) {
      PsVar vars[] = {{"used", ref->chain}, {"replacement", ""}};
      emit(c, ws, we, vars, 2, NULL);
      array_free(&elems);
      continue;
    }
    /* The fix: only in type definitions, with operands that stand alone. */
    bool fixable = w.type_def && elems.size > 0;
    if (s->optional && elems.size != 1) fixable = false;
    /* A parenthesised tuple (`Union[(int, str)]`) would come out as
     * `(int, str)`, a tuple, and `*Ts` cannot be an operand of `|`
     * (operand_ok): no fix for either (issue 14). */
    for (size_t k = 0; k < elems.size; k++) {
      TSNode e = elems.items[k];
      if (is(e, "type") && ts_node_named_child_count(e) == 1) e = ts_node_named_child(e, 0);
      if (is(e, "tuple")) fixable = false;
    }
    if (elems.size == 1 && is(elems.items[0], "tuple")) {
      if (s->optional) fixable = false;
      ps_typing__named_children(elems.items[0], &elems);
      if (!elems.size) fixable = false;
    }
    PsBuf b = PS_BUF_INIT;
    for (size_t k = 0; k < elems.size && fixable; k++) {
      TSNode e = elems.items[k];
      if (!operand_ok(e) || is(e, "comment")) fixable = false;
      uint32_t el;
      const char *et = ps_source_node_text(c->src, e, &el);
      if (k) ps_buf_puts(&b, " | ");
      ps_buf_append(&b, et, el);
    }
    if (s->optional) ps_buf_puts(&b, " | None");
    /* Comments inside the brackets would be lost. */
    if (fixable && memchr(c->src->text + ws, '#', we - ws)) fixable = false;
    /* A multi-line operand list needs parentheses outside brackets. */
    if (fixable && memchr(b.data, '\n', b.len)) {
      PsBuf q = PS_BUF_INIT;
      ps_buf_printf(&q, "(%s)", b.data);
      ps_buf_free(&b);
      b = q;
    }
    const char *repl = b.data ? b.data : "";
    PsByteEdit ed = {ws, we, repl};
    PsFixSpec fix = {"Convert to `X | Y`", &ed, 1, s->active};
    PsVar vars[] = {{"used", ref->chain}, {"replacement", repl}};
    emit(c, ws, we, vars, 2, fixable ? &fix : NULL);
    if (fixable) array_push(&fixed, we);
    ps_buf_free(&b);
    array_free(&elems);
  }
  array_free(&inner);
  array_free(&fixed);
}

/* Union[...] / Optional[...] inside a plain string annotation: the
 * brackets and top-level commas are found in the text. */
void ps_typing__pep604_in_strings(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  StrRefs sr;
  array_init(&sr);
  ps_typing__collect_string_refs(c, &sr);
  const char *t = c->src->text;
  /* Matching brackets of the string being read, found once per string
   * (scanning from each reference is quadratic in nested Union[...]). */
  uint32_t map_base = 0, map_end = 0, *close_of = NULL;
  Array(uint32_t) open;
  Array(uint32_t) cuts;
  array_init(&open);
  array_init(&cuts);
  Fixed fixed; /* as in run_pep604 */
  array_init(&fixed);
  for (size_t i = 0; i < sr.size; i++) {
    const StrRef *r = &sr.items[i];
    if (ps_deadline_poll(c->deadline)) break;
    const char *q = ps_summary_resolve(sum, r->chain, r->scope, c->arena, NULL);
    if (!q) continue;
    const char *m = !strncmp(q, "typing.", 7) ? q + 7 : !strncmp(q, "typing_extensions.", 18) ? q + 18 : NULL;
    if (!m || strcmp(m, s->member)) continue;
    if (!(s->active || c->deferred)) continue;
    uint32_t k = r->end;
    if (k >= r->str_end || t[k] != '[') continue;
    if (!close_of || r->str_end != map_end || k < map_base) {
      map_base = r->start;
      map_end = r->str_end;
      close_of = ps_arena_alloc(c->arena, (size_t)(map_end - map_base) * sizeof(uint32_t));
      array_clear(&open);
      for (uint32_t j = map_base; j < map_end; j++) {
        char ch = t[j];
        close_of[j - map_base] = 0;
        if (ch == '[' || ch == '(' || ch == '{') array_push(&open, j);
        else if ((ch == ']' || ch == ')' || ch == '}') && open.size) close_of[open.items[--open.size] - map_base] = j;
      }
    }
    uint32_t close = close_of[k - map_base];
    if (!close) continue;
    if (too_nested(&fixed, r->start)) {
      PsVar vars[] = {{"used", r->chain}, {"replacement", ""}};
      emit(c, r->start, close + 1, vars, 2, NULL);
      continue;
    }
    /* Top-level commas. */
    array_clear(&cuts);
    array_push(&cuts, k + 1);
    for (uint32_t j = k + 1; j < close; j++) {
      char ch = t[j];
      if ((ch == '[' || ch == '(' || ch == '{') && close_of[j - map_base]) j = close_of[j - map_base];
      else if (ch == ',') array_push(&cuts, j + 1);
    }
    PsBuf b = PS_BUF_INIT;
    size_t n_elems = 0;
    bool fixable = true;
    for (size_t e = 0; e < cuts.size; e++) {
      uint32_t a = cuts.items[e], z = e + 1 < cuts.size ? cuts.items[e + 1] - 1 : close;
      while (a < z && (t[a] == ' ' || t[a] == '\t' || t[a] == '\n')) a++;
      while (z > a && (t[z - 1] == ' ' || t[z - 1] == '\t' || t[z - 1] == '\n')) z--;
      if (a == z) continue; /* a trailing comma */
      const char *el = ps_arena_strndup(c->arena, t + a, z - a);
      if (strstr(el, "lambda") || strstr(el, ":=") || strstr(el, " if ") || strchr(el, '*')) fixable = false;
      ps_buf_printf(&b, "%s%s", n_elems ? " | " : "", el);
      n_elems++;
    }
    if (!n_elems || (s->optional && n_elems != 1)) fixable = false;
    if (s->optional) ps_buf_puts(&b, " | None");
    const char *repl = b.data ? b.data : "";
    PsByteEdit ed = {r->start, close + 1, repl};
    PsFixSpec fix = {"Convert to `X | Y`", &ed, 1, s->active};
    PsVar vars[] = {{"used", r->chain}, {"replacement", repl}};
    emit(c, r->start, close + 1, vars, 2, fixable ? &fix : NULL);
    if (fixable) array_push(&fixed, close + 1);
    ps_buf_free(&b);
  }
  array_free(&fixed);
  array_free(&open);
  array_free(&cuts);
  array_free(&sr);
}
