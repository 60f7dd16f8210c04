/* typing_async.c: `kind: async-iterator` (TY100: an async generator
 * annotated `AsyncGenerator[Y, None]` whose sent values nobody uses ->
 * `AsyncIterator[Y]`).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

static bool ref_async_generator(const Ctx *c, const PsRef *ref) {
  (void)c;
  const char *last = strrchr(ref->chain, '.');
  return !strcmp(last ? last + 1 : ref->chain, "AsyncGenerator");
}

/* Does the body of a def use the value of a `yield` (x = yield v, await
 * (yield), f((yield))), not counting nested defs, lambdas and classes? */
static bool yield_value_used(const Ctx *c, TSNode body) {
  TSTreeCursor cur = ts_tree_cursor_new(body);
  Nodes anc; /* the walk's nodes by depth: parents without ts_node_parent (a walk from the root) */
  array_init(&anc);
  bool used = false;
  uint32_t depth = 0;
  for (;;) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode n = ts_tree_cursor_current_node(&cur);
    anc.size = depth;
    array_push(&anc, n);
    bool descend = ts_node_child_count(n) > 0;
    if (is(n, "function_definition") || is(n, "lambda") || is(n, "class_definition")) descend = false;
    else if (is(n, "yield")) {
      if (!depth || !is(anc.items[depth - 1], "expression_statement")) used = true;
      descend = false;
    }
    if (used) break;
    if (!ps_typing__subtree_step(&cur, body, descend, &depth)) break;
  }
  ts_tree_cursor_delete(&cur);
  array_free(&anc);
  return used;
}

static bool is_async_def(const Ctx *c, TSNode def) {
  TSNode first = ts_node_child(def, 0);
  uint32_t l;
  const char *t = ps_source_node_text(c->src, first, &l);
  return l == 5 && !memcmp(t, "async", 5);
}

void ps_typing__run_async_iterator(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  const char *text = c->src->text;
  /* A caller in this file that sends into or closes a generator needs the
   * generator type. */
  if (strstr(text, ".asend(") || strstr(text, ".athrow(") || strstr(text, ".aclose(")) return;
  uint32_t insert_at = UINT32_MAX;
  ps_typing__ref_paths(c, ref_async_generator);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    if (c->ref_path[i] == UINT32_MAX) continue;
    const char *last = strrchr(ref->chain, '.');
    last = last ? last + 1 : ref->chain;
    const char *q = ps_summary_resolve(sum, ref->chain, ref->scope, c->arena, NULL);
    if (!q) continue;
    const char *qdot = strrchr(q, '.');
    if (!qdot || strcmp(qdot + 1, "AsyncGenerator")) continue;
    const char *mod = ps_arena_strndup(c->arena, q, (size_t)(qdot - q));
    if (strcmp(mod, "typing") && strcmp(mod, "typing_extensions") && strcmp(mod, "collections.abc")) continue;
    Path p;
    if (!path_of(c, c->ref_path[i], &p) || p.len < 4) continue;
    /* def f(...) -> AsyncGenerator[Y, None]: the return annotation. */
    TSNode head = up(&p, 0), gen = up(&p, 1);
    TSNode elem_y = {0}, elem_none = {0};
    size_t n_elems = 0;
    if (is(gen, "generic_type") && ts_node_eq(ts_node_named_child(gen, 0), head)) {
      TSNode tp = ts_node_named_child(gen, 1);
      n_elems = ts_node_named_child_count(tp);
      if (n_elems == 2) {
        elem_y = ts_node_named_child(tp, 0);
        elem_none = ts_node_named_child(tp, 1);
      }
    } else if (is(gen, "subscript") && ts_node_eq(ts_node_child_by_field_name(gen, "value", 5), head)) {
      TSTreeCursor cur = ts_tree_cursor_new(gen);
      if (ts_tree_cursor_goto_first_child(&cur)) do {
          const char *f = ts_tree_cursor_current_field_name(&cur);
          if (!f || strcmp(f, "subscript")) continue;
          if (n_elems == 0) elem_y = ts_tree_cursor_current_node(&cur);
          else if (n_elems == 1) elem_none = ts_tree_cursor_current_node(&cur);
          n_elems++;
        } while (ts_tree_cursor_goto_next_sibling(&cur));
      ts_tree_cursor_delete(&cur);
    } else {
      continue;
    }
    if (n_elems != 2 || strcmp(text_of(c, elem_none), "None")) continue;
    TSNode ty = up(&p, 2), def = up(&p, 3);
    if (!is(ty, "type") || !is(def, "function_definition")) continue;
    if (!ts_node_eq(ts_node_child_by_field_name(def, "return_type", 11), ty)) continue;
    if (!is_async_def(c, def)) continue;
    TSNode body = ts_node_child_by_field_name(def, "body", 4);
    if (ts_node_is_null(body) || yield_value_used(c, body)) continue;
    /* The replacement name, spelled the way AsyncGenerator was. */
    PsByteEdit edits[2];
    size_t ne = 0;
    bool fixable = true;
    const char *repl;
    if (strchr(ref->chain, '.')) {
      repl = ps_arena_sprintf(c->arena, "%.*sAsyncIterator", (int)(last - ref->chain), ref->chain);
    } else {
      char *qual = ps_arena_sprintf(c->arena, "%s.AsyncIterator", mod);
      repl = "AsyncIterator";
      if (ps_typing__imported_as(sum, repl, qual)) {
        /* already there */
      } else if (!ps_typing__name_bound(c, repl, NULL)) {
        if (insert_at == UINT32_MAX) insert_at = ps_typing__import_insert_point(c);
        edits[ne++] = (PsByteEdit){insert_at, insert_at, ps_arena_sprintf(c->arena, "from %s import AsyncIterator\n", mod)};
      } else {
        fixable = false;
      }
    }
    char *whole = ps_arena_sprintf(c->arena, "%s[%s]", repl, text_of(c, elem_y));
    edits[ne++] = (PsByteEdit){ts_node_start_byte(gen), ts_node_end_byte(gen), whole};
    const char *fname = text_of(c, ts_node_child_by_field_name(def, "name", 4));
    PsVar vars[] = {{"used", text_of(c, gen)}, {"name", fname}, {"replacement", whole}};
    /* Unsafe: callers in other files may still call asend()/aclose(). */
    PsFixSpec fix = {ps_arena_sprintf(c->arena, "Annotate as `%s`", whole), edits, ne, false};
    emit(c, ts_node_start_byte(gen), ts_node_end_byte(gen), vars, 3, fixable ? &fix : NULL);
  }
}
