/* typing_names.c: what names stand for in a file, for the TY analyses:
 * bindings by name (is a replacement name free?), where a new import goes,
 * the names bound to typing (only references starting with one can resolve
 * into it), the `from __future__ import annotations` statement, and the
 * names read inside quoted annotations.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The bindings named `name`, in file order, through the summary's index
 * (a scan of all bindings per finding is quadratic): start with
 * b = NULL; NULL at the end. */
static const PsBinding *next_named(const PsSummary *sum, const char *name, const PsBinding *b) {
  size_t n = strlen(name);
  uint32_t v = b ? ps_summary_next_binding(sum, (uint32_t)(b - sum->bindings.items) + 1, name, n)
                 : ps_summary_first_binding(sum, name, n);
  return v ? &sum->bindings.items[v - 1] : NULL;
}

/* True if `name` is bound anywhere in the file other than by an import of
 * `target` (NULL: by anything). */
bool ps_typing__name_bound(Ctx *c, const char *name, const char *target) {
  const PsSummary *sum = c->fc->summary;
  for (const PsBinding *b = next_named(sum, name, NULL); b; b = next_named(sum, name, b)) {
    if (target && b->kind == PS_BIND_IMPORT && !strcmp(b->target, target)) continue;
    return true;
  }
  return ps_typing__name_bound_by_def(c, name);
}

bool ps_typing__name_bound_by_def(Ctx *c, const char *name) {
  const PsSummary *sum = c->fc->summary;
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

bool ps_typing__bound_in_scope(Ctx *c, const char *name, const char *scope) {
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
bool ps_typing__imported_as(const PsSummary *sum, const char *name, const char *target) {
  for (const PsBinding *b = next_named(sum, name, NULL); b; b = next_named(sum, name, b)) {
    if (b->kind == PS_BIND_IMPORT && !b->scope[0] && !b->guards && !strcmp(b->target, target))
      return true;
  }
  return false;
}

/* Where a new module-level import goes: the start of the line after the
 * last unguarded module-level import, else after the docstring and
 * __future__ imports, else the top of the file. */

uint32_t ps_typing__import_insert_point(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  uint32_t best = 0;
  bool found = false;
  ps_typing__import_paths(c);
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
    ps_typing__named_children(c->root, &c->scratch);
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

bool ps_typing__future_annotations(const PsSource *src, TSNode root, uint32_t *start, uint32_t *end) {
  TSTreeCursor cur = ts_tree_cursor_new(root);
  bool more = ts_tree_cursor_goto_first_child(&cur), found = false;
  Nodes names;
  array_init(&names);
  for (uint32_t i = 0; more && !found; more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode ch = ts_tree_cursor_current_node(&cur);
    if (!ts_node_is_named(ch)) continue;
    if (is(ch, "comment")) continue; /* before the docstring too: a licence header */
    if (i++ == 0 && is(ch, "expression_statement")) continue; /* docstring */
    if (!is(ch, "future_import_statement")) break;
    ps_typing__named_children(ch, &names);
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
void ps_typing__heads(Ctx *c) {
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

bool ps_typing__candidate(const Ctx *c, const char *chain) {
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

bool ps_typing__ref_candidate(const Ctx *c, const PsRef *ref) { return ps_typing__candidate(c, ref->chain); }

/* Does refs[i] name typing.<name> (or typing_extensions.<name>)? Then *p
 * gets its path (ps_typing__ref_paths(c, ps_typing__ref_candidate) first). */
/* typing_extensions.X -> typing.X, typing_extensions -> typing. */
static const char *as_typing(Ctx *c, const char *t) {
  if (!strcmp(t, "typing_extensions")) return "typing";
  if (!strncmp(t, "typing_extensions.", 18)) return ps_arena_sprintf(c->arena, "typing.%s", t + 18);
  return t;
}

const char *ps_typing__resolve(Ctx *c, const char *chain, const char *scope) {
  const PsSummary *sum = c->fc->summary;
  const char *q = ps_summary_resolve(sum, chain, scope, c->arena, NULL);
  if (q) return q;
  /* The summary calls a name bound by several imports ambiguous. When
   * every binding of the head is an import that means the same typing
   * object (`from typing import X` / `from typing_extensions import X` in
   * the two branches of a version test, `import typing as
   * typing_extensions` / `import typing_extensions`), it means that. */
  size_t hl = strcspn(chain, ".");
  char *head = ps_arena_strndup(c->arena, chain, hl);
  const char *meant = NULL;
  for (const PsBinding *b = next_named(sum, head, NULL); b; b = next_named(sum, head, b)) {
    if (b->kind != PS_BIND_IMPORT || !b->target || strncmp(b->target, "typing", 6)) return NULL;
    const char *t = as_typing(c, b->target);
    if (strcmp(t, "typing") && strncmp(t, "typing.", 7)) return NULL;
    if (meant && strcmp(meant, t)) return NULL;
    meant = t;
  }
  if (!meant || ps_typing__name_bound_by_def(c, head)) return NULL;
  return ps_arena_sprintf(c->arena, "%s%s", meant, chain + hl);
}

bool ps_typing__ref_named(Ctx *c, size_t i, const char *name, Path *p) {
  const PsRef *ref = &c->fc->summary->refs.items[i];
  if (!ps_typing__candidate(c, ref->chain)) return false;
  const char *q = ps_typing__resolve(c, ref->chain, ref->scope);
  if (!q) return false;
  const char *m = !strncmp(q, "typing.", 7) ? q + 7 : !strncmp(q, "typing_extensions.", 18) ? q + 18 : NULL;
  return m && !strcmp(m, name) && path_of(c, c->ref_path[i], p);
}

/* Is the string node a plain literal whose content is the source text
 * (no prefix, no escapes, no implicit concatenation)? */
bool ps_typing__plain_string(const Ctx *c, TSNode str, uint32_t *cs, uint32_t *ce) {
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
    if (ps_typing__candidate(c, r.chain)) array_push(out, r);
  }
}

/* Plain strings in annotations and type strings, from the summary's list. */
void ps_typing__collect_string_refs(Ctx *c, StrRefs *out) {
  if (!c->heads.size) return;
  const PsSummary *sum = c->fc->summary;
  ps_typing__annotation_paths(c, true);
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
        if (ps_typing__plain_string(c, x, &cs, &ce)) lex_string(c, cs, ce, an->scope, runtime, out);
      }
      if (!ps_typing__subtree_next(&sc, n, d2)) break;
    }
    ts_tree_cursor_delete(&sc);
  }
}
