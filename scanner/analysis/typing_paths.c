/* typing_paths.c: the tree around the summary's items, for the TY analyses.
 *
 * Each item an analysis reads (a reference, an import, an annotation, a
 * def) is found in one forward walk of the tree (resolve_paths), keeping
 * every node on the way once with its parent and what its path says
 * (Where): whether it sits in an annotation, whether that annotation is
 * evaluated at runtime, and whether it is a type definition (annotation,
 * type alias value, cast() target) where a rewrite is safe.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

/* The named children of n, in order (a cursor: ts_node_named_child is
 * linear in the index, so a loop over it is quadratic). */
void ps_typing__named_children(TSNode n, Nodes *out) {
  array_clear(out);
  if (ts_node_is_null(n)) return;
  TSTreeCursor cur = ts_tree_cursor_new(n);
  if (ts_tree_cursor_goto_first_child(&cur)) do {
      TSNode ch = ts_tree_cursor_current_node(&cur);
      if (ts_node_is_named(ch)) array_push(out, ch);
    } while (ts_tree_cursor_goto_next_sibling(&cur));
  ts_tree_cursor_delete(&cur);
}

/* Steps a pre-order walk of the subtree rooted at `root` (the cursor
 * started there); `descend`: enter the current node. False at the end. */
bool ps_typing__subtree_next(TSTreeCursor *cur, TSNode root, bool descend) {
  if (descend && ts_tree_cursor_goto_first_child(cur)) return true;
  for (;;) {
    if (ts_node_eq(ts_tree_cursor_current_node(cur), root)) return false;
    if (ts_tree_cursor_goto_next_sibling(cur)) return true;
    if (!ts_tree_cursor_goto_parent(cur)) return false;
  }
}

/* subtree_next keeping the cursor's depth below `root` in *depth
 * (ts_tree_cursor_current_depth counts its whole stack each time). */
bool ps_typing__subtree_step(TSTreeCursor *cur, TSNode root, bool descend, uint32_t *depth) {
  if (descend && ts_tree_cursor_goto_first_child(cur)) {
    ++*depth;
    return true;
  }
  for (;;) {
    if (ts_node_eq(ts_tree_cursor_current_node(cur), root)) return false;
    if (ts_tree_cursor_goto_next_sibling(cur)) return true;
    if (!ts_tree_cursor_goto_parent(cur)) return false;
    --*depth;
  }
}

static const char *callee_last(const Ctx *c, TSNode call);
static bool generic_value(const Ctx *c, TSNode value);

/* Extends the path ending at parent (UINT32_MAX: none) by n, folding n
 * into what the path says. The steps look at n and up to three ancestors,
 * as a walk down the path from the root would. */
static uint32_t path_push(Ctx *c, uint32_t parent, TSNode n) {
  PathNode pn = {n, parent, 0, 0, false, false, {0}};
  uint32_t self = (uint32_t)c->paths.size;
  if (parent == UINT32_MAX) {
    pn.top = self;
    pn.in_def = is(n, "function_definition") || is(n, "class_definition");
    pn.fn_scope = is(n, "function_definition") || is(n, "lambda");
    array_push(&c->paths, pn);
    return self;
  }
  const PathNode *pp = &c->paths.items[parent];
  TSNode par = pp->node;
  uint32_t gpi = pp->parent;
  const PathNode *gpn = gpi == UINT32_MAX ? NULL : &c->paths.items[gpi];
  const PathNode *ggpn = gpn && gpn->parent != UINT32_MAX ? &c->paths.items[gpn->parent] : NULL;
  pn.depth = pp->depth + 1;
  pn.top = pn.depth == 1 ? self : pp->top;
  pn.in_def = pp->in_def || is(n, "function_definition") || is(n, "class_definition");
  pn.fn_scope = (is(n, "function_definition") || is(n, "lambda")) ? true : is(n, "class_definition") ? false : pp->fn_scope;
  Where w = pp->w;
  if (is(n, "string")) w.in_string = true;
  if (is(par, "subscript") && !ts_node_eq(ts_node_child_by_field_name(par, "value", 5), n) &&
      generic_value(c, ts_node_child_by_field_name(par, "value", 5)))
    w.type_def = true;
  if (is(n, "type") && !w.annotation) {
    if (is(par, "typed_parameter") || is(par, "typed_default_parameter") || is(par, "function_definition")) {
      w.annotation = w.type_def = w.runtime_annotation = true;
    } else if (is(par, "assignment")) {
      TSNode ty = ts_node_child_by_field_name(par, "type", 4);
      if (ts_node_eq(ty, n)) {
        w.annotation = w.type_def = true;
        /* Local variable annotations are never evaluated (class bodies
         * are, even inside a function): the innermost def or class above
         * the assignment decides. */
        w.runtime_annotation = !(gpn && gpn->fn_scope);
      } else {
        w.type_def = true;
      }
    } else if (is(par, "type_alias_statement")) {
      w.type_def = true;
    }
  }
  if (is(par, "assignment") && !w.annotation) {
    /* X: TypeAlias = <value> */
    TSNode ty = ts_node_child_by_field_name(par, "type", 4);
    TSNode right = ts_node_child_by_field_name(par, "right", 5);
    if (!ts_node_is_null(ty) && ts_node_eq(right, n)) {
      uint32_t l;
      const char *t = ps_source_node_text(c->src, ty, &l);
      if ((l >= 9 && !memcmp(t + l - 9, "TypeAlias", 9))) w.type_def = true;
    }
  }
  if (is(par, "argument_list") && gpn && is(gpn->node, "call")) {
    const char *fn = callee_last(c, gpn->node);
    if (fn && !strcmp(fn, "cast") && ts_node_eq(ts_node_named_child(par, 0), n)) w.type_def = true;
  }
  if (is(par, "keyword_argument") && ggpn && is(ggpn->node, "call")) {
    const char *fn = callee_last(c, ggpn->node);
    TSNode kn = ts_node_child_by_field_name(par, "name", 4);
    uint32_t l = 0;
    const char *kt = ts_node_is_null(kn) ? "" : ps_source_node_text(c->src, kn, &l);
    if (fn && !strcmp(fn, "TypeVar") && !ts_node_is_null(kn) && l == 5 && !memcmp(kt, "bound", 5)) w.type_def = true;
  }
  /* What is below a def's (or lambda's) body is in a function; its own
   * annotations are handled above. */
  if ((is(par, "function_definition") || is(par, "lambda")) && ts_node_eq(ts_node_child_by_field_name(par, "body", 4), n))
    w.in_function = true;
  pn.w = w;
  array_push(&c->paths, pn);
  return self;
}

typedef struct Target {
  uint32_t start, end;
  uint32_t *out; /* receives the path's last node */
} Target;

static int target_cmp(const void *a, const void *b) {
  const Target *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end; /* outer first */
}

static bool contains(TSNode n, const Target *t) { return ts_node_start_byte(n) <= t->start && t->end <= ts_node_end_byte(n); }

/* Finds, for each target, the smallest node spanning it (as
 * ts_node_descendant_for_byte_range does) and keeps its path. One pass:
 * targets are taken in order and the cursor only moves forward (to later
 * siblings, up, into children), so the whole costs one walk of the parts
 * of the tree that hold targets. *t->out is UINT32_MAX for a target not
 * found and for all targets left when the budget runs out. */
static void resolve_paths(Ctx *c, Target *ts, size_t n) {
  for (size_t i = 0; i < n; i++) *ts[i].out = UINT32_MAX;
  if (!n) return;
  qsort(ts, n, sizeof *ts, target_cmp);
  TSTreeCursor cur = ts_tree_cursor_new(c->root);
  Nodes stack;           /* the cursor's nodes by depth */
  Array(uint32_t) kept;  /* their PathNode, for depths below `valid` */
  array_init(&stack);
  array_init(&kept);
  array_push(&stack, c->root);
  size_t d = 0, valid = 0;
  bool came_up = false; /* the cursor's node was reached from its last child */
  for (size_t i = 0; i < n; i++) {
    if (ps_deadline_poll(c->deadline)) break;
    const Target *t = &ts[i];
    size_t at = SIZE_MAX; /* depth of the answer */
    /* Forward to a node that holds the target, or settle on an ancestor. */
    for (;;) {
      TSNode x = stack.items[d];
      if (d == 0 || (came_up && contains(x, t))) {
        if (contains(x, t)) at = d;
        break;
      }
      if (t->start >= ts_node_end_byte(x)) {
        came_up = false;
        if (ts_tree_cursor_goto_next_sibling(&cur)) {
          stack.items[d] = ts_tree_cursor_current_node(&cur);
          if (valid > d) valid = d;
          continue;
        }
        ts_tree_cursor_goto_parent(&cur);
        stack.size = d--;
        if (valid > d + 1) valid = d + 1;
        came_up = true;
        continue;
      }
      if (contains(x, t)) {
        at = d + 1; /* below: descend from x */
        break;
      }
      /* Before x or straddling its end: an ancestor holds it, if any. */
      size_t k = d - 1;
      while (k > 0 && !contains(stack.items[k], t)) k--;
      if (contains(stack.items[k], t)) at = k;
      break;
    }
    if (at == d + 1 || (at == d && d == 0 && !came_up)) {
      /* Down from stack[d], which holds the target. */
      came_up = false;
      for (;;) {
        if (ts_tree_cursor_goto_first_child_for_byte(&cur, t->start) < 0) {
          at = d;
          break;
        }
        TSNode ch = ts_tree_cursor_current_node(&cur);
        array_push(&stack, ch);
        d++;
        if (valid > d) valid = d;
        if (!contains(ch, t)) {
          at = d - 1;
          break;
        }
      }
    }
    if (at == SIZE_MAX) continue;
    /* Keep the path down to depth `at`. */
    if (kept.size > valid) kept.size = valid;
    for (size_t k = kept.size; k <= at; k++)
      array_push(&kept, path_push(c, k ? kept.items[k - 1] : UINT32_MAX, stack.items[k]));
    valid = kept.size;
    *t->out = kept.items[at];
  }
  ts_tree_cursor_delete(&cur);
  array_free(&stack);
  array_free(&kept);
}

static const char *callee_last(const Ctx *c, TSNode call) {
  TSNode fn = ts_node_child_by_field_name(call, "function", 8);
  if (ts_node_is_null(fn)) return NULL;
  if (is(fn, "attribute")) fn = ts_node_child_by_field_name(fn, "attribute", 9);
  if (!is(fn, "identifier")) return NULL;
  uint32_t l;
  const char *t = ps_source_node_text(c->src, fn, &l);
  return ps_arena_strndup(c->arena, t, l);
}

/* Is `value` (the subscripted object of `value[...]`) a generic type:
 * a builtin collection or a name from typing, typing_extensions,
 * collections or collections.abc? Its arguments are then type
 * expressions (as ruff treats them). */
static bool generic_value(const Ctx *c, TSNode value) {
  if (!is(value, "identifier") && !is(value, "attribute")) return false;
  const char *t = text_of(c, value);
  static const char *const BUILTIN[] = {"list", "dict", "set", "frozenset", "tuple", "type", NULL};
  for (const char *const *b = BUILTIN; *b; b++)
    if (!strcmp(t, *b)) return true;
  const char *q = ps_summary_resolve(c->fc->summary, t, "", c->arena, NULL);
  return q && (!strncmp(q, "typing.", 7) || !strncmp(q, "typing_extensions.", 18) || !strncmp(q, "collections.", 12));
}

/* The innermost ancestor of the given type on the path, or null. */
TSNode ps_typing__find_up(const Path *p, const char *type) {
  for (uint32_t i = p->leaf; i != UINT32_MAX; i = p->ns->items[i].parent)
    if (is(p->ns->items[i].node, type)) return p->ns->items[i].node;
  TSNode null = {0};
  return null;
}

/* Paths to the references `want` picks (the others get none), in one walk. */
void ps_typing__ref_paths(Ctx *c, RefFilter want) {
  if (c->ref_path) return;
  const PsSummary *sum = c->fc->summary;
  c->ref_path = ps_arena_alloc(c->arena, (sum->refs.size + 1) * sizeof(uint32_t));
  Array(Target) ts;
  array_init(&ts);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    c->ref_path[i] = UINT32_MAX;
    if (want(c, ref)) array_push(&ts, ((Target){ref->start, ref->end, &c->ref_path[i]}));
  }
  resolve_paths(c, ts.items, ts.size);
  array_free(&ts);
}

/* Paths to every import, once per file. */
void ps_typing__import_paths(Ctx *c) {
  if (c->import_path) return;
  const PsSummary *sum = c->fc->summary;
  c->import_path = ps_arena_alloc(c->arena, (sum->imports.size + 1) * sizeof(uint32_t));
  Target *ts = ps_xmalloc((sum->imports.size + 1) * sizeof(Target));
  for (size_t i = 0; i < sum->imports.size; i++)
    ts[i] = (Target){sum->imports.items[i].start, sum->imports.items[i].end, &c->import_path[i]};
  resolve_paths(c, ts, sum->imports.size);
  free(ts);
}

/* Paths to the annotations (quoted ones only when `quoted`). */
void ps_typing__annotation_paths(Ctx *c, bool quoted) {
  if (c->ann_path) return;
  const PsSummary *sum = c->fc->summary;
  c->ann_path = ps_arena_alloc(c->arena, (sum->annotations.size + 1) * sizeof(uint32_t));
  Array(Target) ts;
  array_init(&ts);
  for (size_t i = 0; i < sum->annotations.size; i++) {
    const PsAnnotation *an = &sum->annotations.items[i];
    c->ann_path[i] = UINT32_MAX;
    if (!quoted || an->quoted) array_push(&ts, ((Target){an->start, an->end, &c->ann_path[i]}));
  }
  resolve_paths(c, ts.items, ts.size);
  array_free(&ts);
}

/* Paths to the module-level functions. */
void ps_typing__def_paths(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  c->def_path = ps_arena_alloc(c->arena, (sum->defs.size + 1) * sizeof(uint32_t));
  Array(Target) ts;
  array_init(&ts);
  for (size_t i = 0; i < sum->defs.size; i++) {
    const PsDef *df = &sum->defs.items[i];
    c->def_path[i] = UINT32_MAX;
    if (df->kind == PS_DEF_FUNCTION && !strchr(df->name, '.'))
      array_push(&ts, ((Target){df->start, df->end, &c->def_path[i]}));
  }
  resolve_paths(c, ts.items, ts.size);
  array_free(&ts);
}
