/* The summary walk: code that runs only where an import or an attribute is
 * missing. A handler of ImportError after a try body of imports only, and
 * the branch of `if not hasattr(X, "n"):`, are fallbacks for an old Python
 * (PsGuardRange.fallback_of): the removal analyses drop them when what
 * they fall back from always exists (the rules' `importable` table). */
#include <stdio.h>
#include <string.h>

#include "analysis/summary_internal.h"


/* `hasattr(X, "n")` or `not hasattr(X, "n")` with X a name chain: "X.n"
 * (arena), *negated for the `not`; NULL for anything else. The branch
 * that runs where X lacks n is a fallback for an old Python when X.n
 * always exists (PsGuardRange.fallback_of, as for `except ImportError:`). */
const char *ps_summary__hasattr_fallback(Walk *k, TSNode cond, bool *negated) {
  const PsWalker *w = k->w;
  *negated = false;
  if (ts_node_symbol(cond) == w->s_not && ts_node_named_child_count(cond) == 1)
    cond = ts_node_named_child(cond, 0), *negated = true;
  if (ts_node_symbol(cond) != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(cond, w->f_function), args = ts_node_child_by_field_id(cond, w->f_arguments);
  if (ts_node_is_null(fn) || !ps_summary__text_is(k, fn, "hasattr") || ts_node_is_null(args) ||
      ts_node_named_child_count(args) != 2)
    return NULL;
  const char *obj = ps_summary__dotted(k, ts_node_named_child(args, 0));
  uint32_t a, b;
  const char *name = ps_summary__string_value(k, ts_node_named_child(args, 1), &a, &b);
  if (!obj || !name || !*name) return NULL;
  size_t n = strlen(obj) + strlen(name) + 2;
  char *r = ps_arena_alloc(k->arena, n);
  snprintf(r, n, "%s.%s", obj, name);
  return r;
}

void ps_summary__add_fallback(Walk *k, TSNode n, const char *of) {
  if (ts_node_is_null(n) || !of) return;
  array_push(&k->out->guard_ranges,
             ((PsGuardRange){ts_node_start_byte(n), ts_node_end_byte(n), PS_RUNS_ALL, NULL, of, 0}));
}

/* What a try body made only of absolute imports imports, as
 * "mod.name,mod2" (a handler of ImportError runs only where one of them
 * fails: PsGuardRange.fallback_of); NULL for any other body. */
const char *ps_summary__imports_only(Walk *k, TSNode body) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(body)) return NULL;
  PsBuf b = PS_BUF_INIT;
  uint32_t nb = ts_node_named_child_count(body);
  bool ok = nb > 0;
  for (uint32_t i = 0; i < nb && ok; i++) {
    TSNode st = ts_node_named_child(body, i);
    TSSymbol s = ts_node_symbol(st);
    if (s == w->s_comment) continue;
    if (s == w->s_if) { /* `if not hasattr(X, "n"): raise ImportError`: needs X.n too */
      TSNode cons = ts_node_child_by_field_id(st, w->f_consequence);
      bool neg = false;
      const char *of = ps_summary__hasattr_fallback(k, ts_node_child_by_field_id(st, w->f_condition), &neg);
      TSNode r = cons;
      for (uint32_t j = 0, n = ts_node_is_null(cons) ? 0 : ts_node_named_child_count(cons), seen = 0; j < n; j++) {
        TSNode c = ts_node_named_child(cons, j);
        if (ts_node_symbol(c) == w->s_comment) continue;
        r = seen++ ? cons : c; /* one statement only */
      }
      uint32_t rl = 0;
      const char *rt = ts_node_is_null(r) || ts_node_symbol(r) != w->s_raise ? NULL : ps_source_node_text(k->src, r, &rl);
      bool raises = rt && ((rl >= 17 && !memcmp(rt, "raise ImportError", 17)) ||
                           (rl >= 25 && !memcmp(rt, "raise ModuleNotFoundError", 25)));
      bool alone = true; /* no elif/else */
      for (uint32_t j = 0; j < ts_node_named_child_count(st); j++) {
        TSSymbol cs = ts_node_symbol(ts_node_named_child(st, j));
        alone = alone && cs != w->s_elif && cs != w->s_else;
      }
      if (!of || !neg || !raises || !alone) ok = false;
      else ps_buf_printf(&b, "%s%s", b.len ? "," : "", of);
      continue;
    }
    TSNode mod = ts_node_child_by_field_id(st, w->f_module_name);
    const char *m = s == w->s_import_from && !ts_node_is_null(mod) ? ps_summary__dotted(k, mod) : NULL;
    if (s != w->s_import && !m) ok = false;
    uint32_t nc = ts_node_named_child_count(st), names = 0;
    for (uint32_t j = 0; j < nc && ok; j++) {
      TSNode c = ts_node_named_child(st, j);
      if ((m && ts_node_eq(c, mod)) || ts_node_symbol(c) == w->s_comment) continue;
      if (ts_node_symbol(c) == w->s_aliased) c = ts_node_child_by_field_id(c, w->f_name);
      const char *d = ts_node_is_null(c) || ts_node_symbol(c) != w->s_dotted ? NULL : ps_summary__dotted(k, c);
      if (!d) ok = false; /* a wildcard, a relative module, a comment */
      else ps_buf_printf(&b, "%s%s%s%s", b.len ? "," : "", m ? m : "", m ? "." : "", d), names++;
    }
    ok = ok && names > 0;
  }
  const char *r = ok && b.len ? ps_arena_strdup(k->arena, b.data) : NULL;
  ps_buf_free(&b);
  return r;
}
