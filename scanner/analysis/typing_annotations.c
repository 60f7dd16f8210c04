/* typing_annotations.c: `kind: quoted-annotation` (TY037: quotes an
 * annotation does not need) and `kind: future-annotations` (TY102: the
 * `from __future__ import annotations` a deferred-annotations Python makes
 * redundant).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

/* The k-th ancestor of the node at depth `depth` of a subtree walk, given
 * the walk's nodes by depth (anc) and the path to the subtree's root. */
static TSNode ancestor(const Nodes *anc, uint32_t depth, const Path *root, uint32_t k) {
  return k <= depth ? anc->items[depth - k] : up(root, k - depth);
}

/* The last dotted part of a subscript's or generic type's head: "Literal"
 * for `typing.Literal[...]`. */
static const char *head_name(Ctx *c, TSNode container) {
  if (!is(container, "generic_type") && !is(container, "subscript")) return "";
  const char *ht = text_of(c, ts_node_named_child(container, 0));
  const char *hl = strrchr(ht, '.');
  return hl ? hl + 1 : ht;
}

/* Is the node at `depth` of the walk (ancestors in anc, above the subtree
 * the path `at`) a type position of the annotation? Only types are
 * annotations (ruff visits the rest as values): not the arguments of a
 * call (`Query(description="...")`), not what `Literal[...]` holds, and of
 * `Annotated[T, ...]` only T, the rest being metadata. */
static bool type_position(Ctx *c, const Nodes *anc, uint32_t depth, const Path *at) {
  TSNode n = ancestor(anc, depth, at, 0);
  if (is(n, "call") || is(n, "keyword_argument") || is(n, "lambda") || is(n, "dictionary") ||
      is(n, "set") || is(n, "list_comprehension") || is(n, "set_comprehension") ||
      is(n, "dictionary_comprehension") || is(n, "generator_expression"))
    return false;
  TSNode par = ancestor(anc, depth, at, 1), container = par;
  if (is(par, "type_parameter")) container = ancestor(anc, depth, at, 2);
  else if (!is(par, "subscript") || ts_node_eq(ts_node_named_child(par, 0), n))
    return true; /* not an element of a subscript */
  const char *hl = head_name(c, container);
  if (!strcmp(hl, "Literal")) return false;
  if (strcmp(hl, "Annotated")) return true;
  /* Annotated: the first element only (after the head, in a subscript). */
  size_t before = 0;
  for (TSNode s = ts_node_prev_named_sibling(n); !ts_node_is_null(s); s = ts_node_prev_named_sibling(s))
    before++;
  return before == (is(par, "subscript") ? 1u : 0u);
}

/* `ty`: the annotation, at the end of path `at`. */
static void quoted_in(Ctx *c, const Path *at, bool runtime) {
  TSNode ty = up(at, 0);
  /* Strings in the annotation's type positions: "Foo", List["Foo"].
   * Ancestors are kept by depth as the walk goes (ts_node_parent walks
   * down from the root each time). */
  Nodes anc;
  array_init(&anc);
  TSTreeCursor cur = ts_tree_cursor_new(ty);
  uint32_t depth = 0;
  for (;;) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode n = ts_tree_cursor_current_node(&cur);
    anc.size = depth;
    array_push(&anc, n);
    bool descend = depth == 0 || type_position(c, &anc, depth, at);
    if (descend && is(n, "string")) {
      descend = false;
      uint32_t cs, ce;
      bool ok = c->s->active || c->deferred || !runtime;
      if (ok && ps_typing__plain_string(c, n, &cs, &ce)) {
        const char *inner = ps_arena_strndup(c->arena, c->src->text + cs, ce - cs);
        bool blank = true;
        for (const char *q = inner; *q; q++) blank &= isspace((unsigned char)*q) != 0;
        if (!blank) {
          char *repl = memchr(inner, '\n', ce - cs) ? ps_arena_sprintf(c->arena, "(%s)", inner) : (char *)inner;
          PsByteEdit ed = {ts_node_start_byte(n), ts_node_end_byte(n), repl};
          PsFixSpec fix = {"Remove quotes", &ed, 1, true};
          PsVar vars[] = {{"used", text_of(c, n)}, {"replacement", repl}};
          emit(c, ts_node_start_byte(n), ts_node_end_byte(n), vars, 2, &fix);
        }
      }
    }
    if (!ps_typing__subtree_step(&cur, ty, descend, &depth)) break;
  }
  ts_tree_cursor_delete(&cur);
  array_free(&anc);
}

void ps_typing__run_quoted(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ps_typing__annotation_paths(c, true);
  for (size_t i = 0; i < sum->annotations.size; i++) {
    const PsAnnotation *an = &sum->annotations.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    if (!an->quoted || an->kind == PS_ANN_TYPE_STRING) continue;
    Path p;
    if (!path_of(c, c->ann_path[i], &p)) continue;
    /* Only a local variable's annotation is never evaluated; a class body
     * is evaluated even inside a function. */
    quoted_in(c, &p, !an->local);
  }
}

void ps_typing__run_future(Ctx *c) {
  if (!c->future) return;
  uint32_t s = c->future_start, e = c->future_end;
  /* Remove the whole line when the import is alone on it. */
  uint32_t ls = s, le = e;
  while (ls > 0 && (c->src->text[ls - 1] == ' ' || c->src->text[ls - 1] == '\t')) ls--;
  while (le < c->src->len && (c->src->text[le] == ' ' || c->src->text[le] == '\t')) le++;
  bool whole_line = (ls == 0 || c->src->text[ls - 1] == '\n') && (le == c->src->len || c->src->text[le] == '\n' ||
                                                                   c->src->text[le] == '\r');
  bool only_annotations = false;
  TSNode stmt = ts_node_first_child_for_byte(c->root, s); /* the statement, at module level */
  if (!ts_node_is_null(stmt) && ts_node_start_byte(stmt) <= s && e <= ts_node_end_byte(stmt))
    only_annotations = ts_node_named_child_count(stmt) == 1;
  if (whole_line) {
    if (le < c->src->len && c->src->text[le] == '\r') le++;
    if (le < c->src->len && c->src->text[le] == '\n') le++;
    s = ls;
    e = le;
  }
  PsByteEdit ed = {s, e, ""};
  /* Unsafe: __annotations__ holds objects instead of strings afterwards. */
  PsFixSpec fix = {"Remove the `__future__` import", &ed, 1, false};
  PsVar vars[] = {{"used", "from __future__ import annotations"}};
  emit(c, c->future_start, c->future_end, vars, 1, whole_line && only_annotations ? &fix : NULL);
}
