/* summary_defs.c: the summary walk's definitions and uses: defs and their
 * parameters, calls and keyword arguments, attribute and name reads,
 * mutations and assignments, dynamic imports resolved after the walk, and
 * annotations (see summary.c).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/summary_internal.h"

/* Binds a function's parameters in the function's own scope. */
static void bind_parameters(Walk *k, TSNode params, const char *fn_scope) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(params)) return;
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i);
    TSSymbol s = ts_node_symbol(p);
    if (s == w->s_identifier) {
      ps_summary__bind_targets(k, p, fn_scope, 0);
    } else if (s == w->s_default_parameter || s == w->s_typed_default_parameter) {
      ps_summary__bind_targets(k, ts_node_child_by_field_id(p, w->f_name), fn_scope, 0);
    } else if (s == w->s_typed_parameter || s == w->s_list_splat_pattern || s == w->s_dict_splat_pattern) {
      for (uint32_t j = 0; j < ts_node_named_child_count(p); j++) {
        TSNode c = ts_node_named_child(p, j);
        TSSymbol cs = ts_node_symbol(c);
        if (cs == w->s_identifier) ps_summary__bind_targets(k, c, fn_scope, 0);
        else if (cs == w->s_list_splat_pattern || cs == w->s_dict_splat_pattern)
          ps_summary__bind_targets(k, ts_node_named_child(c, 0), fn_scope, 0);
      }
    }
  }
}

void ps_summary__visit_def(Walk *k, TSNode n, PsDefKind kind) {
  PsWalker *w = k->w;
  TSNode name = ts_node_child_by_field_id(n, w->f_name);
  if (ts_node_is_null(name)) return;
  ps_summary__skip_decorators(k, n);
  uint32_t len;
  const char *t = ps_source_node_text(k->src, name, &len);
  bool module_level;
  const char *scope = ps_summary__scope_at(k, ts_node_start_byte(n), &module_level);
  const char *q = scope[0] ? ps_arena_sprintf(k->arena, "%s.%.*s", scope, (int)len, t)
                           : ps_arena_strndup(k->arena, t, len);
  PsDef d = {kind, q, ts_node_start_byte(n), ts_node_end_byte(n), module_level, ""};
  if (kind == PS_DEF_CLASS) {
    TSNode sup = ts_node_child_by_field_id(n, w->f_superclasses);
    if (!ts_node_is_null(sup)) {
      PsBuf b = PS_BUF_INIT;
      uint32_t nb = ts_node_named_child_count(sup);
      for (uint32_t i = 0; i < nb; i++) {
        const char *base = ps_summary__dotted(k, ts_node_named_child(sup, i));
        if (base) ps_buf_printf(&b, "%s%s", b.len ? "," : "", base);
      }
      if (b.len) d.bases = ps_arena_strndup(k->arena, b.data, b.len);
      ps_buf_free(&b);
    }
  }
  array_push(&k->out->defs, d);
  ps_summary__add_binding(k, PS_BIND_OTHER, ps_arena_strndup(k->arena, t, len), NULL, ts_node_start_byte(n), NULL);
  if (kind == PS_DEF_FUNCTION) bind_parameters(k, ts_node_child_by_field_id(n, w->f_parameters), q);
  ps_summary__push_frame(w, ts_node_child_by_field_id(n, w->f_body), 0, 0, 0, q, kind == PS_DEF_FUNCTION);
}

static bool is_mutating_method(const char *m) {
  static const char *const M[] = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update",
                                  "setdefault", "add", "discard", "appendleft", "extendleft", "sort", "reverse",
                                  "__setitem__", "__delitem__", NULL};
  for (const char *const *p = M; *p; p++)
    if (!strcmp(*p, m)) return true;
  return false;
}

/* Is n, whose parent is `parent`, written rather than read: the target of
 * `=`/`+=` (first child), part of a tuple or list target, or `del`-eted? */
static bool is_store_target(const Walk *k, TSNode parent, TSNode n) {
  const PsWalker *w = k->w;
  TSSymbol ps = ts_node_symbol(parent);
  if ((ps == w->s_assignment || ps == w->s_augmented) && ts_node_start_byte(parent) == ts_node_start_byte(n))
    return true;
  return ps == w->s_delete || ps == w->s_pattern_list || ps == w->s_tuple_pattern || ps == w->s_list_pattern;
}

/* Adds a reference read at node n, with its scope and guards. */
static void push_ref(Walk *k, const char *chain, TSNode n) {
  PsRef r = {chain, ts_node_start_byte(n), ts_node_end_byte(n), "", 0, 0};
  uint32_t guard_line;
  bool module_level;
  ps_summary__active_context(k, r.start, &r.guards, &guard_line, &r.version_below, &r.scope, &module_level);
  array_push(&k->out->refs, r);
}

/* Records outermost attribute chains (`a.b.c`, not its inner `a.b`). */
void ps_summary__visit_attribute(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ps_summary__ancestor(k, 0);
  /* The object of an attribute is its first child: same start byte. */
  if (!ts_node_is_null(parent) && ts_node_symbol(parent) == w->s_attribute &&
      ts_node_start_byte(parent) == ts_node_start_byte(n))
    return;
  /* A store (`x.y = v`, `x.y += v`, `del x.y`) is not a use. */
  if (ts_node_is_null(parent) || is_store_target(k, parent, n)) return;
  const char *chain = ps_summary__dotted(k, n);
  if (chain) push_ref(k, chain, n);
}

/* Records a bare name read (`fmt(...)`, `x = makeSuite`) when an import
 * bound that name earlier in the file: only such names can stand for a
 * removed API. Definitions, parameters, keyword names, attribute parts and
 * assignment targets are not reads. */
void ps_summary__visit_identifier(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  if (!w->imported.size) return;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (!ps_strmap_find(&w->imported_set, t, len, NULL)) return;
  TSNode parent = ps_summary__ancestor(k, 0);
  if (ts_node_is_null(parent)) return;
  TSSymbol ps = ts_node_symbol(parent);
  /* Names that define rather than read: attribute parts, def and class
   * names, parameters, global declarations, import names, keyword names. */
  if (ps == w->s_attribute || ps == w->s_func || ps == w->s_class || ps == w->s_parameters ||
      ps == w->s_default_parameter || ps == w->s_typed_parameter || ps == w->s_typed_default_parameter ||
      ps == w->s_global || ps == w->s_dotted || ps == w->s_aliased || ps == w->s_as_pattern_target ||
      ps == w->s_list_splat_pattern || ps == w->s_dict_splat_pattern ||
      (ps == w->s_keyword_argument && ts_node_start_byte(parent) == ts_node_start_byte(n)) ||
      (ps == w->s_for && ts_node_eq(ts_node_child_by_field_id(parent, w->f_left), n)) ||
      is_store_target(k, parent, n))
    return;
  push_ref(k, ps_arena_strndup(k->arena, t, len), n);
}

void ps_summary__visit_call(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  TSNode fn = ts_node_child_by_field_id(n, w->f_function);
  if (ts_node_is_null(fn)) return;
  const char *callee = ps_summary__dotted(k, fn);
  if (!callee) return;
  bool module_level;
  const char *scope = ps_summary__scope_at(k, ts_node_start_byte(n), &module_level);
  PsCall c = {callee, ts_node_start_byte(n), ts_node_end_byte(n), scope, ts_node_start_byte(fn), ts_node_end_byte(fn),
              0, 0};
  {
    uint32_t gl;
    const char *sc;
    bool ml;
    ps_summary__active_context(k, c.start, &c.guards, &gl, &c.version_below, &sc, &ml);
  }
  uint32_t call_index = (uint32_t)k->out->calls.size;
  array_push(&k->out->calls, c);
  TSNode argl = ts_node_child_by_field_id(n, w->f_arguments);
  if ((w->needs & PS_NEED_KWARGS) && !ts_node_is_null(argl) && ts_node_symbol(argl) == w->s_argument_list) {
    uint32_t na = ts_node_named_child_count(argl);
    for (uint32_t i = 0; i < na; i++) {
      TSNode a = ts_node_named_child(argl, i);
      if (ts_node_symbol(a) != w->s_keyword_argument) continue;
      TSNode kn = ts_node_child_by_field_id(a, w->f_name);
      if (ts_node_is_null(kn)) continue;
      uint32_t kl;
      const char *kt = ps_source_node_text(k->src, kn, &kl);
      PsKwarg kw = {call_index, ps_arena_strndup(k->arena, kt, kl), ts_node_start_byte(a), ts_node_end_byte(a)};
      array_push(&k->out->kwargs, kw);
    }
  }
  const char *dot = strrchr(callee, '.');
  if ((w->needs & PS_NEED_MUTATIONS) && dot && is_mutating_method(dot + 1)) {
    PsMutation m = {PS_MUT_METHOD, ps_arena_strndup(k->arena, callee, (size_t)(dot - callee)), c.start, c.end, scope};
    array_push(&k->out->mutations, m);
  }
  /* Candidate dynamic import: first positional argument is a plain string. */
  const char *last = strrchr(callee, '.');
  last = last ? last + 1 : callee;
  if (strcmp(last, "__import__") && strcmp(callee, "import_module") && strcmp(last, "import_module")) {
    if (!strchr(callee, '.')) {
      /* A bare name may be `from importlib import import_module as x`:
       * keep it if the first argument is a string; resolved after the walk. */
    } else {
      return;
    }
  }
  TSNode args = ts_node_child_by_field_id(n, w->f_arguments);
  if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return;
  TSNode a0 = ts_node_named_child(args, 0);
  uint32_t s, e;
  const char *val = ps_summary__string_value(k, a0, &s, &e);
  if (!val || !val[0]) return;
  array_push(&w->dyn, c);
  array_push(&w->dyn_arg, ((DynArg){val, s, e}));
}

void ps_summary__add_mutation(Walk *k, PsMutationKind kind, const char *target, TSNode n) {
  if (!target) return;
  bool module_level;
  const char *scope = ps_summary__scope_at(k, ts_node_start_byte(n), &module_level);
  PsMutation m = {kind, target, ts_node_start_byte(n), ts_node_end_byte(n), scope};
  array_push(&k->out->mutations, m);
}

/* The dotted base written through by an assignment target: `d` for d[k],
 * `self.items` for self.items[k], `obj` for obj.attr; NULL for plain names
 * (a binding, not a mutation) and anything else. */
static const char *mutated_base(Walk *k, TSNode target, PsMutationKind *kind) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(target);
  if (s == w->s_subscript) {
    *kind = PS_MUT_SUBSCRIPT;
    return ps_summary__dotted(k, ts_node_child_by_field_id(target, w->f_value));
  }
  if (s == w->s_attribute) {
    *kind = PS_MUT_ATTRIBUTE;
    return ps_summary__dotted(k, ts_node_child_by_field_id(target, w->f_object));
  }
  return NULL;
}

void ps_summary__visit_assignment(Walk *k, TSNode n, bool augmented) {
  const PsWalker *w = k->w;
  TSNode left = ts_node_child_by_field_id(n, w->f_left);
  if (ts_node_is_null(left)) return;
  PsMutationKind kind = PS_MUT_AUGASSIGN;
  if (augmented) {
    const char *t = ts_node_symbol(left) == w->s_identifier ? ps_summary__dotted(k, left) : NULL;
    if (!t) {
      PsMutationKind ignored;
      t = mutated_base(k, left, &ignored);
      if (ts_node_symbol(left) == w->s_attribute) t = ps_summary__dotted(k, left);
    }
    ps_summary__add_mutation(k, PS_MUT_AUGASSIGN, t, n);
    return;
  }
  const char *base = mutated_base(k, left, &kind);
  if (base) {
    ps_summary__add_mutation(k, kind, kind == PS_MUT_ATTRIBUTE ? ps_summary__dotted(k, left) : base, n);
    return;
  }
  /* `x = callee(...)` remembers the callee for receiver inference; any
   * other plain-name target is a binding that shadows imports. */
  TSNode right = ts_node_child_by_field_id(n, w->f_right);
  if (ts_node_symbol(left) == w->s_identifier && !ts_node_is_null(right) && ts_node_symbol(right) == w->s_call) {
    const char *callee = ps_summary__dotted(k, ts_node_child_by_field_id(right, w->f_function));
    uint32_t len;
    const char *t = ps_source_node_text(k->src, left, &len);
    ps_summary__add_binding(k, callee ? PS_BIND_CALL : PS_BIND_OTHER, ps_arena_strndup(k->arena, t, len), callee,
                ts_node_start_byte(n), NULL);
  } else {
    ps_summary__bind_targets(k, left, NULL, 0);
  }
  /* Module-level bindings: `x = ...` with a plain name. */
  TSNode grand = ps_summary__ancestor(k, 1);
  if (ts_node_symbol(left) == w->s_identifier && !ts_node_is_null(grand) && ts_node_symbol(grand) == w->s_module) {
    uint32_t len;
    const char *t = ps_source_node_text(k->src, left, &len);
    PsDef d = {PS_DEF_ASSIGN, ps_arena_strndup(k->arena, t, len), ts_node_start_byte(n), ts_node_end_byte(n), true, ""};
    array_push(&k->out->defs, d);
  }
}

/* Is `callee` importlib.import_module or __import__ given this file's imports? */
static bool is_dynamic_import(const PsSummary *s, const char *callee) {
  if (!strcmp(callee, "__import__") || !strcmp(callee, "builtins.__import__") ||
      !strcmp(callee, "importlib.__import__"))
    return true;
  const char *dot = strrchr(callee, '.');
  for (size_t i = 0; i < s->imports.size; i++) {
    const PsImport *im = &s->imports.items[i];
    if (im->level) continue;
    if (dot) {
      /* X.import_module with X bound to importlib. */
      if (strcmp(dot + 1, "import_module") != 0) return false;
      size_t xl = (size_t)(dot - callee);
      if (im->kind == PS_IMPORT_MODULE && !strcmp(im->module, "importlib")) {
        const char *bound = im->alias ? im->alias : "importlib";
        if (strlen(bound) == xl && !strncmp(bound, callee, xl)) return true;
      }
      if (im->kind == PS_IMPORT_MODULE && !im->alias && !strncmp(callee, "importlib.", 10) &&
          ps_str_starts_with(im->module, "importlib"))
        return true;
    } else if (im->kind == PS_IMPORT_FROM && !strcmp(im->module, "importlib") &&
               !strcmp(im->name, "import_module")) {
      const char *bound = im->alias ? im->alias : "import_module";
      if (!strcmp(bound, callee)) return true;
    }
  }
  return false;
}

void ps_summary__resolve_dynamic(Walk *k) {
  PsWalker *w = k->w;
  /* Bare callees (`f("x")`) are most candidates: only `import_module`
   * imported from importlib under some name makes one dynamic. */
  bool bare_possible = false;
  for (size_t i = 0; i < k->out->imports.size && !bare_possible; i++) {
    const PsImport *im = &k->out->imports.items[i];
    bare_possible = im->kind == PS_IMPORT_FROM && !im->level && !strcmp(im->module, "importlib") &&
                    !strcmp(im->name, "import_module");
  }
  for (size_t i = 0; i < w->dyn.size; i++) {
    const PsCall *c = &w->dyn.items[i];
    if (ps_deadline_poll(w->deadline)) return;
    if (!strchr(c->callee, '.') && !bare_possible && strcmp(c->callee, "__import__")) continue;
    if (!is_dynamic_import(k->out, c->callee)) continue;
    const char *val = w->dyn_arg.items[i].value;
    uint32_t s = w->dyn_arg.items[i].start, e = w->dyn_arg.items[i].end;
    int level = 0;
    while (val[level] == '.') level++;
    PsImport im = {0};
    im.kind = PS_IMPORT_DYNAMIC;
    im.module = val + level;
    im.level = level;
    im.start = s;
    im.end = e;
    const char *scope;
    uint16_t below = 0;
    /* Frames are gone after the walk: guards of dynamic imports are not
     * tracked (they are rare and explicit). */
    (void)scope;
    im.version_below = below;
    im.module_level = c->scope[0] == '\0';
    array_push(&k->out->imports, im);
  }
}

/* The innermost def or class body at pos: is it a def's? */
static bool in_def_body(const Walk *k, uint32_t pos) {
  const PsWalker *w = k->w;
  bool def = false;
  for (size_t i = 0; i < w->frames.size; i++) {
    const Frame *f = &w->frames.items[i];
    if (f->scope && pos >= f->start && pos < f->end) def = f->is_def;
  }
  return def;
}

static bool has_quote(const Walk *k, TSNode n) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return memchr(k->src->text + a, '"', b - a) || memchr(k->src->text + a, '\'', b - a);
}

static void add_annotation(Walk *k, PsAnnotationKind kind, TSNode n, bool local) {
  bool module_level;
  PsAnnotation a = {kind, ts_node_start_byte(n), ts_node_end_byte(n), ps_summary__scope_at(k, ts_node_start_byte(n), &module_level),
                    local, has_quote(k, n)};
  array_push(&k->out->annotations, a);
}

/* A `type` node: a parameter, return or variable annotation? */
void ps_summary__visit_type(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ps_summary__ancestor(k, 0);
  if (ts_node_is_null(parent)) return;
  TSSymbol ps = ts_node_symbol(parent);
  if (ps == w->s_typed_parameter || ps == w->s_typed_default_parameter) add_annotation(k, PS_ANN_PARAMETER, n, false);
  else if (ps == w->s_func) add_annotation(k, PS_ANN_RETURN, n, false);
  else if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(parent, w->f_type), n))
    add_annotation(k, PS_ANN_VARIABLE, n, in_def_body(k, ts_node_start_byte(n)));
}

/* A string that holds a type: the first argument of cast(), or the value
 * of `X: TypeAlias = "..."`. */
void ps_summary__visit_type_string(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ps_summary__ancestor(k, 0), gp = ps_summary__ancestor(k, 1);
  if (ts_node_is_null(parent)) return;
  TSSymbol ps = ts_node_symbol(parent);
  if (ps == w->s_argument_list && !ts_node_is_null(gp) && ts_node_symbol(gp) == w->s_call &&
      ts_node_eq(ts_node_named_child(parent, 0), n)) {
    TSNode fn = ts_node_child_by_field_id(gp, w->f_function);
    if (ts_node_symbol(fn) == w->s_attribute) fn = ts_node_child_by_field_id(fn, w->f_attribute);
    if (ps_summary__text_is(k, fn, "cast")) add_annotation(k, PS_ANN_TYPE_STRING, n, false);
  } else if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(parent, w->f_right), n)) {
    TSNode ty = ts_node_child_by_field_id(parent, w->f_type);
    uint32_t l = 0;
    const char *t = ts_node_is_null(ty) ? "" : ps_source_node_text(k->src, ty, &l);
    if (!ts_node_is_null(ty) && l >= 9 && !memcmp(t + l - 9, "TypeAlias", 9))
      add_annotation(k, PS_ANN_TYPE_STRING, n, false);
  }
}
