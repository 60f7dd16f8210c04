/* typing_modern.c: outdated typing syntax, keyed on the oldest Python the
 * code must run on (--min-python, else requires-python), with fixes.
 *
 * One analysis, `typing-modern`, configured per rule by `kind:`:
 *
 *   rename             a reference resolving to a table `name` (typing.List,
 *                      typing.Text) -> `replacement`, importing `module`'s
 *                      member when the replacement lives there (deque).
 *                      Columns: name, replacement, module, since.
 *                      `future-annotations: true`: below `since`, still
 *                      fires inside annotations of files that have
 *                      `from __future__ import annotations`.
 *   pep604             `Union[X, Y]` -> `X | Y` (`operator: union`),
 *                      `Optional[X]` -> `X | None` (`operator: optional`).
 *   deprecated-import  `from <module> import <member>` where the member
 *                      moved (columns module, member, target, since;
 *                      target `=name` marks a rename: reported, no fix).
 *   quoted-annotation  a string annotation that needs no quotes.
 *   type-alias         `X: TypeAlias = Y` -> `type X = Y`.
 *   future-annotations `from __future__ import annotations` once the
 *                      minimum Python defers annotations itself (3.14).
 *
 * Context comes from the tree: a finding's node path from the root says
 * whether it sits in an annotation, whether that annotation is evaluated at
 * runtime, and whether it is a type definition (annotation, type alias
 * value, cast() target) where a rewrite is safe.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"

typedef enum Kind {
  K_RENAME,
  K_PEP604,
  K_DEPRECATED_IMPORT,
  K_QUOTED,
  K_TYPE_ALIAS,
  K_FUTURE,
  K_PEP695_CLASS,
  K_PEP695_FUNCTION,
  K_ASYNC_ITERATOR,
} Kind;

typedef struct Row {
  const char *name;        /* rename: qualified name; import: member */
  const char *module;      /* rename: module of the replacement or NULL; import: source module */
  const char *replacement; /* rename: replacement name; import: target module or "=name" */
  size_t index;
} Row;

typedef struct State {
  Kind kind;
  bool optional;           /* pep604: Optional rather than Union */
  bool future_ok;          /* rename: annotations under the future import */
  bool active;             /* pep604/quoted...: min-python reaches the feature */
  Row *rows;               /* rows that apply at min-python */
  size_t n_rows;
  Row *future_rows;        /* rename rows that apply only under the future import */
  size_t n_future_rows;
  PsPyVersion min_python;
} State;

static const char *const PARAMS[] = {"kind", "operator", "future-annotations", NULL};

static void free_state(void *p) {
  State *s = p;
  if (!s) return;
  free(s->rows);
  free(s->future_rows);
  free(s);
}

/* 1 if `since` ("3.9", "any") is reached by min, 0 if not, -1 if invalid. */
static int reached(const char *since, PsPyVersion min) {
  if (!strcmp(since, "any")) return 1;
  PsPyVersion v;
  if (ps_pyver_parse(since, &v) != 0) return -1;
  return ps_pyver_cmp(min, v) >= 0;
}

static PsPyVersion ver(int major, int minor) {
  PsPyVersion v;
  memset(&v, 0, sizeof v);
  v.major = major;
  v.minor = minor;
  return v;
}

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)target;
  const PsRule *r = self->rule;
  const char *kind = ps_analysis__param(r, "kind", NULL);
  static const char *const KINDS[] = {"rename", "pep604", "deprecated-import", "quoted-annotation",
                                      "type-alias", "future-annotations", "pep695-class", "pep695-function",
                                      "async-iterator", NULL};
  int k = -1;
  for (int i = 0; kind && KINDS[i]; i++)
    if (!strcmp(kind, KINDS[i])) k = i;
  if (k < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `typing-modern` needs `kind:` rename, pep604, deprecated-import, "
                                   "quoted-annotation, type-alias, future-annotations, pep695-class, "
                                   "pep695-function or async-iterator");
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->kind = (Kind)k;
  s->min_python = min_python;
  const char *fa = ps_analysis__param(r, "future-annotations", "false");
  if (strcmp(fa, "true") && strcmp(fa, "false"))
    return ps_analysis__rule_error(err, r, r->analysis_line, "`future-annotations` must be true or false");
  s->future_ok = !strcmp(fa, "true");
  const PsTable *t = &r->table;
  if (s->kind == K_RENAME || s->kind == K_DEPRECATED_IMPORT) {
    const char *need[4] = {"name", "replacement", "module", "since"};
    if (s->kind == K_DEPRECATED_IMPORT) {
      need[0] = "member";
      need[1] = "target";
    }
    int c[4];
    for (int i = 0; i < 4; i++)
      if ((c[i] = ps_table_col(t, need[i])) < 0)
        return ps_analysis__rule_error(err, r, r->analysis_line, "kind `%s` needs a ```table with columns %s, %s, %s, %s",
                                       kind, need[0], need[1], need[2], need[3]);
    s->rows = ps_xcalloc(t->n_rows + 1, sizeof(Row));
    s->future_rows = ps_xcalloc(t->n_rows + 1, sizeof(Row));
    for (size_t i = 0; i < t->n_rows; i++) {
      const char *since = t->rows[i][c[3]];
      int ok = reached(since, min_python);
      if (ok < 0) return ps_analysis__rule_error(err, r, t->row_lines[i], "invalid since `%s` (a version or `any`)", since);
      const char *mod = t->rows[i][c[2]];
      Row row = {t->rows[i][c[0]], strcmp(mod, "-") ? mod : NULL, t->rows[i][c[1]], i};
      if (s->kind == K_RENAME && !strchr(row.name, '.'))
        return ps_analysis__rule_error(err, r, t->row_lines[i], "`%s` is not a qualified name such as typing.List",
                                       row.name);
      if (ok) s->rows[s->n_rows++] = row;
      /* Under the future import annotations are strings: PEP 585 names
       * work in them from 3.7. */
      else if (s->future_ok && ps_pyver_cmp(min_python, ver(3, 7)) >= 0) s->future_rows[s->n_future_rows++] = row;
    }
    self->empty = !s->n_rows && !s->n_future_rows;
    if (s->kind == K_RENAME) {
      self->prefilter = ps_xstrdup("\\b(?:typing|typing_extensions)\\b");
    } else {
      /* `from M import` for each row module M; for collections (whose
       * other members are fine) only when a row's member follows. */
      PsBuf re = PS_BUF_INIT, mods = PS_BUF_INIT, coll = PS_BUF_INIT;
      for (size_t i = 0; i < s->n_rows + s->n_future_rows; i++) {
        const Row *row = i < s->n_rows ? &s->rows[i] : &s->future_rows[i - s->n_rows];
        PsBuf *into = !strcmp(row->module, "collections") ? &coll : &mods;
        const char *item = into == &coll ? row->name : row->module;
        char *quoted = ps_xasprintf("|%s|", item);
        bool seen = into->data && (strstr(into->data, quoted) != NULL);
        free(quoted);
        if (seen) continue;
        if (!into->len) ps_buf_putc(into, '|');
        ps_buf_printf(into, "%s|", item);
      }
      /* Module names are dotted: escape the dots. */
      PsBuf alt = PS_BUF_INIT;
      for (const char *p = mods.data ? mods.data + 1 : ""; *p; p++) {
        if (*p == '.') ps_buf_puts(&alt, "\\.");
        else if (*p == '|' && !p[1]) break;
        else ps_buf_putc(&alt, *p);
      }
      /* Plain module names in one group, dotted ones each on their own
       * (so the engine can check the words before running the regex). */
      PsBuf plain = PS_BUF_INIT;
      for (const char *p = alt.data ? alt.data : ""; *p;) {
        size_t n = strcspn(p, "|");
        if (memchr(p, '\\', n))
          ps_buf_printf(&re, "%s\\bfrom[ \\t]+%.*s[ \\t]+import\\b", re.len ? "|" : "", (int)n, p);
        else
          ps_buf_printf(&plain, "%s%.*s", plain.len ? "|" : "", (int)n, p);
        p += n + (p[n] == '|');
      }
      if (plain.len) ps_buf_printf(&re, "%s\\bfrom[ \\t]+(?:%s)[ \\t]+import\\b", re.len ? "|" : "", plain.data);
      ps_buf_free(&plain);
      if (coll.len) {
        coll.data[coll.len - 1] = '\0';
        ps_buf_printf(&re, "%s\\bfrom[ \\t]+collections[ \\t]+import[ \\t]+(?:\\([^)]*|[^\\n]*)\\b(?:%s)\\b",
                      re.len ? "|" : "", coll.data + 1);
      }
      self->prefilter = re.len ? ps_buf_steal(&re) : ps_xstrdup("(*FAIL)");
      ps_buf_free(&re);
      ps_buf_free(&alt);
      ps_buf_free(&mods);
      ps_buf_free(&coll);
    }
    return 0;
  }
  if (s->kind == K_PEP604) {
    const char *op = ps_analysis__param(r, "operator", NULL);
    if (!op || (strcmp(op, "union") && strcmp(op, "optional")))
      return ps_analysis__rule_error(err, r, r->analysis_line, "kind `pep604` needs `operator: union` or `optional`");
    s->optional = !strcmp(op, "optional");
    s->active = ps_pyver_cmp(min_python, ver(3, 10)) >= 0;
    /* Below 3.10 the rewrite is only possible in annotations under the
     * future import (3.7+). */
    self->empty = ps_pyver_cmp(min_python, ver(3, 7)) < 0;
    self->prefilter = ps_xstrdup(s->optional ? "\\bOptional\\b" : "\\bUnion\\b");
    return 0;
  }
  if (s->kind == K_QUOTED) {
    s->active = ps_pyver_cmp(min_python, ver(3, 14)) >= 0;
    /* From 3.14 any quoted annotation; before, only files with the future
     * import, or a local variable annotation holding a quote (an indented
     * `name: ...'...` line). */
    if (s->active) self->prefilter = ps_xstrdup("(?:->|[\\w\\])][ \\t]*:)[ \\t]*[\\[\\w.]*[\"']");
    else
      self->prefilter = ps_xstrdup("\\b__future__\\b[^\\n]*\\bannotations\\b|"
                                   "\\n[ \\t]+[A-Za-z_]\\w*[ \\t]*:[ \\t]*[\\w.\\[\\], ]*[\"'][^=\\n]*(?:=|\\n)");
    return 0;
  }
  if (s->kind == K_TYPE_ALIAS) {
    self->empty = ps_pyver_cmp(min_python, ver(3, 12)) < 0;
    self->prefilter = ps_xstrdup("\\b(?:TypeAlias|TypeAliasType)\\b");
    return 0;
  }
  if (s->kind == K_PEP695_CLASS || s->kind == K_PEP695_FUNCTION) {
    self->empty = ps_pyver_cmp(min_python, ver(3, 12)) < 0;
    self->prefilter = ps_xstrdup("\\b(?:TypeVar|ParamSpec|TypeVarTuple)\\b");
    return 0;
  }
  if (s->kind == K_ASYNC_ITERATOR) {
    self->prefilter = ps_xstrdup("\\bAsyncGenerator\\b");
    return 0;
  }
  /* K_FUTURE */
  self->empty = ps_pyver_cmp(min_python, ver(3, 14)) < 0;
  self->prefilter = ps_xstrdup("\\b__future__\\b");
  return 0;
}

/* ---- tree helpers -------------------------------------------------------------- */

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type); }

typedef Array(TSNode) Nodes;

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The named children of n, in order (a cursor: ts_node_named_child is
 * linear in the index, so a loop over it is quadratic). */
static void named_children(TSNode n, Nodes *out) {
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
static bool subtree_next(TSTreeCursor *cur, TSNode root, bool descend) {
  if (descend && ts_tree_cursor_goto_first_child(cur)) return true;
  for (;;) {
    if (ts_node_eq(ts_tree_cursor_current_node(cur), root)) return false;
    if (ts_tree_cursor_goto_next_sibling(cur)) return true;
    if (!ts_tree_cursor_goto_parent(cur)) return false;
  }
}

/* subtree_next keeping the cursor's depth below `root` in *depth
 * (ts_tree_cursor_current_depth counts its whole stack each time). */
static bool subtree_step(TSTreeCursor *cur, TSNode root, bool descend, uint32_t *depth) {
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

typedef struct Ctx Ctx;
static const char *text_of(const Ctx *c, TSNode n);

/* Where a node sits. */
typedef struct Where {
  bool annotation;    /* inside a parameter, return or variable annotation */
  bool runtime_annotation; /* ... one that Python evaluates (not a local variable's) */
  bool type_def;      /* annotation, type alias value, cast() target, TypeVar bound */
  bool in_string;     /* inside a string (a quoted annotation) */
  bool in_function;   /* inside a def body */
} Where;

/* Paths from the root. Each node on the way to a looked-up node is kept
 * once, with its parent and what its path says (Where), so a path costs
 * nothing to read and 12,000 nested `Union[` cost one walk, not one
 * descent from the root each (and no path is too deep to keep). */
typedef struct PathNode {
  TSNode node;
  uint32_t parent;  /* index, UINT32_MAX at the root */
  uint32_t depth;   /* 0 at the root */
  uint32_t top;     /* the node at depth 1 on the path (the statement), or this at depth 0 */
  bool in_def;      /* this node or one above is a function or class definition */
  bool fn_scope;    /* the innermost def or lambda at or above is not inside a class body */
  Where w;          /* of the path ending here */
} PathNode;

typedef Array(PathNode) PathNodes;

/* One path: a node and, through parents, its ancestors. */
typedef struct Path {
  const PathNodes *ns;
  uint32_t leaf;
  size_t len; /* nodes on the path, root included */
} Path;

/* The k-th ancestor on the path (0: the node itself); null past the root. */
static TSNode up(const Path *p, size_t k) {
  uint32_t i = p->leaf;
  for (; k && i != UINT32_MAX; k--) i = p->ns->items[i].parent;
  TSNode null = {0};
  return i == UINT32_MAX ? null : p->ns->items[i].node;
}

static const PathNode *path_at(const Path *p, size_t k) {
  uint32_t i = p->leaf;
  for (; k && i != UINT32_MAX; k--) i = p->ns->items[i].parent;
  return i == UINT32_MAX ? NULL : &p->ns->items[i];
}

/* The statement (the root's child) on the path, or null. */
static TSNode path_top(const Path *p) {
  TSNode null = {0};
  return p->len >= 2 ? p->ns->items[p->ns->items[p->leaf].top].node : null;
}

static const char *callee_last(const Ctx *c, TSNode call);
static bool generic_value(const Ctx *c, TSNode value);

struct Ctx {
  const PsAnalysis *self;
  const State *s;
  const PsFileContext *fc;
  const PsSource *src;
  const PsEmitter *emit;
  TSNode root;
  PsArena *arena;
  PsDeadline *deadline; /* the file's budget, or NULL */
  bool future;  /* from __future__ import annotations */
  Array(const char *) heads; /* see typing_heads() */
  void *typevars; /* TypeVarDefs *, collected on first use (see typevars()) */
  uint32_t future_start, future_end; /* the future import statement */
  PathNodes paths; /* the nodes of every path looked up (see resolve_paths) */
  Array(const char *) def_names; /* see name_bound */
  Array(const char *) class_names; /* see class_scope */
  bool classes_sorted;
  uint32_t *ref_path, *import_path, *ann_path, *def_path; /* per summary item: its path's node or UINT32_MAX */
  Nodes scratch;
};

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

/* The path to node index `leaf` of c->paths; false for UINT32_MAX. */
static bool path_of(const Ctx *c, uint32_t leaf, Path *p) {
  if (leaf == UINT32_MAX) return false;
  p->ns = &c->paths;
  p->leaf = leaf;
  p->len = c->paths.items[leaf].depth + 1;
  return true;
}

static TSNode node_of(const Ctx *c, uint32_t leaf) {
  TSNode null = {0};
  return leaf == UINT32_MAX ? null : c->paths.items[leaf].node;
}

static Where where(const Path *p) { return p->ns->items[p->leaf].w; }

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
static TSNode find_up(const Path *p, const char *type) {
  for (uint32_t i = p->leaf; i != UINT32_MAX; i = p->ns->items[i].parent)
    if (is(p->ns->items[i].node, type)) return p->ns->items[i].node;
  TSNode null = {0};
  return null;
}

/* The bindings named `name`, in file order, through the summary's index
 * (a scan of all bindings per finding is quadratic): start with
 * b = NULL; NULL at the end. */
static const PsBinding *next_named(const PsSummary *sum, const char *name, const PsBinding *b) {
  if (!sum->bind_cap || sum->bind_next.size != sum->bindings.size) { /* no index: scan */
    for (size_t i = b ? (size_t)(b - sum->bindings.items) + 1 : 0; i < sum->bindings.size; i++)
      if (!strcmp(sum->bindings.items[i].name, name)) return &sum->bindings.items[i];
    return NULL;
  }
  uint32_t v;
  if (b) {
    v = sum->bind_next.items[b - sum->bindings.items];
  } else {
    size_t n = strlen(name);
    for (size_t h = (size_t)ps_hash_bytes(name, n) & (sum->bind_cap - 1);; h = (h + 1) & (sum->bind_cap - 1)) {
      v = sum->bind_slots[h];
      if (!v || !strcmp(sum->bindings.items[v - 1].name, name)) break;
    }
  }
  return v ? &sum->bindings.items[v - 1] : NULL;
}

/* True if `name` is bound anywhere in the file other than by an import of
 * `target` (NULL: by anything). */
static bool name_bound(Ctx *c, const char *name, const char *target) {
  const PsSummary *sum = c->fc->summary;
  for (const PsBinding *b = next_named(sum, name, NULL); b; b = next_named(sum, name, b)) {
    if (target && b->kind == PS_BIND_IMPORT && !strcmp(b->target, target)) continue;
    return true;
  }
  /* The defs' last names, sorted once per file for a binary search. */
  if (!c->def_names.items && sum->defs.size) {
    for (size_t i = 0; i < sum->defs.size; i++) {
      const char *d = sum->defs.items[i].name, *last = strrchr(d, '.');
      array_push(&c->def_names, last ? last + 1 : d);
    }
    qsort(c->def_names.items, c->def_names.size, sizeof(const char *), str_cmp);
  }
  const char *key = name;
  return c->def_names.size && bsearch(&key, c->def_names.items, c->def_names.size, sizeof(const char *), str_cmp);
}

/* True if `name` read in `scope` is bound there or in an enclosing scope
 * (class bodies are skipped on the way out, as Python does): then it is
 * not the builtin. */
/* Is scope[0, sl) a class's qualified name? The class names are sorted
 * once per file for a binary search. */
static bool class_scope(Ctx *c, const char *scope, size_t sl) {
  const PsSummary *sum = c->fc->summary;
  if (!c->classes_sorted) {
    for (size_t i = 0; i < sum->defs.size; i++)
      if (sum->defs.items[i].kind == PS_DEF_CLASS) array_push(&c->class_names, sum->defs.items[i].name);
    if (c->class_names.size) qsort(c->class_names.items, c->class_names.size, sizeof(const char *), str_cmp);
    c->classes_sorted = true;
  }
  size_t lo = 0, hi = c->class_names.size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *h = c->class_names.items[mid];
    int r = strncmp(h, scope, sl);
    if (!r && h[sl]) r = 1;
    if (!r) return true;
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

static bool bound_in_scope(Ctx *c, const char *name, const char *scope) {
  const PsSummary *sum = c->fc->summary;
  size_t sl = strlen(scope);
  bool first = true;
  for (;;) {
    bool is_class = !first && class_scope(c, scope, sl);
    if (!is_class)
      for (const PsBinding *b = next_named(sum, name, NULL); b; b = next_named(sum, name, b))
        if (strlen(b->scope) == sl && !strncmp(b->scope, scope, sl)) return true;
    if (!sl) return false;
    const char *p = scope + sl;
    while (p > scope && p[-1] != '.') p--;
    sl = p > scope ? (size_t)(p - scope - 1) : 0;
    first = false;
  }
}

/* A module-level import binding `name` to `target`. */
static bool imported_as(const PsSummary *sum, const char *name, const char *target) {
  for (const PsBinding *b = next_named(sum, name, NULL); b; b = next_named(sum, name, b)) {
    if (b->kind == PS_BIND_IMPORT && !b->scope[0] && !b->guards && !strcmp(b->target, target))
      return true;
  }
  return false;
}

/* Where a new module-level import goes: the start of the line after the
 * last unguarded module-level import, else after the docstring and
 * __future__ imports, else the top of the file. */
static void import_paths(Ctx *c);

static uint32_t import_insert_point(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  uint32_t best = 0;
  bool found = false;
  import_paths(c);
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (!im->module_level || im->guards || im->kind == PS_IMPORT_DYNAMIC) continue;
    Path p;
    if (!path_of(c, c->import_path[i], &p) || p.len < 2) continue;
    /* The statement is the root's child on the path. */
    TSNode stmt = path_top(&p);
    if (!is(stmt, "import_statement") && !is(stmt, "import_from_statement")) continue;
    uint32_t e = ts_node_end_byte(stmt);
    if (!found || e > best) best = e;
    found = true;
  }
  if (!found) {
    named_children(c->root, &c->scratch);
    for (uint32_t i = 0; i < c->scratch.size; i++) {
      TSNode ch = c->scratch.items[i];
      bool doc = i == 0 && is(ch, "expression_statement") && is(ts_node_named_child(ch, 0), "string");
      if (doc || is(ch, "future_import_statement")) {
        best = ts_node_end_byte(ch);
        found = true;
        continue;
      }
      if (!is(ch, "comment")) break;
    }
    if (!found) return 0;
  }
  const char *nl = memchr(c->src->text + best, '\n', c->src->len - best);
  return nl ? (uint32_t)(nl - c->src->text) + 1 : c->src->len;
}

static bool future_annotations(const PsSource *src, TSNode root, uint32_t *start, uint32_t *end) {
  TSTreeCursor cur = ts_tree_cursor_new(root);
  bool more = ts_tree_cursor_goto_first_child(&cur), found = false;
  Nodes names;
  array_init(&names);
  for (uint32_t i = 0; more && !found; more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode ch = ts_tree_cursor_current_node(&cur);
    if (!ts_node_is_named(ch)) continue;
    if (i++ == 0 && is(ch, "expression_statement")) continue; /* docstring */
    if (is(ch, "comment")) continue;
    if (!is(ch, "future_import_statement")) break;
    named_children(ch, &names);
    for (size_t k = 0; k < names.size && !found; k++) {
      uint32_t l;
      TSNode nm = names.items[k];
      if (is(nm, "aliased_import")) nm = ts_node_child_by_field_name(nm, "name", 4);
      const char *t = ps_source_node_text(src, nm, &l);
      if (l == 11 && !memcmp(t, "annotations", 11)) {
        *start = ts_node_start_byte(ch);
        *end = ts_node_end_byte(ch);
        found = true;
      }
    }
  }
  ts_tree_cursor_delete(&cur);
  array_free(&names);
  return found;
}

/* Local names that imports bind to typing or typing_extensions (or their
 * members): only references starting with one can resolve into them. */
/* Sorted and unique, for a binary search per reference (a file may import
 * thousands of names). */
static void typing_heads(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  for (size_t i = 0; i < sum->bindings.size; i++) {
    const PsBinding *b = &sum->bindings.items[i];
    if (b->kind == PS_BIND_IMPORT && !strncmp(b->target, "typing", 6)) array_push(&c->heads, b->name);
  }
  if (!c->heads.size) return;
  qsort(c->heads.items, c->heads.size, sizeof(const char *), str_cmp);
  size_t u = 1;
  for (size_t i = 1; i < c->heads.size; i++)
    if (strcmp(c->heads.items[u - 1], c->heads.items[i])) c->heads.items[u++] = c->heads.items[i];
  c->heads.size = u;
}

static bool typing_candidate(const Ctx *c, const char *chain) {
  size_t hl = strcspn(chain, "."), lo = 0, hi = c->heads.size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *h = c->heads.items[mid];
    int r = strncmp(h, chain, hl);
    if (!r && h[hl]) r = 1; /* h is longer: after the head */
    if (!r) return true;
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/* ---- paths to the summary's items ---------------------------------------------- */

typedef bool (*RefFilter)(const Ctx *c, const PsRef *ref);

static bool ref_typing(const Ctx *c, const PsRef *ref) { return typing_candidate(c, ref->chain); }

static bool ref_async_generator(const Ctx *c, const PsRef *ref) {
  (void)c;
  const char *last = strrchr(ref->chain, '.');
  return !strcmp(last ? last + 1 : ref->chain, "AsyncGenerator");
}

/* Paths to the references `want` picks (the others get none), in one walk. */
static void ref_paths(Ctx *c, RefFilter want) {
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
static void import_paths(Ctx *c) {
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
static void annotation_paths(Ctx *c, bool quoted) {
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
static void def_paths(Ctx *c) {
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

/* Does refs[i] name typing.<name> (or typing_extensions.<name>)? Then *p
 * gets its path (ref_paths(c, ref_typing) first). */
static bool typing_ref(Ctx *c, size_t i, const char *name, Path *p) {
  const PsRef *ref = &c->fc->summary->refs.items[i];
  if (!typing_candidate(c, ref->chain)) return false;
  const char *q = ps_summary_resolve(c->fc->summary, ref->chain, ref->scope, c->arena, NULL);
  if (!q) return false;
  const char *m = !strncmp(q, "typing.", 7) ? q + 7 : !strncmp(q, "typing_extensions.", 18) ? q + 18 : NULL;
  return m && !strcmp(m, name) && path_of(c, c->ref_path[i], p);
}

static void emit(const Ctx *c, uint32_t start, uint32_t end, const PsVar *vars, size_t n, const PsFixSpec *fix) {
  c->emit->emit_fix(c->emit->ctx, c->self->rule, start, end, vars, n, fix);
}

static const char *text_of(const Ctx *c, TSNode n) {
  uint32_t l;
  const char *t = ps_source_node_text(c->src, n, &l);
  return ps_arena_strndup(c->arena, t, l);
}

/* ---- rename (TY006, TY101) ----------------------------------------------------- */

static const Row *find_row(const Row *rows, size_t n, const char *q) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rows[i].name, q)) return &rows[i];
  /* typing_extensions re-exports every typing name */
  if (!strncmp(q, "typing_extensions.", 18)) {
    char buf[256];
    snprintf(buf, sizeof buf, "typing.%s", q + 18);
    for (size_t i = 0; i < n; i++)
      if (!strcmp(rows[i].name, buf)) return &rows[i];
  }
  return NULL;
}

/* ---- names inside quoted annotations ------------------------------------------- */

static bool plain_string(const Ctx *c, TSNode str, uint32_t *cs, uint32_t *ce);

/* A dotted name read inside a plain string annotation ("List[int]"): the
 * summary does not look into strings, so these are found here. */
typedef struct StrRef {
  const char *chain;
  uint32_t start, end;  /* bytes of the name in the file */
  uint32_t str_end;     /* end of the string's content */
  const char *scope;
  bool runtime;         /* the annotation is evaluated (without the future import) */
} StrRef;

typedef Array(StrRef) StrRefs;

static bool ident_start(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; }
static bool ident_char(char ch) { return ident_start(ch) || (ch >= '0' && ch <= '9'); }

static void lex_string(Ctx *c, uint32_t cs, uint32_t ce, const char *scope, bool runtime, StrRefs *out) {
  const char *t = c->src->text;
  for (uint32_t k = cs; k < ce;) {
    char ch = t[k];
    if (ch == '"' || ch == '\'') return; /* nested strings: not a plain type expression */
    if (!ident_start(ch) || (k > cs && (ident_char(t[k - 1]) || t[k - 1] == '.'))) {
      k++;
      continue;
    }
    uint32_t a = k;
    while (k < ce && (ident_char(t[k]) || (t[k] == '.' && k + 1 < ce && ident_start(t[k + 1])))) k++;
    StrRef r = {ps_arena_strndup(c->arena, t + a, k - a), a, k, ce, scope, runtime};
    if (typing_candidate(c, r.chain)) array_push(out, r);
  }
}

/* Plain strings in annotations and type strings, from the summary's list. */
static void collect_string_refs(Ctx *c, StrRefs *out) {
  if (!c->heads.size) return;
  const PsSummary *sum = c->fc->summary;
  annotation_paths(c, true);
  for (size_t i = 0; i < sum->annotations.size; i++) {
    const PsAnnotation *an = &sum->annotations.items[i];
    if (!an->quoted || c->ann_path[i] == UINT32_MAX) continue;
    bool runtime = an->kind != PS_ANN_TYPE_STRING && !an->local;
    TSNode n = node_of(c, c->ann_path[i]);
    /* Each plain string inside (n itself for a quoted annotation). */
    TSTreeCursor sc = ts_tree_cursor_new(n);
    for (;;) {
      if (ps_deadline_poll(c->deadline)) break;
      TSNode x = ts_tree_cursor_current_node(&sc);
      bool d2 = ts_node_child_count(x) > 0;
      if (is(x, "string")) {
        d2 = false;
        uint32_t cs, ce;
        if (plain_string(c, x, &cs, &ce)) lex_string(c, cs, ce, an->scope, runtime, out);
      }
      if (!subtree_next(&sc, n, d2)) break;
    }
    ts_tree_cursor_delete(&sc);
  }
}

static void rename_one(Ctx *c, const char *chain, uint32_t start, uint32_t end, const char *scope, const Where *w,
                       bool in_string, uint32_t *insert_at) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  unsigned guards;
  const char *q = ps_summary_resolve(sum, chain, scope, c->arena, &guards);
  if (!q || strncmp(q, "typing", 6) != 0) return;
  const Row *row = find_row(s->rows, s->n_rows, q);
  bool future_only = false;
  if (!row && c->future) {
    row = find_row(s->future_rows, s->n_future_rows, q);
    future_only = row != NULL;
  }
  if (!row) return;
  if (future_only && !w->annotation) return;
  /* The replacement text: a builtin, or a member of row->module. */
  const char *repl = row->replacement;
  PsByteEdit edits[2];
  size_t ne = 0;
  bool fixable = !w->in_string;
  if (row->module) {
    char *qual = ps_arena_sprintf(c->arena, "%s.%s", row->module, repl);
    if (imported_as(sum, repl, qual)) {
      /* already imported */
    } else if (imported_as(sum, row->module, row->module)) {
      repl = qual;
    } else if (!name_bound(c, repl, NULL)) {
      if (*insert_at == UINT32_MAX) *insert_at = import_insert_point(c);
      edits[ne++] = (PsByteEdit){*insert_at, *insert_at,
                                 ps_arena_sprintf(c->arena, "from %s import %s\n", row->module, repl)};
    } else {
      fixable = false;
    }
  } else if (bound_in_scope(c, repl, scope)) {
    fixable = false; /* the builtin is shadowed here */
  }
  (void)in_string;
  edits[ne++] = (PsByteEdit){start, end, repl};
  PsVar vars[] = {{"used", chain}, {"name", q}, {"replacement", repl}};
  char *msg = ps_arena_sprintf(c->arena, "Replace with `%s`", repl);
  PsFixSpec fix = {msg, edits, ne, !future_only};
  emit(c, start, end, vars, 3, fixable ? &fix : NULL);
}

static void run_rename(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  uint32_t insert_at = UINT32_MAX;
  ref_paths(c, ref_typing);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!path_of(c, c->ref_path[i], &p)) continue;
    Where w = where(&p);
    rename_one(c, ref->chain, ref->start, ref->end, ref->scope, &w, false, &insert_at);
  }
  /* Inside quoted annotations: the edit stays inside the string. */
  StrRefs sr;
  array_init(&sr);
  collect_string_refs(c, &sr);
  for (size_t i = 0; i < sr.size && !ps_deadline_poll(c->deadline); i++) {
    Where w = {.annotation = true, .type_def = true, .runtime_annotation = sr.items[i].runtime};
    rename_one(c, sr.items[i].chain, sr.items[i].start, sr.items[i].end, sr.items[i].scope, &w, true, &insert_at);
  }
  array_free(&sr);
}

/* ---- pep604 (TY007, TY045) ----------------------------------------------------- */

/* Can `n` stand as an operand of `|` without parentheses? */
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

static void run_pep604(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  ref_paths(c, ref_typing);
  Nodes inner;
  array_init(&inner);
  Fixed fixed;
  array_init(&fixed);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ps_deadline_poll(c->deadline)) break;
    Path p;
    if (!typing_ref(c, i, s->optional ? "Optional" : "Union", &p) || p.len < 2) continue;
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
      named_children(ts_node_named_child(parent, 1), &elems);
    } else {
      array_free(&elems);
      continue;
    }
    Where w = where(&p);
    bool ok = s->active || (c->future && w.annotation);
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
        named_children(e, &inner);
        for (size_t j = 0; j < inner.size; j++)
          quoted_operand |= is(inner.items[j], "string") || is(inner.items[j], "concatenated_string");
      }
      quoted_operand |= is(e, "string") || is(e, "concatenated_string");
    }
    if (quoted_operand && !(w.annotation && (c->future || !w.runtime_annotation))) {
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
      named_children(elems.items[0], &elems);
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
static void pep604_in_strings(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  StrRefs sr;
  array_init(&sr);
  collect_string_refs(c, &sr);
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
    if (strcmp(q, s->optional ? "typing.Optional" : "typing.Union") &&
        strcmp(q, s->optional ? "typing_extensions.Optional" : "typing_extensions.Union"))
      continue;
    if (!(s->active || c->future)) continue;
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

/* ---- deprecated-import (TY035) ------------------------------------------------- */

typedef struct Member {
  TSNode node;       /* dotted_name or aliased_import */
  const char *name;
  const Row *row;
} Member;

static void run_deprecated_import(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  uint32_t last_stmt = UINT32_MAX;
  import_paths(c);
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    if (im->kind != PS_IMPORT_FROM || im->level || !im->name || !strcmp(im->name, "*")) continue;
    Path p;
    if (!path_of(c, c->import_path[i], &p)) continue;
    TSNode stmt = find_up(&p, "import_from_statement");
    if (ts_node_is_null(stmt) || ts_node_start_byte(stmt) == last_stmt) continue;
    last_stmt = ts_node_start_byte(stmt);
    /* The statement's members. */
    Array(Member) mem;
    array_init(&mem);
    TSNode modnode = ts_node_child_by_field_name(stmt, "module_name", 11);
    named_children(stmt, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) {
      TSNode ch = c->scratch.items[k];
      if (ts_node_eq(ch, modnode) || is(ch, "comment")) continue;
      TSNode nm = is(ch, "aliased_import") ? ts_node_child_by_field_name(ch, "name", 4) : ch;
      if (!is(nm, "dotted_name")) continue;
      Member m = {ch, text_of(c, nm), NULL};
      for (size_t r = 0; r < s->n_rows; r++)
        if (!strcmp(s->rows[r].module, im->module) && !strcmp(s->rows[r].name, m.name)) m.row = &s->rows[r];
      array_push(&mem, m);
    }
    bool has_comment = false;
    for (uint32_t k = ts_node_start_byte(stmt); k < ts_node_end_byte(stmt); k++)
      if (c->src->text[k] == '#') has_comment = true;
    /* Indentation, if the statement starts its line. */
    uint32_t ss = ts_node_start_byte(stmt), ls = ss;
    while (ls > 0 && c->src->text[ls - 1] != '\n') ls--;
    bool own_line = true;
    for (uint32_t k = ls; k < ss; k++)
      if (c->src->text[k] != ' ' && c->src->text[k] != '\t') own_line = false;
    const char *indent = ps_arena_strndup(c->arena, c->src->text + ls, ss - ls);
    /* Renamed members: one finding each, no fix. */
    for (size_t k = 0; k < mem.size; k++) {
      const Row *row = mem.items[k].row;
      if (!row || row->replacement[0] != '=') continue;
      char *q = ps_arena_sprintf(c->arena, "%s.%s", im->module, row->name);
      char *detail = ps_arena_sprintf(c->arena, "`%s` is deprecated; use `%s`", q, row->replacement + 1);
      PsVar vars[] = {{"used", q}, {"replacement", row->replacement + 1}, {"module", im->module}, {"detail", detail}};
      emit(c, ss, ts_node_end_byte(stmt), vars, 4, NULL);
    }
    /* Moved members, grouped by target module: one finding per group. */
    for (size_t k = 0; k < mem.size && !ps_deadline_poll(c->deadline); k++) {
      const Row *row = mem.items[k].row;
      if (!row || row->replacement[0] == '=') continue;
      bool first = true;
      for (size_t j = 0; j < k; j++)
        if (mem.items[j].row && !strcmp(mem.items[j].row->replacement, row->replacement)) first = false;
      if (!first) continue;
      const char *target = row->replacement;
      PsBuf names = PS_BUF_INIT, moved = PS_BUF_INIT, kept = PS_BUF_INIT;
      size_t n_kept = 0;
      for (size_t j = 0; j < mem.size; j++) {
        const Member *m = &mem.items[j];
        const char *t = text_of(c, m->node);
        if (m->row && !strcmp(m->row->replacement, target)) {
          ps_buf_printf(&names, "%s`%s`", names.len ? ", " : "", m->name);
          ps_buf_printf(&moved, "%s%s", moved.len ? ", " : "", t);
        } else {
          ps_buf_printf(&kept, "%s%s", kept.len ? ", " : "", t);
          n_kept++;
        }
      }
      char *repl;
      bool fixable = !has_comment;
      if (!n_kept) repl = ps_arena_sprintf(c->arena, "from %s import %s", target, moved.data);
      else {
        repl = ps_arena_sprintf(c->arena, "from %s import %s\n%sfrom %s import %s", im->module, kept.data, indent,
                                target, moved.data);
        if (!own_line) fixable = false;
      }
      PsByteEdit ed = {ss, ts_node_end_byte(stmt), repl};
      char *msg = ps_arena_sprintf(c->arena, "Import from `%s`", target);
      PsFixSpec fix = {msg, &ed, 1, true};
      char *detail = ps_arena_sprintf(c->arena, "import %s from `%s` instead of `%s`", names.data, target, im->module);
      PsVar vars[] = {{"used", names.data}, {"replacement", target}, {"module", im->module}, {"detail", detail}};
      emit(c, ss, ts_node_end_byte(stmt), vars, 4, fixable ? &fix : NULL);
      ps_buf_free(&names);
      ps_buf_free(&moved);
      ps_buf_free(&kept);
    }
    array_free(&mem);
  }
}

/* ---- quoted-annotation (TY037) ------------------------------------------------- */

/* Is the string node a plain literal whose content is the source text
 * (no prefix, no escapes, no implicit concatenation)? */
static bool plain_string(const Ctx *c, TSNode str, uint32_t *cs, uint32_t *ce) {
  uint32_t nc = ts_node_child_count(str);
  if (nc != 3) return false;
  TSNode a = ts_node_child(str, 0), b = ts_node_child(str, 1), z = ts_node_child(str, 2);
  if (!is(a, "string_start") || !is(b, "string_content") || !is(z, "string_end")) return false;
  if (ts_node_named_child_count(b)) return false; /* escapes, interpolations */
  uint32_t l;
  const char *st = ps_source_node_text(c->src, a, &l);
  if (l != 1 && l != 3) return false; /* prefixes: r, b, f, u */
  (void)st;
  *cs = ts_node_start_byte(b);
  *ce = ts_node_end_byte(b);
  return *ce > *cs;
}

/* The k-th ancestor of the node at depth `depth` of a subtree walk, given
 * the walk's nodes by depth (anc) and the path to the subtree's root. */
static TSNode ancestor(const Nodes *anc, uint32_t depth, const Path *root, uint32_t k) {
  return k <= depth ? anc->items[depth - k] : up(root, k - depth);
}

/* `ty`: the annotation, at the end of path `at`. */
static void quoted_in(Ctx *c, const Path *at, bool runtime) {
  TSNode ty = up(at, 0);
  /* Strings anywhere in the annotation: "Foo", List["Foo"]. Ancestors are
   * kept by depth as the walk goes (ts_node_parent walks down from the
   * root each time). */
  Nodes anc;
  array_init(&anc);
  TSTreeCursor cur = ts_tree_cursor_new(ty);
  uint32_t depth = 0;
  for (;;) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode n = ts_tree_cursor_current_node(&cur);
    anc.size = depth;
    array_push(&anc, n);
    bool descend = true;
    if (is(n, "string")) {
      descend = false;
      uint32_t cs, ce;
      bool ok = c->s->active || c->future || !runtime;
      /* Literal["a"] holds values, not types. */
      if (ok && plain_string(c, n, &cs, &ce)) {
        uint32_t k = 1;
        TSNode par = ancestor(&anc, depth, at, k);
        if (is(par, "type")) par = ancestor(&anc, depth, at, ++k);
        if (is(par, "type_parameter")) par = ancestor(&anc, depth, at, ++k);
        TSNode head = ts_node_is_null(par) ? par : ts_node_named_child(par, 0);
        const char *ht = (is(par, "generic_type") || is(par, "subscript")) ? text_of(c, head) : "";
        const char *hl = strrchr(ht, '.');
        hl = hl ? hl + 1 : ht;
        bool literal = !strcmp(hl, "Literal") || !strcmp(hl, "Annotated");
        const char *inner = ps_arena_strndup(c->arena, c->src->text + cs, ce - cs);
        bool blank = true;
        for (const char *q = inner; *q; q++) blank &= isspace((unsigned char)*q) != 0;
        if (!literal && !blank) {
          char *repl = memchr(inner, '\n', ce - cs) ? ps_arena_sprintf(c->arena, "(%s)", inner) : (char *)inner;
          PsByteEdit ed = {ts_node_start_byte(n), ts_node_end_byte(n), repl};
          PsFixSpec fix = {"Remove quotes", &ed, 1, true};
          PsVar vars[] = {{"used", text_of(c, n)}, {"replacement", repl}};
          emit(c, ts_node_start_byte(n), ts_node_end_byte(n), vars, 2, &fix);
        }
      }
    }
    if (!subtree_step(&cur, ty, descend, &depth)) break;
  }
  ts_tree_cursor_delete(&cur);
  array_free(&anc);
}

static void run_quoted(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  annotation_paths(c, true);
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

/* ---- type-alias (TY040) -------------------------------------------------------- */

/* ---- future-annotations (TY102) ------------------------------------------------ */

static void run_future(Ctx *c) {
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

/* ---- pep695-class / pep695-function (TY046, TY047) ---------------------------- */

typedef struct TypeVarDef {
  const char *name;
  char kind;          /* 'T' TypeVar, 'P' ParamSpec, 'S' TypeVarTuple */
  const char *bound;  /* "int", "(int, str)" or NULL */
  bool has_default;
  bool variance;      /* covariant= / contravariant= / infer_variance= */
} TypeVarDef;

typedef Array(TypeVarDef) TypeVarDefs;
typedef Array(const TypeVarDef *) TypeVarRefs;

/* Module-level `T = TypeVar("T", ...)` (ParamSpec, TypeVarTuple) of this file. */
static void collect_typevars(Ctx *c, TypeVarDefs *out) {
  const PsSummary *sum = c->fc->summary;
  Nodes stmts, args;
  array_init(&stmts);
  array_init(&args);
  named_children(c->root, &stmts);
  for (size_t i = 0; i < stmts.size; i++) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode st = stmts.items[i];
    if (!is(st, "expression_statement") || ts_node_named_child_count(st) != 1) continue;
    TSNode asg = ts_node_named_child(st, 0);
    if (!is(asg, "assignment")) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4), right = ts_node_child_by_field_name(asg, "right", 5);
    if (!is(left, "identifier") || !is(right, "call")) continue;
    TSNode fn = ts_node_child_by_field_name(right, "function", 8);
    if (!is(fn, "identifier") && !is(fn, "attribute")) continue;
    const char *q = ps_summary_resolve(sum, text_of(c, fn), "", c->arena, NULL);
    if (!q) continue;
    const char *last = strrchr(q, '.');
    if (!last || (strncmp(q, "typing.", 7) && strncmp(q, "typing_extensions.", 18))) continue;
    last++;
    TypeVarDef d = {text_of(c, left), 0, NULL, false, false};
    if (!strcmp(last, "TypeVar")) d.kind = 'T';
    else if (!strcmp(last, "ParamSpec")) d.kind = 'P';
    else if (!strcmp(last, "TypeVarTuple")) d.kind = 'S';
    else continue;
    named_children(ts_node_child_by_field_name(right, "arguments", 9), &args);
    PsBuf cons = PS_BUF_INIT;
    size_t n_cons = 0;
    for (size_t k = 1; k < args.size; k++) {
      TSNode a = args.items[k];
      if (is(a, "keyword_argument")) {
        const char *kn = text_of(c, ts_node_child_by_field_name(a, "name", 4));
        if (!strcmp(kn, "bound")) d.bound = text_of(c, ts_node_child_by_field_name(a, "value", 5));
        else if (!strcmp(kn, "default")) d.has_default = true;
        else d.variance = true;
      } else if (!is(a, "comment")) {
        ps_buf_printf(&cons, "%s%s", n_cons ? ", " : "", text_of(c, a));
        n_cons++;
      }
    }
    if (n_cons) d.bound = ps_arena_sprintf(c->arena, "(%s)", cons.data);
    ps_buf_free(&cons);
    array_push(out, d);
  }
  array_free(&stmts);
  array_free(&args);
}

/* The file's module-level type variables, collected once per file. */
static const TypeVarDefs *typevars(Ctx *c) {
  if (!c->typevars) {
    TypeVarDefs *d = ps_arena_calloc(c->arena, sizeof *d);
    array_init(d);
    collect_typevars(c, d);
    c->typevars = d;
  }
  return c->typevars;
}

static const TypeVarDef *find_typevar(const TypeVarDefs *defs, const char *name, size_t len) {
  for (size_t i = 0; i < defs->size; i++)
    if (strlen(defs->items[i].name) == len && !strncmp(defs->items[i].name, name, len)) return &defs->items[i];
  return NULL;
}

static void param_text(PsBuf *b, const TypeVarDef *d) {
  if (b->len) ps_buf_puts(b, ", ");
  if (d->kind == 'P') ps_buf_printf(b, "**%s", d->name);
  else if (d->kind == 'S') ps_buf_printf(b, "*%s", d->name);
  else if (d->bound) ps_buf_printf(b, "%s: %s", d->name, d->bound);
  else ps_buf_puts(b, d->name);
}

/* Collects, in order of first use, the file's type variables named by
 * identifiers under n. *foreign: an identifier that is a TypeVar-like
 * name but not defined here (imported) cannot be checked. */
static void used_typevars(Ctx *c, TSNode n, const TypeVarDefs *defs, TypeVarRefs *out) {
  TSTreeCursor cur = ts_tree_cursor_new(n);
  for (;;) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode x = ts_tree_cursor_current_node(&cur);
    bool descend = true;
    if (is(x, "identifier")) {
      uint32_t l;
      const char *t = ps_source_node_text(c->src, x, &l);
      const TypeVarDef *d = find_typevar(defs, t, l);
      bool seen = false;
      for (size_t k = 0; d && k < out->size; k++) seen |= out->items[k] == d;
      if (d && !seen) array_push(out, d);
    } else if (is(x, "string")) {
      descend = false;
    }
    if (!subtree_next(&cur, n, descend)) break;
  }
  ts_tree_cursor_delete(&cur);
}

static void run_pep695_class(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ref_paths(c, ref_typing);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!typing_ref(c, i, "Generic", &p) || p.len < 4) continue;
    TSNode sub = up(&p, 1), args = up(&p, 2), cls = up(&p, 3);
    if (!is(sub, "subscript") || !is(args, "argument_list") || !is(cls, "class_definition")) continue;
    if (!ts_node_is_null(ts_node_child_by_field_name(cls, "type_parameters", 15))) continue;
    /* Only module-level classes (if/try blocks allowed): a class in a def
     * or in another class may use variables its enclosing scope binds. */
    const PathNode *above = path_at(&p, 4);
    if (above && above->in_def) continue;
    /* Generic's arguments: each a type variable of this file. */
    bool fixable = true, skip = false;
    PsBuf params = PS_BUF_INIT;
    TSTreeCursor cur = ts_tree_cursor_new(sub);
    if (ts_tree_cursor_goto_first_child(&cur)) do {
        const char *f = ts_tree_cursor_current_field_name(&cur);
        if (!f || strcmp(f, "subscript")) continue;
        TSNode a = ts_tree_cursor_current_node(&cur);
        uint32_t l;
        const char *t = ps_source_node_text(c->src, a, &l);
        const TypeVarDef *d = is(a, "identifier") ? find_typevar(typevars(c), t, l) : NULL;
        if (!d) {
          fixable = false; /* Unpack[Ts], *Ts, imported variables */
          continue;
        }
        if (d->has_default) skip = true; /* PEP 696 defaults: ruff only in preview */
        if (d->kind == 'P' || d->kind == 'S') fixable = false;
        param_text(&params, d);
      } while (ts_tree_cursor_goto_next_sibling(&cur));
    ts_tree_cursor_delete(&cur);
    if (skip) {
      ps_buf_free(&params);
      continue;
    }
    const char *cname = text_of(c, ts_node_child_by_field_name(cls, "name", 4));
    /* Delete the base with its separating comma, or the whole base list. */
    PsByteEdit ed[2];
    uint32_t ds, de, bases = 0;
    named_children(args, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) bases += !is(c->scratch.items[k], "comment");
    if (bases == 1) {
      ds = ts_node_start_byte(args);
      de = ts_node_end_byte(args);
    } else {
      TSNode prev = ts_node_prev_sibling(sub), next = ts_node_next_sibling(sub);
      if (is(prev, ",")) {
        ds = ts_node_start_byte(prev);
        de = ts_node_end_byte(sub);
      } else {
        ds = ts_node_start_byte(sub);
        de = ts_node_start_byte(ts_node_next_sibling(next));
      }
    }
    TSNode nm = ts_node_child_by_field_name(cls, "name", 4);
    ed[0] = (PsByteEdit){ts_node_end_byte(nm), ts_node_end_byte(nm), ps_arena_sprintf(c->arena, "[%s]", params.data ? params.data : "")};
    ed[1] = (PsByteEdit){ds, de, ""};
    PsFixSpec fix = {"Use type parameters", ed, 2, false};
    PsVar vars[] = {{"used", text_of(c, sub)}, {"name", cname}};
    emit(c, ts_node_start_byte(sub), ts_node_end_byte(sub), vars, 2, fixable && params.len ? &fix : NULL);
    ps_buf_free(&params);
  }
}

static void run_pep695_function(Ctx *c) {
  const TypeVarDefs *defs = typevars(c);
  if (!defs->size) return;
  /* Module-level functions, also in if/try blocks (a method may use its
   * class's variables, a nested function its enclosing function's). */
  const PsSummary *sum = c->fc->summary;
  def_paths(c);
  for (size_t i = 0; i < sum->defs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    TSNode n = node_of(c, c->def_path[i]); /* null for the defs not wanted */
    if (!is(n, "function_definition")) continue;
    TSNode params = ts_node_child_by_field_name(n, "parameters", 10);
    TypeVarRefs used;
    array_init(&used);
    if (ts_node_is_null(ts_node_child_by_field_name(n, "type_parameters", 15)) && !ts_node_is_null(params))
      used_typevars(c, params, defs, &used);
    bool skip = !used.size;
    PsBuf pt = PS_BUF_INIT;
    for (size_t k = 0; k < used.size; k++) {
      if (used.items[k]->has_default) skip = true;
      param_text(&pt, used.items[k]);
    }
    if (!skip) {
      TSNode nm = ts_node_child_by_field_name(n, "name", 4);
      PsByteEdit ed = {ts_node_end_byte(nm), ts_node_end_byte(nm), ps_arena_sprintf(c->arena, "[%s]", pt.data)};
      PsFixSpec fix = {"Use type parameters", &ed, 1, false};
      PsVar vars[] = {{"used", text_of(c, nm)}, {"name", text_of(c, nm)}};
      emit(c, ts_node_start_byte(nm), ts_node_end_byte(nm), vars, 2, &fix);
    }
    ps_buf_free(&pt);
    array_free(&used);
  }
}

/* ---- async-iterator (TY100) --------------------------------------------------- */

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
    if (!subtree_step(&cur, body, descend, &depth)) break;
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

static void run_async_iterator(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  const char *text = c->src->text;
  /* A caller in this file that sends into or closes a generator needs the
   * generator type. */
  if (strstr(text, ".asend(") || strstr(text, ".athrow(") || strstr(text, ".aclose(")) return;
  uint32_t insert_at = UINT32_MAX;
  ref_paths(c, ref_async_generator);
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
      if (imported_as(sum, repl, qual)) {
        /* already there */
      } else if (!name_bound(c, repl, NULL)) {
        if (insert_at == UINT32_MAX) insert_at = import_insert_point(c);
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

static void run_type_alias(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ref_paths(c, ref_typing);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!typing_ref(c, i, "TypeAlias", &p) || p.len < 3) continue;
    /* X: TypeAlias = value, the annotation being exactly TypeAlias. */
    TSNode ty = up(&p, 1), asg = up(&p, 2);
    if (!is(ty, "type") || !is(asg, "assignment")) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4), right = ts_node_child_by_field_name(asg, "right", 5);
    if (!is(left, "identifier") || ts_node_is_null(right)) continue;
    if (!ts_node_eq(ts_node_child_by_field_name(asg, "type", 4), ty)) continue;
    TSNode stmt = up(&p, p.len >= 4 ? 3 : 2); /* the root when the path is shorter */
    bool fixable = is(stmt, "expression_statement") && ts_node_named_child_count(stmt) == 1;
    const char *name = text_of(c, left), *value = text_of(c, right);
    for (const char *k = value; *k && fixable; k++)
      if (*k == '#') fixable = false;
    /* The alias's own type variables become its parameters. */
    TypeVarRefs used;
    array_init(&used);
    used_typevars(c, right, typevars(c), &used);
    PsBuf tp = PS_BUF_INIT;
    bool skip = false;
    for (size_t k = 0; k < used.size; k++) {
      if (used.items[k]->has_default) skip = true; /* PEP 696 defaults: as ruff, not reported */
      param_text(&tp, used.items[k]);
    }
    array_free(&used);
    if (skip) {
      ps_buf_free(&tp);
      continue;
    }
    char *repl = tp.len ? ps_arena_sprintf(c->arena, "type %s[%s] = %s", name, tp.data, value)
                        : ps_arena_sprintf(c->arena, "type %s = %s", name, value);
    ps_buf_free(&tp);
    PsByteEdit ed = {ts_node_start_byte(asg), ts_node_end_byte(asg), repl};
    /* Unsafe: a type statement is lazily evaluated and is a TypeAliasType,
     * not the value itself, so runtime uses (isinstance, calls) change. */
    PsFixSpec fix = {"Use the `type` statement", &ed, 1, false};
    PsVar vars[] = {{"used", text_of(c, asg)}, {"name", name}, {"replacement", repl}};
    emit(c, ts_node_start_byte(asg), ts_node_end_byte(asg), vars, 3, fixable ? &fix : NULL);
  }
}

/* X = TypeAliasType("X", value, type_params=(T,)) -> type X[T] = value (TY040). */
static void run_type_alias_type(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ref_paths(c, ref_typing);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!typing_ref(c, i, "TypeAliasType", &p) || p.len < 4) continue;
    TSNode call = up(&p, 1), asg = up(&p, 2), stmt = up(&p, 3);
    if (!is(call, "call") || !is(asg, "assignment") || !is(stmt, "expression_statement")) continue;
    if (!ts_node_eq(ts_node_child_by_field_name(asg, "right", 5), call)) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4);
    if (!is(left, "identifier") || !ts_node_is_null(ts_node_child_by_field_name(asg, "type", 4))) continue;
    TSNode args = ts_node_child_by_field_name(call, "arguments", 9);
    TSNode name_arg = {0}, value = {0}, params = {0};
    int pos = 0;
    bool odd = false;
    named_children(args, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) {
      TSNode a = c->scratch.items[k];
      if (is(a, "comment")) continue;
      if (is(a, "keyword_argument")) {
        const char *kn = text_of(c, ts_node_child_by_field_name(a, "name", 4));
        TSNode v = ts_node_child_by_field_name(a, "value", 5);
        if (!strcmp(kn, "name")) name_arg = v;
        else if (!strcmp(kn, "value")) value = v;
        else if (!strcmp(kn, "type_params")) params = v;
        else odd = true;
      } else if (pos == 0) {
        name_arg = a;
        pos++;
      } else if (pos == 1) {
        value = a;
        pos++;
      } else {
        odd = true;
      }
    }
    if (odd || ts_node_is_null(name_arg) || ts_node_is_null(value) || !is(name_arg, "string")) continue;
    const char *nm = text_of(c, left), *lit = text_of(c, name_arg);
    size_t nl = strlen(nm), ll = strlen(lit);
    if (ll != nl + 2 || strncmp(lit + 1, nm, nl) != 0) continue; /* the name must match the target */
    PsBuf tp = PS_BUF_INIT;
    bool fixable = true;
    if (!ts_node_is_null(params)) {
      if (!is(params, "tuple")) fixable = false;
      named_children(params, &c->scratch);
      for (size_t k = 0; fixable && k < c->scratch.size; k++) {
        TSNode t = c->scratch.items[k];
        uint32_t l;
        const char *tt = ps_source_node_text(c->src, t, &l);
        const TypeVarDef *d = is(t, "identifier") ? find_typevar(typevars(c), tt, l) : NULL;
        if (d) param_text(&tp, d);
        else fixable = false;
      }
    }
    const char *val = text_of(c, value);
    if (strchr(val, '#')) fixable = false;
    char *repl = tp.len ? ps_arena_sprintf(c->arena, "type %s[%s] = %s", nm, tp.data, val)
                        : ps_arena_sprintf(c->arena, "type %s = %s", nm, val);
    ps_buf_free(&tp);
    PsByteEdit ed = {ts_node_start_byte(asg), ts_node_end_byte(asg), repl};
    /* Safe: the type statement creates the same TypeAliasType. */
    PsFixSpec fix = {"Use the `type` statement", &ed, 1, true};
    PsVar vars[] = {{"used", text_of(c, asg)}, {"name", nm}, {"replacement", repl}};
    emit(c, ts_node_start_byte(asg), ts_node_end_byte(asg), vars, 3, fixable ? &fix : NULL);
  }
}

static void run(const PsAnalysis *self, const PsFileContext *fc, const PsEmitter *em) {
  if (!fc->source->tree) return;
  Ctx c = {0};
  c.self = self;
  c.s = self->state;
  c.fc = fc;
  c.src = fc->source;
  c.emit = em;
  c.root = ts_tree_root_node(fc->source->tree);
  c.arena = ps_arena_new(16 * 1024);
  c.deadline = fc->deadline;
  c.future = future_annotations(c.src, c.root, &c.future_start, &c.future_end);
  array_init(&c.heads);
  array_init(&c.paths);
  array_init(&c.scratch);
  array_init(&c.def_names);
  array_init(&c.class_names);
  typing_heads(&c);
  switch (c.s->kind) {
  case K_RENAME: run_rename(&c); break;
  case K_PEP604:
    run_pep604(&c);
    pep604_in_strings(&c);
    break;
  case K_DEPRECATED_IMPORT: run_deprecated_import(&c); break;
  case K_QUOTED: run_quoted(&c); break;
  case K_TYPE_ALIAS:
    run_type_alias(&c);
    run_type_alias_type(&c);
    break;
  case K_FUTURE: run_future(&c); break;
  case K_PEP695_CLASS: run_pep695_class(&c); break;
  case K_PEP695_FUNCTION: run_pep695_function(&c); break;
  case K_ASYNC_ITERATOR: run_async_iterator(&c); break;
  }
  array_free(&c.heads);
  array_free(&c.paths);
  array_free(&c.scratch);
  array_free(&c.def_names);
  array_free(&c.class_names);
  if (c.typevars) array_free((TypeVarDefs *)c.typevars);
  ps_arena_delete(c.arena);
}

const PsAnalysisClass ps_analysis__typing_modern = {
    .name = "typing-modern",
    .params = PARAMS,
    .needs = PS_NEED_REFS | PS_NEED_BINDINGS | PS_NEED_ANNOTATIONS,
    .configure = configure,
    .run = run,
    .free_state = free_state,
};
