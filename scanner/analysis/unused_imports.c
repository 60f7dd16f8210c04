/* unused_imports.c: after fixes, remove the imports they left unused.
 *
 * A name an import binds is "made unused" when the original text used it
 * (a whole-word occurrence outside import statements) and the fixed text
 * does not. Counting words rather than resolved references is deliberately
 * conservative: a mention in a comment, a string (`__all__`, a quoted
 * annotation) or a docstring keeps the import. Imports that were unused
 * before the fixes are not touched (that is a different rule's business),
 * nor are `__future__` imports or statements holding comments.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

typedef struct Span {
  uint32_t start, end;
} Span;

typedef Array(TSNode) NodeList;
typedef Array(Span) SpanList;

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

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (unsigned char)c >= 0x80;
}

static const char *find(const char *h, size_t hl, const char *n, size_t nl) {
  for (const char *p = h; nl && (size_t)(h + hl - p) >= nl; p++) {
    p = memchr(p, n[0], (size_t)(h + hl - p) - nl + 1);
    if (!p) return NULL;
    if (!memcmp(p, n, nl)) return p;
  }
  return NULL;
}

/* Whole-word occurrences of name in text outside the spans (sorted). */
static bool used_outside(const char *text, size_t len, const char *name, size_t nl, const SpanList *skip) {
  size_t si = 0;
  for (const char *p = text; (p = find(p, len - (size_t)(p - text), name, nl)) != NULL; p += nl) {
    uint32_t off = (uint32_t)(p - text);
    if (off > 0 && word_char(text[off - 1])) continue;
    if (off + nl < len && word_char(text[off + nl])) continue;
    /* `.name` is an attribute of something else, not this binding. */
    if (off > 0 && text[off - 1] == '.') continue;
    while (si < skip->size && skip->items[si].end <= off) si++;
    if (si < skip->size && skip->items[si].start <= off) continue;
    return true;
  }
  return false;
}

static void spans_of(const NodeList *imps, SpanList *out) {
  for (size_t i = 0; i < imps->size; i++)
    array_push(out, ((Span){ts_node_start_byte(imps->items[i]), ts_node_end_byte(imps->items[i])}));
}

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
  SpanList bs, as;
  array_init(&bs);
  array_init(&as);
  spans_of(&bi, &bs);
  spans_of(&ai, &as);
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
      bool drop = !used_outside(after, after_len, nm, nl, &as) && used_outside(before, before_len, nm, nl, &bs);
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
  array_free(&bs);
  array_free(&as);
  size_t n = edits.size;
  *out = n ? ps_arena_alloc(arena, n * sizeof(PsByteEdit)) : NULL;
  if (n) memcpy(*out, edits.items, n * sizeof(PsByteEdit));
  array_free(&edits);
  return n;
}
