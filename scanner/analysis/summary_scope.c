/* summary_scope.c: the summary walk's context frames (enclosing def, guards)
 * and what they give a binding, dotted chains and string literals as
 * written, and the import statements (see summary.c).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/summary_internal.h"

/* Dotted text of a dotted_name / identifier / attribute chain without
 * whitespace; NULL if the node is anything else. */
const char *ps_summary__dotted(const Walk *k, TSNode n) {
  TSSymbol s = ts_node_symbol(n);
  const PsWalker *w = k->w;
  if (s != w->s_dotted && s != w->s_identifier && s != w->s_attribute) return NULL;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (len > 4096) return NULL;
  char *o = ps_arena_alloc(k->arena, len + 1);
  size_t j = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\\' || c == '\n' || c == '\r') continue;
    if (c == '#' || c == '(' || c == '[' || c == '"' || c == '\'') return NULL; /* not a plain chain */
    o[j++] = c;
  }
  o[j] = '\0';
  return o;
}

/* The value of a plain string literal (no interpolation, no escapes
 * needed for module names), or NULL. */
const char *ps_summary__string_value(const Walk *k, TSNode n, uint32_t *start, uint32_t *end) {
  if (ts_node_symbol(n) != k->w->s_string) return NULL;
  uint32_t nc = ts_node_named_child_count(n);
  const char *val = NULL;
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == k->w->s_interpolation) return NULL;
    if (s == k->w->s_string_content) {
      if (val) return NULL;
      uint32_t len;
      const char *t = ps_source_node_text(k->src, c, &len);
      if (len > 512 || memchr(t, '\\', len)) return NULL;
      val = ps_arena_strndup(k->arena, t, len);
    }
  }
  /* Prefixed strings like b"..." or f"..." are not module names. */
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (len && t[0] != '"' && t[0] != '\'') {
    if (!(t[0] == 'r' || t[0] == 'R' || t[0] == 'u' || t[0] == 'U')) return NULL;
  }
  *start = ts_node_start_byte(n);
  *end = ts_node_end_byte(n);
  return val ? val : "";
}

void ps_summary__active_context(const Walk *k, uint32_t pos, unsigned *guards, uint32_t *guard_line,
                                uint16_t *below, const char **scope, bool *module_level) {
  *guards = 0;
  *guard_line = 0;
  *below = 0;
  *scope = "";
  *module_level = true;
  const PsWalker *w = k->w;
  for (size_t i = 0; i < w->frames.size; i++) {
    const Frame *f = &w->frames.items[i];
    if (pos < f->start || pos >= f->end) continue;
    if (f->scope) {
      *scope = f->scope;
      *module_level = false;
      if (f->is_def) *guards &= ~(unsigned)PS_GUARD_TRY_ANY; /* a def body runs outside the try */
    }
    if (f->guards) {
      *guards |= f->guards;
      if (f->line > *guard_line) *guard_line = f->line;
      if (f->below && (!*below || f->below < *below)) *below = f->below;
    }
  }
}

/* The enclosing def/class at `pos` ("" at module level). */
const char *ps_summary__scope_at(const Walk *k, uint32_t pos, bool *module_level) {
  unsigned guards;
  uint32_t guard_line;
  uint16_t below;
  const char *scope;
  ps_summary__active_context(k, pos, &guards, &guard_line, &below, &scope, module_level);
  return scope;
}

void ps_summary__add_binding(Walk *k, PsBindingKind kind, const char *name, const char *target, uint32_t pos,
                             const char *scope_override) {
  if (!name || !*name || !(k->w->needs & PS_NEED_BINDINGS)) return;
  bool module_level;
  PsBinding b = {kind, name, ps_summary__scope_at(k, pos, &module_level), target, 0, 0};
  uint32_t gl;
  const char *sc;
  ps_summary__active_context(k, pos, &b.guards, &gl, &b.version_below, &sc, &module_level);
  if (scope_override) b.scope = scope_override;
  array_push(&k->out->bindings, b);
}

/* Binds every plain name a target binds: `a`, `a, b`, `(a, [b, *c])`. */
void ps_summary__bind_targets(Walk *k, TSNode t, const char *scope_override, int depth) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(t) || depth > 32) return;
  TSSymbol s = ts_node_symbol(t);
  if (s == w->s_identifier) {
    uint32_t len;
    const char *txt = ps_source_node_text(k->src, t, &len);
    ps_summary__add_binding(k, PS_BIND_OTHER, ps_arena_strndup(k->arena, txt, len), NULL, ts_node_start_byte(t), scope_override);
  } else if (s == w->s_pattern_list || s == w->s_tuple_pattern || s == w->s_list_pattern || s == w->s_tuple ||
             s == w->s_list || s == w->s_list_splat_pattern || s == w->s_expression_list ||
             s == w->s_parenthesized || s == w->s_as_pattern_target) {
    uint32_t n = ts_node_named_child_count(t);
    for (uint32_t i = 0; i < n; i++) ps_summary__bind_targets(k, ts_node_named_child(t, i), scope_override, depth + 1);
  }
}

void ps_summary__push_frame(PsWalker *w, TSNode n, unsigned guards, uint32_t line, uint16_t below,
                            const char *scope, bool is_def) {
  if (ts_node_is_null(n)) return;
  Frame f = {ts_node_start_byte(n), ts_node_end_byte(n), guards, line, below, scope, is_def};
  array_push(&w->frames, f);
}

/* ---- imports ------------------------------------------------------------------ */

static void add_import(Walk *k, PsImportKind kind, const char *module, const char *name,
                       const char *alias, int level, TSNode mod_node, TSNode name_node) {
  PsImport im = {0};
  im.kind = kind;
  im.module = module;
  im.name = name;
  im.alias = alias;
  im.level = level;
  im.start = ts_node_start_byte(mod_node);
  im.end = ts_node_end_byte(mod_node);
  if (!ts_node_is_null(name_node)) {
    im.name_start = ts_node_start_byte(name_node);
    im.name_end = ts_node_end_byte(name_node);
  }
  const char *scope;
  uint16_t below;
  ps_summary__active_context(k, im.start, &im.guards, &im.guard_line, &below, &scope, &im.module_level);
  im.version_below = below;
  im.scope = scope;
  array_push(&k->out->imports, im);
  /* The local name the statement binds, and what it stands for. */
  const char *local = NULL, *target = NULL;
  if (kind == PS_IMPORT_MODULE) {
    if (alias) {
      local = alias;
      target = module;
    } else {
      const char *dot = strchr(module, '.');
      local = dot ? ps_arena_strndup(k->arena, module, (size_t)(dot - module)) : module;
      target = local;
    }
  } else if (kind == PS_IMPORT_FROM && strcmp(name, "*") != 0) {
    local = alias ? alias : name;
    target = level ? NULL : ps_arena_sprintf(k->arena, "%s.%s", module, name);
  }
  if (local) {
    PsBinding b = {target ? PS_BIND_IMPORT : PS_BIND_OTHER, local, scope, target, im.guards, im.version_below};
    array_push(&k->out->bindings, b);
    if (target) {
      array_push(&k->w->imported, local);
      ps_strmap_put(&k->w->imported_set, local, 1, true);
    }
  }
}

void ps_summary__visit_import(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == w->s_dotted) {
      const char *m = ps_summary__dotted(k, c);
      if (m) add_import(k, PS_IMPORT_MODULE, m, NULL, NULL, 0, c, (TSNode){0});
    } else if (s == w->s_aliased) {
      TSNode nm = ts_node_child_by_field_id(c, w->f_name);
      TSNode al = ts_node_child_by_field_id(c, w->f_alias);
      const char *m = ts_node_is_null(nm) ? NULL : ps_summary__dotted(k, nm);
      const char *a = ts_node_is_null(al) ? NULL : ps_summary__dotted(k, al);
      if (m) add_import(k, PS_IMPORT_MODULE, m, NULL, a, 0, nm, (TSNode){0});
    }
  }
}

void ps_summary__visit_import_from(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode mod = ts_node_child_by_field_id(n, w->f_module_name);
  if (ts_node_is_null(mod)) return;
  const char *module = "";
  int level = 0;
  TSNode mod_report = mod;
  if (ts_node_symbol(mod) == w->s_relative) {
    uint32_t rc = ts_node_named_child_count(mod);
    for (uint32_t i = 0; i < rc; i++) {
      TSNode c = ts_node_named_child(mod, i);
      if (ts_node_symbol(c) == w->s_prefix) {
        level = (int)(ts_node_end_byte(c) - ts_node_start_byte(c));
      } else if (ts_node_symbol(c) == w->s_dotted) {
        const char *m = ps_summary__dotted(k, c);
        if (m) module = m;
      }
    }
    if (level == 0) level = 1;
  } else {
    const char *m = ps_summary__dotted(k, mod);
    if (!m) return;
    module = m;
  }
  uint32_t nc = ts_node_named_child_count(n);
  bool any = false;
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_start_byte(c) <= ts_node_start_byte(mod)) continue; /* the module itself */
    TSSymbol s = ts_node_symbol(c);
    if (s == w->s_dotted) {
      const char *nm = ps_summary__dotted(k, c);
      if (nm) add_import(k, PS_IMPORT_FROM, module, nm, NULL, level, mod_report, c), any = true;
    } else if (s == w->s_aliased) {
      TSNode nm = ts_node_child_by_field_id(c, w->f_name);
      TSNode al = ts_node_child_by_field_id(c, w->f_alias);
      const char *a = ts_node_is_null(nm) ? NULL : ps_summary__dotted(k, nm);
      const char *b = ts_node_is_null(al) ? NULL : ps_summary__dotted(k, al);
      if (a) add_import(k, PS_IMPORT_FROM, module, a, b, level, mod_report, nm), any = true;
    } else if (s == w->s_wildcard) {
      add_import(k, PS_IMPORT_FROM, module, "*", NULL, level, mod_report, c), any = true;
    }
  }
  (void)any;
}
