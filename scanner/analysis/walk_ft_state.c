/* walk_ft_state.c: the bookkeeping of the free-threading walk: text
 * helpers, the frame stack (functions, classes, lock regions, checks,
 * EAFP, loops), the accesses with the locks held and the check they test
 * or act under, lock nodes, locals and binds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft_internal.h"

/* ---- helpers ------------------------------------------------------------------ */

/* The named children of n (at most max) in w->kids: one cursor pass, where
 * ts_node_named_child(n, i) would walk from the first child every time. */
size_t ftw_named_children(PsFtWalker *w, TSNode n, size_t max) {
  array_clear(&w->kids);
  if (!w->has_cur) {
    w->cur = ts_tree_cursor_new(n);
    w->has_cur = true;
  } else {
    ts_tree_cursor_reset(&w->cur, n);
  }
  if (!ts_tree_cursor_goto_first_child(&w->cur)) return 0;
  do {
    TSNode c = ts_tree_cursor_current_node(&w->cur);
    if (ts_node_is_named(c) && ts_node_symbol(c) != w->s_comment) array_push(&w->kids, c);
  } while (w->kids.size < max && ts_tree_cursor_goto_next_sibling(&w->cur));
  return w->kids.size;
}

/* memmem without _GNU_SOURCE. */
const char *ftw_find_bytes(const char *h, size_t hn, const char *nd, size_t nn) {
  if (!nn) return h;
  for (const char *p = h; hn >= nn && (p = memchr(p, nd[0], hn - nn + 1 - (size_t)(p - h))); p++)
    if (!memcmp(p, nd, nn)) return p;
  return NULL;
}

bool ftw_text_eq(PsFtWalker *w, TSNode n, const char *s) {
  uint32_t len;
  const char *t = ftw_text_of(w, n, &len);
  return len == strlen(s) && !memcmp(t, s, len);
}

/* The dotted text of an identifier or attribute chain (`self._cache`), in
 * the arena; NULL for anything else (calls, subscripts inside). */
const char *ftw_chain(PsFtWalker *w, TSNode n) {
  if (ts_node_is_null(n)) return NULL;
  TSSymbol s = ts_node_symbol(n);
  if (s != w->s_identifier && s != w->s_attribute) return NULL;
  uint32_t len;
  const char *t = ftw_text_of(w, n, &len);
  if (len > 512) return NULL;
  if (s == w->s_identifier) return ps_arena_strndup(w->arena, t, len);
  char *o = ps_arena_alloc(w->arena, len + 1);
  size_t j = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\\' || c == '\n' || c == '\r') continue;
    if (c == '#' || c == '(' || c == '[' || c == '"' || c == '\'' || c == ')' || c == ']') return NULL;
    o[j++] = c;
  }
  o[j] = '\0';
  return o;
}

bool ftw_is_chain(PsFtWalker *w, TSNode n) {
  if (ts_node_is_null(n)) return false;
  TSSymbol s = ts_node_symbol(n);
  while (s == w->s_attribute) {
    n = ts_node_child_by_field_id(n, w->f_object);
    if (ts_node_is_null(n)) return false;
    s = ts_node_symbol(n);
  }
  return s == w->s_identifier;
}

static bool inside(TSNode n, uint32_t start, uint32_t end) {
  return ts_node_start_byte(n) >= start && ts_node_end_byte(n) <= end;
}


/* The innermost frame of `type` inside the current function (the search
 * stops at a function or class frame), or NULL. */
const Frame *ftw_frame_in_func(const PsFtWalker *w, uint8_t type) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == type) return f;
    if (f->type == FR_FUNC || f->type == FR_CLASS) return NULL;
  }
  return NULL;
}

/* The function the current node is in (-1: module or class level). */
int32_t ftw_cur_func(const PsFtWalker *w) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC) return f->idx;
    if (f->type == FR_CLASS) return -1;
  }
  return -1;
}

/* The class whose body the current node is directly in, or -1. */
int32_t ftw_cur_class_body(const PsFtWalker *w) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_CLASS) return f->idx;
    if (f->type == FR_FUNC) return -1;
  }
  return -1;
}

bool ftw_at_module_level(const PsFtWalker *w) {
  for (size_t i = 0; i < w->frames.size; i++)
    if (w->frames.items[i].type == FR_FUNC || w->frames.items[i].type == FR_CLASS) return false;
  return true;
}

/* The file-local name of the innermost def or class ("" at module level):
 * the summary's scope names. Lambdas do not count. */
const char *ftw_cur_scope(const PsFtWalker *w) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_CLASS) return w->raw->classes.items[f->idx].local;
    if (f->type == FR_FUNC) {
      const PsFtRawFunc *fn = &w->raw->funcs.items[f->idx];
      if (!(fn->flags & PS_FTF_LAMBDA)) return fn->local;
    }
  }
  return "";
}

uint8_t ftw_value_kind(PsFtWalker *w, TSNode v) {
  if (ts_node_is_null(v)) return PS_FTV_UNKNOWN;
  TSSymbol s = ts_node_symbol(v);
  if (s == w->s_dictionary || s == w->s_dict_comp) return PS_FTV_DICT;
  if (s == w->s_list || s == w->s_list_comp) return PS_FTV_LIST;
  if (s == w->s_set || s == w->s_set_comp) return PS_FTV_SET;
  if (s == w->s_genexp) return PS_FTV_GENEXP;
  if (s == w->s_none) return PS_FTV_NONE;
  if (s == w->s_true || s == w->s_false) return PS_FTV_FLAG;
  if (s == w->s_integer || s == w->s_float || s == w->s_string || s == w->s_concat || s == w->s_tuple || s == w->s_unary)
    return PS_FTV_CONST;
  if (s == w->s_call) return PS_FTV_CALL;
  if (s == w->s_lambda) return PS_FTV_FUNC;
  if (s == w->s_identifier || s == w->s_attribute) return PS_FTV_ALIAS;
  return PS_FTV_UNKNOWN;
}

/* What a stored value names, for the facts: a call's callee, or a chain. */
const char *ftw_value_text(PsFtWalker *w, TSNode v) {
  if (ts_node_is_null(v)) return NULL;
  TSSymbol s = ts_node_symbol(v);
  if (s == w->s_call) return ftw_chain(w, ts_node_child_by_field_id(v, w->f_function));
  if (s == w->s_identifier || s == w->s_attribute) return ftw_chain(w, v);
  return NULL;
}

/* Does the subtree at n read `ref` (as a whole chain, or subscripted:
 * ref[...], or through ref.get(...))? A bounded look: right-hand sides. */
bool ftw_mentions(PsFtWalker *w, TSNode n, const char *ref) {
  if (ts_node_is_null(n)) return false;
  size_t rl = strlen(ref);
  TSTreeCursor c = ts_tree_cursor_new(n);
  bool found = false;
  int budget = 256;
  for (;;) {
    TSNode x = ts_tree_cursor_current_node(&c);
    TSSymbol s = ts_node_symbol(x);
    bool descend = true;
    if (s == w->s_identifier) {
      uint32_t len;
      const char *t = ftw_text_of(w, x, &len);
      if (len == rl && !memcmp(t, ref, rl)) {
        found = true;
        break;
      }
      descend = false;
    } else if (s == w->s_attribute && ftw_is_chain(w, x)) {
      /* `ref` or `ref.anything`, never the attribute name alone (db.ref). */
      const char *t = ftw_chain(w, x);
      if (t && !strncmp(t, ref, rl) && (t[rl] == '\0' || t[rl] == '.')) {
        found = true;
        break;
      }
      descend = false;
    } else if (s == w->s_lambda) {
      descend = false;
    }
    if (--budget <= 0) break;
    if (descend && ts_tree_cursor_goto_first_child(&c)) continue;
    bool up = false;
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        up = true;
        break;
      }
      if (ts_node_eq(ts_tree_cursor_current_node(&c), n)) {
        up = true;
        break;
      }
    }
    if (up) break;
  }
  ts_tree_cursor_delete(&c);
  return found;
}

/* ---- accesses ----------------------------------------------------------------- */

/* Records an access of `ref` at node n, inside a function; the frames give
 * the locks held, the check it tests or acts under, and EAFP. */
int32_t ftw_add_access_shown(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n,
                                uint8_t flags, uint8_t value, uint32_t shown_start, uint32_t shown_end) {
  int32_t func = ftw_cur_func(w);
  if (func < 0 || !ref) return -1;
  PsFtRaw *r = w->raw;
  PsFtRawAccess a = {ref, name, func, 0, -1, -1, -1, -1, ts_node_start_byte(n), ts_node_end_byte(n),
                     shown_start, shown_end, kind, flags, value, false};
  if (shown_end <= shown_start) a.shown_start = a.start, a.shown_end = a.end;
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) break;
    if (f->type == FR_LOCK && !a.locks && a.start >= f->start) a.locks = (uint32_t)f->idx;
    if (f->type == FR_EAFP) a.flags |= (uint8_t)f->idx;
    if (f->type == FR_CHECK) {
      const PsFtCheckFrame *cf = &r->checks.items[f->idx];
      if (a.test_frame < 0 && a.act_frame < 0 && a.start >= cf->cond_start && a.end <= cf->cond_end)
        a.test_frame = f->idx;
      else if (a.act_frame < 0 && !(a.start >= cf->cond_start && a.end <= cf->cond_end))
        a.act_frame = f->idx;
    }
  }
  int32_t idx = (int32_t)r->accesses.size;
  if (a.test_frame >= 0) {
    PsFtCheckFrame *cf = &r->checks.items[a.test_frame];
    a.next_test = cf->first_test;
    cf->first_test = idx;
  }
  array_push(&r->accesses, a);
  return idx;
}

/* The innermost lock held at byte pos of the current function (0: none).
 * A with statement's lock frame covers its body only. */
uint32_t ftw_cur_locks_at(const PsFtWalker *w, uint32_t pos) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) return 0;
    if (f->type == FR_LOCK && pos >= f->start) return (uint32_t)f->idx;
  }
  return 0;
}

static uint32_t cur_locks(const PsFtWalker *w) { return ftw_cur_locks_at(w, UINT32_MAX); }

/* ---- check frames, lock regions, binds ------------------------------------------ */

int32_t ftw_push_check(PsFtWalker *w, TSNode n, TSNode cond) {
  if (ts_node_is_null(cond)) return -1;
  const Frame *pf = ftw_frame_in_func(w, FR_CHECK);
  PsFtCheckFrame cf = {ts_node_start_byte(n), ts_node_end_byte(n), ts_node_start_byte(cond), ts_node_end_byte(cond),
                       pf ? pf->idx : -1, -1, false, 0};
  int32_t idx = (int32_t)w->raw->checks.size;
  array_push(&w->raw->checks, cf);
  ftw_push_frame(w, cf.start, cf.end, FR_CHECK, idx);
  return idx;
}

bool ftw_in_condition(const PsFtWalker *w, TSNode n) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) return false;
    if (f->type == FR_CHECK) {
      const PsFtCheckFrame *cf = &w->raw->checks.items[f->idx];
      if (inside(n, cf->cond_start, cf->cond_end)) return true;
    }
  }
  return false;
}

uint32_t ftw_add_lock(PsFtWalker *w, const char *text) {
  PsFtLockNode ln = {text, ftw_cur_func(w), cur_locks(w)};
  array_push(&w->raw->lock_nodes, ln);
  return (uint32_t)w->raw->lock_nodes.size - 1;
}

void ftw_add_local(PsFtWalker *w, TSNode target) {
  int32_t func = ftw_cur_func(w);
  if (func < 0 || ts_node_is_null(target)) return;
  TSSymbol s = ts_node_symbol(target);
  if (s == w->s_identifier) {
    array_push(&w->raw->locals, ((PsFtRawDecl){ftw_chain(w, target), func, false}));
  } else if (s == w->s_pattern_list || s == w->s_tuple_pattern || s == w->s_list_pattern || s == w->s_tuple ||
             s == w->s_parenthesized || s == w->s_expression_list) {
    uint32_t nc = ts_node_named_child_count(target);
    for (uint32_t i = 0; i < nc && i < 16; i++) ftw_add_local(w, ts_node_named_child(target, i));
  }
}

/* list(d), sorted(d.keys()), tuple(d.items()): the chain d whose keys a
 * snapshot call copies, or NULL. (A call node of list/tuple/sorted/set.) */
const char *ftw_snapshot_source(PsFtWalker *w, TSNode call) {
  TSNode args = ts_node_child_by_field_id(call, w->f_arguments);
  if (ts_node_is_null(args) || ts_node_symbol(args) != w->s_argument_list || ts_node_named_child_count(args) != 1)
    return NULL;
  TSNode a = ts_node_named_child(args, 0);
  if (ftw_is_chain(w, a)) return ftw_chain(w, a);
  if (ts_node_symbol(a) != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(a, w->f_function);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute) return NULL;
  TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
  if (!ftw_is_chain(w, obj) || !(ftw_text_eq(w, attr, "keys") || ftw_text_eq(w, attr, "items") || ftw_text_eq(w, attr, "copy")))
    return NULL;
  return ftw_chain(w, obj);
}

static bool in_main_guard(const PsFtWalker *w) {
  for (size_t i = 0; i < w->frames.size; i++)
    if (w->frames.items[i].type == FR_MAIN) return true;
  return false;
}

void ftw_add_bind(PsFtWalker *w, uint8_t where, const char *name, int32_t cls, int32_t func, TSNode value,
                     uint32_t start) {
  if (!name) return;
  /* `if __name__ == "__main__":` runs only as a script: its objects are no library's state. */
  if ((where == PS_FTW_MODULE || where == PS_FTW_CLASS) && in_main_guard(w)) return;
  PsFtRawBind b = {name, NULL, cls, func, start, where, ftw_value_kind(w, value), false, false, -1};
  if (b.value == PS_FTV_CALL) b.ctor = ftw_chain(w, ts_node_child_by_field_id(value, w->f_function));
  if (b.value == PS_FTV_ALIAS) b.ctor = ftw_chain(w, value);
  if (b.value == PS_FTV_ALIAS && !b.ctor) b.value = PS_FTV_UNKNOWN;
  if (func >= 0) w->raw->funcs.items[func].bind_end = (uint32_t)w->raw->binds.size + 1;
  if (where == PS_FTW_LOCAL && !ts_node_is_null(value)) {
    /* x = d.get(k), x = d[k]: derived from d (a test of x tests d);
     * xs = list(d.keys()): a snapshot of d's keys. */
    TSSymbol vs = ts_node_symbol(value);
    if (vs == w->s_subscript && ftw_is_chain(w, ts_node_child_by_field_id(value, w->f_value))) {
      b.value = FTV_DERIVED;
      b.ctor = ftw_chain(w, ts_node_child_by_field_id(value, w->f_value));
    } else if (vs == w->s_call && b.ctor) {
      const char *dot = strrchr(b.ctor, '.');
      const char *last = dot ? dot + 1 : b.ctor;
      if (dot && !strcmp(last, "get")) {
        b.value = FTV_DERIVED;
        b.ctor = ps_arena_strndup(w->arena, b.ctor, (size_t)(dot - b.ctor));
      } else if (!dot && (!strcmp(last, "list") || !strcmp(last, "tuple") || !strcmp(last, "sorted") ||
                          !strcmp(last, "set") || !strcmp(last, "frozenset"))) {
        const char *src = ftw_snapshot_source(w, value);
        if (src) b.value = FTV_KEYS, b.ctor = src;
      }
    }
  }
  array_push(&w->raw->binds, b);
}

/* The LOCAL bind of `name` in the current function (the latest), or NULL. */
const PsFtRawBind *ftw_local_bind(const PsFtWalker *w, const char *name, size_t n) {
  int32_t f = ftw_cur_func(w);
  if (f < 0) return NULL;
  const PsFtRaw *r = w->raw;
  for (size_t i = r->binds.size; i-- > r->funcs.items[f].first_bind;) {
    const PsFtRawBind *b = &r->binds.items[i];
    if (b->where == PS_FTW_LOCAL && b->func == f && strlen(b->name) == n && !strncmp(b->name, name, n)) return b;
  }
  return NULL;
}

/* A test of a local derived from a container (`x = d.get(k)` ... `if not
 * x:`) tests the container: recorded as a membership test of d. */
bool ftw_derived_test(PsFtWalker *w, TSNode n, TSNode x, bool absent) {
  if (ts_node_symbol(x) != w->s_identifier) return false;
  uint32_t len;
  const char *t = ftw_text_of(w, x, &len);
  const PsFtRawBind *b = ftw_local_bind(w, t, len);
  if (!b || b->value != FTV_DERIVED) return false;
  ftw_add_access(w, PS_FTA_TEST_IN, b->ctor, NULL, n, absent ? PS_FTX_NEGATED : 0, 0);
  return true;
}
