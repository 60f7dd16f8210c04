/* unused_imports.c: after fixes, remove the imports they left unused.
 *
 * A name an import binds is "made unused" when the original tree used it
 * and the fixed tree does not (collect_used: identifiers outside imports,
 * and the words of strings that can hold type expressions or re-exports,
 * `__all__ = ["List"]`, `x: "List[int]"`). A mention in a comment or a
 * docstring does not keep an import: ruff's cleanup does the same, and
 * typed code often names `List` in prose. Imports that were unused
 * before the fixes are not touched (that is a different rule's business),
 * nor are `__future__` imports or statements holding comments.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

typedef Array(TSNode) NodeList;

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type); }

/* Every import statement of the tree, in source order. */
static void collect_imports(TSNode root, NodeList *out) {
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    bool stmt = is(n, "import_statement") || is(n, "import_from_statement");
    if (stmt) array_push(out, n);
    bool descend = !stmt && ts_node_child_count(n) > 0 && !is(n, "string") && !is(n, "comment");
    if (descend && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
  }
done:
  ts_tree_cursor_delete(&cur);
}

/* The names a tree really uses: identifiers outside import statements,
 * except an attribute's name (`x.List` is not `List`) and a keyword
 * argument's name; plus the words of strings that may hold type
 * expressions or re-exports (`x: "List[int]"`, `cast("Dict", v)`,
 * `__all__ = ["List"]`): short strings made only of names, dots, brackets,
 * commas, `|` and spaces. Comments and docstrings never count. */
static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (unsigned char)c >= 0x80;
}

static void add_string_words(PsStrSet *used, const char *t, size_t n) {
  if (n > 400) return;
  for (size_t i = 0; i < n; i++) {
    char c = t[i];
    if (!(word_char(c) || strchr(".,[]| \t\"'", c))) return; /* prose or code, not a type expression */
  }
  for (size_t i = 0; i < n;) {
    if (!word_char(t[i]) || (t[i] >= '0' && t[i] <= '9')) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && word_char(t[j])) j++;
    if (i == 0 || t[i - 1] != '.') ps_strset_put(used, t + i, j - i, NULL);
    i = j;
  }
}

static void collect_used(const char *text, TSNode root, PsStrSet *used) {
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    const char *type = ts_node_type(n);
    bool descend = true;
    if (!strcmp(type, "import_statement") || !strcmp(type, "import_from_statement") || !strcmp(type, "comment") ||
        !strcmp(type, "future_import_statement")) {
      descend = false;
    } else if (!strcmp(type, "identifier")) {
      const char *field = ts_tree_cursor_current_field_name(&cur);
      TSNode parent = ts_node_parent(n);
      bool attr_name = field && !strcmp(field, "attribute") && is(parent, "attribute");
      bool kw_name = field && !strcmp(field, "name") && is(parent, "keyword_argument");
      if (!attr_name && !kw_name) {
        uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
        ps_strset_put(used, text + a, b - a, NULL);
      }
      descend = false;
    } else if (!strcmp(type, "string")) {
      TSNode parent = ts_node_parent(n);
      bool docstring = is(parent, "expression_statement") && ts_node_named_child_count(parent) == 1;
      if (docstring) {
        descend = false;
      } else {
        /* The string's own text; interpolations are walked as nodes. */
        for (uint32_t k = 0; k < ts_node_named_child_count(n); k++) {
          TSNode c = ts_node_named_child(n, k);
          if (is(c, "string_content"))
            add_string_words(used, text + ts_node_start_byte(c), ts_node_end_byte(c) - ts_node_start_byte(c));
        }
      }
    }
    if (descend && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
  }
done:
  ts_tree_cursor_delete(&cur);
}

static bool is_used(const PsStrSet *used, const char *name, size_t nl) { return ps_strset_get(used, name, nl, NULL); }

/* The local name an import item binds: `a.b` -> `a`, `x as y` -> `y`. */
static const char *local_name(const char *text, TSNode item, bool from, size_t *len) {
  TSNode n = item;
  if (is(item, "aliased_import")) n = ts_node_child_by_field_name(item, "alias", 5);
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  const char *t = text + a;
  size_t l = b - a;
  if (!from && is(item, "dotted_name")) {
    const char *dot = memchr(t, '.', l);
    if (dot) l = (size_t)(dot - t);
  }
  *len = l;
  return t;
}

size_t ps_unused_import_edits(const char *before, size_t before_len, const TSTree *before_tree, const char *after,
                              size_t after_len, const TSTree *after_tree, PsArena *arena, PsByteEdit **out) {
  NodeList bi, ai;
  array_init(&bi);
  array_init(&ai);
  collect_imports(ts_tree_root_node(before_tree), &bi);
  collect_imports(ts_tree_root_node(after_tree), &ai);
  PsStrSet bu, au;
  ps_strset_init(&bu);
  ps_strset_init(&au);
  collect_used(before, ts_tree_root_node(before_tree), &bu);
  collect_used(after, ts_tree_root_node(after_tree), &au);
  (void)before_len;
  (void)after_len;
  Array(PsByteEdit) edits;
  array_init(&edits);
  for (size_t i = 0; i < ai.size; i++) {
    TSNode st = ai.items[i];
    bool from = is(st, "import_from_statement");
    uint32_t s0 = ts_node_start_byte(st), s1 = ts_node_end_byte(st);
    if (memchr(after + s0, '#', s1 - s0)) continue;
    TSNode mod = from ? ts_node_child_by_field_name(st, "module_name", 11) : (TSNode){0};
    uint32_t nc = ts_node_named_child_count(st);
    NodeList keep;
    array_init(&keep);
    size_t n_items = 0, n_drop = 0;
    bool wildcard = false;
    for (uint32_t k = 0; k < nc; k++) {
      TSNode it = ts_node_named_child(st, k);
      if (from && ts_node_eq(it, mod)) continue;
      if (is(it, "wildcard_import")) wildcard = true;
      if (!is(it, "dotted_name") && !is(it, "aliased_import")) continue;
      n_items++;
      size_t nl;
      const char *nm = local_name(after, it, from, &nl);
      bool drop = !is_used(&au, nm, nl) && is_used(&bu, nm, nl);
      if (drop) n_drop++;
      else array_push(&keep, it);
    }
    if (wildcard || !n_drop) {
      array_free(&keep);
      continue;
    }
    if (n_drop == n_items) {
      /* The whole statement: its line when it stands alone there, else
       * `pass` when it is the only statement of its block. */
      uint32_t ls = s0, le = s1;
      while (ls > 0 && (after[ls - 1] == ' ' || after[ls - 1] == '\t')) ls--;
      while (le < after_len && (after[le] == ' ' || after[le] == '\t')) le++;
      bool alone = (ls == 0 || after[ls - 1] == '\n') && (le == after_len || after[le] == '\n' || after[le] == '\r');
      TSNode parent = ts_node_parent(st);
      bool only = is(parent, "block") && ts_node_named_child_count(parent) == 1;
      if (only) array_push(&edits, ((PsByteEdit){s0, s1, "pass"}));
      else if (alone) {
        if (le < after_len && after[le] == '\r') le++;
        if (le < after_len && after[le] == '\n') le++;
        array_push(&edits, ((PsByteEdit){ls, le, ""}));
      }
    } else {
      PsBuf b = PS_BUF_INIT;
      if (from) {
        uint32_t ms = ts_node_start_byte(mod), me = ts_node_end_byte(mod);
        ps_buf_printf(&b, "from %.*s import ", (int)(me - ms), after + ms);
      } else {
        ps_buf_puts(&b, "import ");
      }
      for (size_t k = 0; k < keep.size; k++) {
        uint32_t a = ts_node_start_byte(keep.items[k]), e = ts_node_end_byte(keep.items[k]);
        ps_buf_printf(&b, "%s%.*s", k ? ", " : "", (int)(e - a), after + a);
      }
      array_push(&edits, ((PsByteEdit){s0, s1, ps_arena_strndup(arena, b.data, b.len)}));
      ps_buf_free(&b);
    }
    array_free(&keep);
  }
  array_free(&bi);
  array_free(&ai);
  ps_strset_free(&bu);
  ps_strset_free(&au);
  size_t n = edits.size;
  *out = n ? ps_arena_alloc(arena, n * sizeof(PsByteEdit)) : NULL;
  if (n) memcpy(*out, edits.items, n * sizeof(PsByteEdit));
  array_free(&edits);
  return n;
}
