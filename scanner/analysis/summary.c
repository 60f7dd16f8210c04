/* summary.c: the one walk per file that fills PsSummary.
 *
 * A pre-order TSTreeCursor walk dispatches on node symbols resolved once per
 * worker. Context that changes how an import behaves (a try whose handler
 * catches ImportError, an `if sys.version_info < (3, N)` branch, `if
 * TYPE_CHECKING`, the enclosing def) is kept as a stack of byte-range frames:
 * frames for sibling branches are pushed in reverse order so the stack top is
 * always the next range to close.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/walk_ft.h"

typedef struct Frame {
  uint32_t start, end;
  unsigned guards;
  uint32_t line;
  uint16_t below;    /* VERSION_OLD: the branch runs only below this 3.x minor*100 */
  const char *scope; /* non-NULL for def/class bodies */
  bool is_def;       /* function body (not class) */
} Frame;

/* The string argument of a candidate dynamic import, read during the walk
 * (looking it up afterwards from the root cost a descent per call). */
typedef struct DynArg {
  const char *value;
  uint32_t start, end;
} DynArg;

struct PsWalker {
  const TSLanguage *lang;
  TSSymbol s_import, s_import_from, s_future, s_call, s_func, s_class, s_try, s_if, s_except,
      s_dotted, s_aliased, s_relative, s_prefix, s_wildcard, s_identifier, s_attribute, s_string,
      s_string_content, s_interpolation, s_tuple, s_comparison, s_integer, s_subscript, s_block,
      s_elif, s_else, s_assignment, s_expression_statement, s_decorated, s_not, s_parenthesized,
      s_argument_list, s_slice, s_boolean_op, s_augmented, s_global, s_delete, s_module, s_parameters,
      s_default_parameter, s_typed_parameter, s_typed_default_parameter, s_list_splat_pattern,
      s_dict_splat_pattern, s_pattern_list, s_tuple_pattern, s_list_pattern, s_for, s_with_item,
      s_as_pattern, s_as_pattern_target, s_keyword_argument, s_expression_list, s_list, s_type, s_comment,
      s_return, s_raise, s_conditional, s_decorator;
  TSFieldId f_name, f_alias, f_module_name, f_body, f_condition, f_consequence, f_alternative,
      f_value, f_function, f_arguments, f_left, f_object, f_attribute, f_argument, f_operators,
      f_superclasses, f_right, f_parameters, f_type;
  Array(Frame) frames;
  Array(TSNode) path; /* ancestors of the node being visited, root first */
  Array(const char *) imported; /* names bound by imports so far in this file */
  unsigned needs;     /* PS_NEED_* */
  Array(PsCall) dyn; /* candidate dynamic-import calls, resolved after the walk */
  Array(DynArg) dyn_arg; /* their string arguments */
  PsDeadline *deadline;
  PsFtWalker *ft;    /* PS_NEED_FT: made on first use */
};

static TSSymbol sym(const TSLanguage *l, const char *name) {
  return ts_language_symbol_for_name(l, name, (uint32_t)strlen(name), true);
}
static TSFieldId fld(const TSLanguage *l, const char *name) {
  return ts_language_field_id_for_name(l, name, (uint32_t)strlen(name));
}

PsWalker *ps_walker_new(void) {
  PsWalker *w = ps_xcalloc(1, sizeof *w);
  w->needs = PS_NEED_ALL;
  const TSLanguage *l = w->lang = ps_python_language();
  w->s_import = sym(l, "import_statement");
  w->s_import_from = sym(l, "import_from_statement");
  w->s_future = sym(l, "future_import_statement");
  w->s_call = sym(l, "call");
  w->s_func = sym(l, "function_definition");
  w->s_class = sym(l, "class_definition");
  w->s_try = sym(l, "try_statement");
  w->s_if = sym(l, "if_statement");
  w->s_except = sym(l, "except_clause");
  w->s_dotted = sym(l, "dotted_name");
  w->s_aliased = sym(l, "aliased_import");
  w->s_relative = sym(l, "relative_import");
  w->s_prefix = sym(l, "import_prefix");
  w->s_wildcard = sym(l, "wildcard_import");
  w->s_identifier = sym(l, "identifier");
  w->s_attribute = sym(l, "attribute");
  w->s_string = sym(l, "string");
  w->s_string_content = sym(l, "string_content");
  w->s_interpolation = sym(l, "interpolation");
  w->s_tuple = sym(l, "tuple");
  w->s_comparison = sym(l, "comparison_operator");
  w->s_integer = sym(l, "integer");
  w->s_subscript = sym(l, "subscript");
  w->s_block = sym(l, "block");
  w->s_elif = sym(l, "elif_clause");
  w->s_else = sym(l, "else_clause");
  w->s_assignment = sym(l, "assignment");
  w->s_expression_statement = sym(l, "expression_statement");
  w->s_decorated = sym(l, "decorated_definition");
  w->s_not = sym(l, "not_operator");
  w->s_parenthesized = sym(l, "parenthesized_expression");
  w->s_argument_list = sym(l, "argument_list");
  w->s_slice = sym(l, "slice");
  w->s_boolean_op = sym(l, "boolean_operator");
  w->s_augmented = sym(l, "augmented_assignment");
  w->s_global = sym(l, "global_statement");
  w->s_delete = sym(l, "delete_statement");
  w->s_module = sym(l, "module");
  w->s_parameters = sym(l, "parameters");
  w->s_default_parameter = sym(l, "default_parameter");
  w->s_typed_parameter = sym(l, "typed_parameter");
  w->s_typed_default_parameter = sym(l, "typed_default_parameter");
  w->s_list_splat_pattern = sym(l, "list_splat_pattern");
  w->s_dict_splat_pattern = sym(l, "dictionary_splat_pattern");
  w->s_pattern_list = sym(l, "pattern_list");
  w->s_tuple_pattern = sym(l, "tuple_pattern");
  w->s_list_pattern = sym(l, "list_pattern");
  w->s_for = sym(l, "for_statement");
  w->s_with_item = sym(l, "with_item");
  w->s_as_pattern = sym(l, "as_pattern");
  w->s_as_pattern_target = sym(l, "as_pattern_target");
  w->s_keyword_argument = sym(l, "keyword_argument");
  w->s_expression_list = sym(l, "expression_list");
  w->s_list = sym(l, "list");
  w->f_name = fld(l, "name");
  w->f_alias = fld(l, "alias");
  w->f_module_name = fld(l, "module_name");
  w->f_body = fld(l, "body");
  w->f_condition = fld(l, "condition");
  w->f_consequence = fld(l, "consequence");
  w->f_alternative = fld(l, "alternative");
  w->f_value = fld(l, "value");
  w->f_function = fld(l, "function");
  w->f_arguments = fld(l, "arguments");
  w->f_left = fld(l, "left");
  w->f_object = fld(l, "object");
  w->f_attribute = fld(l, "attribute");
  w->f_argument = fld(l, "argument");
  w->f_operators = fld(l, "operators");
  w->f_superclasses = fld(l, "superclasses");
  w->f_right = fld(l, "right");
  w->f_parameters = fld(l, "parameters");
  w->f_type = fld(l, "type");
  w->s_type = sym(l, "type");
  w->s_comment = sym(l, "comment");
  w->s_return = sym(l, "return_statement");
  w->s_raise = sym(l, "raise_statement");
  w->s_conditional = sym(l, "conditional_expression");
  w->s_decorator = sym(l, "decorator");
  return w;
}

void ps_walker_delete(PsWalker *self) {
  if (!self) return;
  array_free(&self->frames);
  array_free(&self->path);
  array_free(&self->imported);
  array_free(&self->dyn);
  array_free(&self->dyn_arg);
  ps_ft_walk__delete(self->ft);
  free(self);
}

void ps_summary_init(PsSummary *self) {
  array_init(&self->imports);
  array_init(&self->defs);
  array_init(&self->calls);
  array_init(&self->mutations);
  array_init(&self->kwargs);
  array_init(&self->refs);
  array_init(&self->bindings);
  array_init(&self->annotations);
  array_init(&self->guard_ranges);
  self->bind_slots = NULL;
  self->bind_cap = 0;
  array_init(&self->bind_next);
  self->ft = NULL;
}

void ps_summary_free(PsSummary *self) {
  array_free(&self->imports);
  array_free(&self->defs);
  array_free(&self->calls);
  array_free(&self->mutations);
  array_free(&self->kwargs);
  array_free(&self->refs);
  array_free(&self->bindings);
  array_free(&self->annotations);
  array_free(&self->guard_ranges);
  free(self->bind_slots);
  array_free(&self->bind_next);
  ps_ft_raw__free(self->ft);
  self->ft = NULL;
}

/* ---- helpers ------------------------------------------------------------------ */

/* A module-level version flag: `PY38_PLUS = sys.version_info >= (3, 8)`,
 * assigned once; an `if PY38_PLUS:` reads as the comparison. */
typedef struct VersionFlag {
  const char *name;
  uint64_t t, f;
} VersionFlag;
#define MAX_VERSION_FLAGS 16

typedef struct Walk {
  PsWalker *w;
  const PsSource *src;
  PsArena *arena;
  PsSummary *out;
  VersionFlag flags[MAX_VERSION_FLAGS];
  unsigned n_flags;
} Walk;

static bool text_is(const Walk *k, TSNode n, const char *s) {
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  return len == strlen(s) && memcmp(t, s, len) == 0;
}

/* Dotted text of a dotted_name / identifier / attribute chain without
 * whitespace; NULL if the node is anything else. */
static const char *dotted(const Walk *k, TSNode n) {
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

/* True if a string literal's prefix (the letters before its quote) makes
 * it an f-string or a t-string. */
static bool is_interpolated(const char *t, uint32_t n) {
  for (uint32_t i = 0; i < n && i < 3 && t[i] != '"' && t[i] != '\''; i++)
    if (t[i] == 'f' || t[i] == 'F' || t[i] == 't' || t[i] == 'T') return true;
  return false;
}

/* The value of a plain string literal (no interpolation, no escapes
 * needed for module names), or NULL. */
static const char *string_value(const Walk *k, TSNode n, uint32_t *start, uint32_t *end) {
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

static void active_context(const Walk *k, uint32_t pos, unsigned *guards, uint32_t *guard_line,
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
static const char *scope_at(const Walk *k, uint32_t pos, bool *module_level) {
  unsigned guards;
  uint32_t guard_line;
  uint16_t below;
  const char *scope;
  active_context(k, pos, &guards, &guard_line, &below, &scope, module_level);
  return scope;
}

/* The ancestor `up` levels above the node being visited (0: its parent). */
static TSNode ancestor(const Walk *k, size_t up) {
  const PsWalker *w = k->w;
  return up < w->path.size ? w->path.items[w->path.size - 1 - up] : (TSNode){0};
}

static void pop_frames(PsWalker *w, uint32_t pos) {
  while (w->frames.size && array_last(&w->frames)->end <= pos) w->frames.size--;
}

static void add_binding(Walk *k, PsBindingKind kind, const char *name, const char *target, uint32_t pos,
                        const char *scope_override) {
  if (!name || !*name || !(k->w->needs & PS_NEED_BINDINGS)) return;
  bool module_level;
  PsBinding b = {kind, name, scope_at(k, pos, &module_level), target, 0, 0};
  uint32_t gl;
  const char *sc;
  active_context(k, pos, &b.guards, &gl, &b.version_below, &sc, &module_level);
  if (scope_override) b.scope = scope_override;
  array_push(&k->out->bindings, b);
}

/* Binds every plain name a target binds: `a`, `a, b`, `(a, [b, *c])`. */
static void bind_targets(Walk *k, TSNode t, const char *scope_override, int depth) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(t) || depth > 32) return;
  TSSymbol s = ts_node_symbol(t);
  if (s == w->s_identifier) {
    uint32_t len;
    const char *txt = ps_source_node_text(k->src, t, &len);
    add_binding(k, PS_BIND_OTHER, ps_arena_strndup(k->arena, txt, len), NULL, ts_node_start_byte(t), scope_override);
  } else if (s == w->s_pattern_list || s == w->s_tuple_pattern || s == w->s_list_pattern || s == w->s_tuple ||
             s == w->s_list || s == w->s_list_splat_pattern || s == w->s_expression_list ||
             s == w->s_parenthesized || s == w->s_as_pattern_target) {
    uint32_t n = ts_node_named_child_count(t);
    for (uint32_t i = 0; i < n; i++) bind_targets(k, ts_node_named_child(t, i), scope_override, depth + 1);
  }
}

static void push_frame(PsWalker *w, TSNode n, unsigned guards, uint32_t line, uint16_t below,
                       const char *scope, bool is_def) {
  if (ts_node_is_null(n)) return;
  Frame f = {ts_node_start_byte(n), ts_node_end_byte(n), guards, line, below, scope, is_def};
  array_push(&w->frames, f);
}

static uint32_t line_of(const Walk *k, TSNode n) { return ts_node_start_point(n).row + 1; }

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
  active_context(k, im.start, &im.guards, &im.guard_line, &below, &scope, &im.module_level);
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
    if (target) array_push(&k->w->imported, local);
  }
}

static void visit_import(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == w->s_dotted) {
      const char *m = dotted(k, c);
      if (m) add_import(k, PS_IMPORT_MODULE, m, NULL, NULL, 0, c, (TSNode){0});
    } else if (s == w->s_aliased) {
      TSNode nm = ts_node_child_by_field_id(c, w->f_name);
      TSNode al = ts_node_child_by_field_id(c, w->f_alias);
      const char *m = ts_node_is_null(nm) ? NULL : dotted(k, nm);
      const char *a = ts_node_is_null(al) ? NULL : dotted(k, al);
      if (m) add_import(k, PS_IMPORT_MODULE, m, NULL, a, 0, nm, (TSNode){0});
    }
  }
}

static void visit_import_from(Walk *k, TSNode n) {
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
        const char *m = dotted(k, c);
        if (m) module = m;
      }
    }
    if (level == 0) level = 1;
  } else {
    const char *m = dotted(k, mod);
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
      const char *nm = dotted(k, c);
      if (nm) add_import(k, PS_IMPORT_FROM, module, nm, NULL, level, mod_report, c), any = true;
    } else if (s == w->s_aliased) {
      TSNode nm = ts_node_child_by_field_id(c, w->f_name);
      TSNode al = ts_node_child_by_field_id(c, w->f_alias);
      const char *a = ts_node_is_null(nm) ? NULL : dotted(k, nm);
      const char *b = ts_node_is_null(al) ? NULL : dotted(k, al);
      if (a) add_import(k, PS_IMPORT_FROM, module, a, b, level, mod_report, nm), any = true;
    } else if (s == w->s_wildcard) {
      add_import(k, PS_IMPORT_FROM, module, "*", NULL, level, mod_report, c), any = true;
    }
  }
  (void)any;
}

/* ---- guards ------------------------------------------------------------------- */

/* The PS_GUARD_TRY_* flags an except clause gives its try body. */
static unsigned handler_guards(Walk *k, TSNode except) {
  const PsWalker *w = k->w;
  TSNode v = ts_node_child_by_field_id(except, w->f_value);
  if (ts_node_is_null(v)) return PS_GUARD_TRY_BROAD; /* bare except */
  unsigned g = 0;
  /* value may be a name, an attribute, a tuple or several values. */
  uint32_t cc = ts_node_child_count(except);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(except, i);
    if (!ts_node_is_named(c) || ts_node_symbol(c) == w->s_block) continue;
    TSNode alias = ts_node_child_by_field_id(except, w->f_alias);
    if (!ts_node_is_null(alias) && ts_node_eq(alias, c)) continue;
    /* `except (A, B) as e:` parses as an as_pattern around the types. */
    if (ts_node_symbol(c) == w->s_as_pattern && ts_node_named_child_count(c)) c = ts_node_named_child(c, 0);
    TSSymbol s = ts_node_symbol(c);
    bool many = s == w->s_tuple || s == w->s_parenthesized;
    /* Every type of the tuple, however many (a cursor: ts_node_named_child
     * is linear in the index). */
    TSTreeCursor tc = ts_tree_cursor_new(c);
    bool more = many ? ts_tree_cursor_goto_first_child(&tc) : true;
    for (; more; more = many && ts_tree_cursor_goto_next_sibling(&tc)) {
      TSNode item = ts_tree_cursor_current_node(&tc);
      if (!ts_node_is_named(item)) continue;
      const char *d = dotted(k, item);
      if (!d) continue;
      const char *last = strrchr(d, '.');
      last = last ? last + 1 : d;
      if (!strcmp(last, "ImportError") || !strcmp(last, "ModuleNotFoundError")) g |= PS_GUARD_TRY_IMPORT_ERROR;
      if (!strcmp(last, "AttributeError")) g |= PS_GUARD_TRY_ATTRIBUTE_ERROR;
      if (!strcmp(last, "TypeError")) g |= PS_GUARD_TRY_TYPE_ERROR;
      /* A broad handler guards nothing a removal raises, but the statement
       * is still not unconditional (the TY rules' import placement). */
      if (!strcmp(last, "Exception") || !strcmp(last, "BaseException")) g |= PS_GUARD_TRY_BROAD;
    }
    ts_tree_cursor_delete(&tc);
  }
  return g;
}

/* Reads `(3, N)` / `(3, N, ...)`: returns N or -1. */
static int version_tuple(Walk *k, TSNode t) {
  const PsWalker *w = k->w;
  if (ts_node_symbol(t) != w->s_tuple || ts_node_named_child_count(t) < 1) return -1;
  TSNode a = ts_node_named_child(t, 0);
  if (ts_node_symbol(a) != w->s_integer || !text_is(k, a, "3")) return -1;
  if (ts_node_named_child_count(t) < 2) return 0;
  TSNode b = ts_node_named_child(t, 1);
  if (ts_node_symbol(b) != w->s_integer) return -1;
  uint32_t len;
  const char *s = ps_source_node_text(k->src, b, &len);
  if (len == 0 || len > 2) return -1;
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static bool is_version_info(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  if (ts_node_symbol(n) == w->s_subscript) n = ts_node_child_by_field_id(n, w->f_value);
  if (ts_node_is_null(n)) return false;
  const char *d = dotted(k, n);
  return d && (!strcmp(d, "sys.version_info") || !strcmp(d, "version_info"));
}

/* Is n `sys.version_info[0]` / `version_info.major` (the major version)? */
static bool is_version_major(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(n);
  if (s == w->s_subscript) {
    TSNode v = ts_node_child_by_field_id(n, w->f_value);
    if (ts_node_is_null(v) || !is_version_info(k, v)) return false;
    /* the index: the subscript's last named child */
    uint32_t nc = ts_node_named_child_count(n);
    TSNode idx = ts_node_named_child(n, nc - 1);
    return ts_node_symbol(idx) == w->s_integer && text_is(k, idx, "0");
  }
  if (s == w->s_attribute) {
    const char *d = dotted(k, n);
    return d && (!strcmp(d, "sys.version_info.major") || !strcmp(d, "version_info.major"));
  }
  return false;
}

static int small_int(Walk *k, TSNode n) {
  if (ts_node_symbol(n) != k->w->s_integer) return -1;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (len != 1 || t[0] < '0' || t[0] > '9') return -1;
  return t[0] - '0';
}

/* Classifies an if condition: 1 = the consequence runs only on old
 * Pythons (below 3.*ver; *ver == 0 means Python 2), 2 = only on new ones
 * (>= 3.*ver), 3 = TYPE_CHECKING, 0 none. Parentheses are looked through,
 * `not` flips the answer, and `A and B` keeps A's (or B's) answer since
 * the branch needs both. */
static int classify_condition(Walk *k, TSNode cond, int *ver) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return classify_condition(k, ts_node_named_child(cond, 0), ver);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    int r = classify_condition(k, ts_node_named_child(cond, 0), ver);
    return r == 1 ? 2 : r == 2 ? 1 : 0;
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2) {
    uint32_t len;
    bool is_and = false;
    for (uint32_t i = 0; i < ts_node_child_count(cond); i++) {
      TSNode c = ts_node_child(cond, i);
      if (ts_node_is_named(c)) continue;
      const char *t = ps_source_node_text(k->src, c, &len);
      is_and = len == 3 && !memcmp(t, "and", 3);
    }
    if (!is_and) return 0;
    int r = classify_condition(k, ts_node_named_child(cond, 0), ver);
    if (r == 1 || r == 2) return r;
    return classify_condition(k, ts_node_named_child(cond, 1), ver) == 1 ? 1 : 0;
  }
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = dotted(k, cond);
    if (d && (!strcmp(d, "TYPE_CHECKING") || !strcmp(d, "typing.TYPE_CHECKING"))) return 3;
    return 0;
  }
  if (s != w->s_comparison || ts_node_named_child_count(cond) != 2) return 0;
  TSNode lhs = ts_node_named_child(cond, 0), rhs = ts_node_named_child(cond, 1);
  /* The operator is the anonymous child between them. */
  char op[3] = {0};
  uint32_t cc = ts_node_child_count(cond);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(cond, i);
    if (ts_node_is_named(c)) continue;
    uint32_t len;
    const char *t = ps_source_node_text(k->src, c, &len);
    if (len <= 2) memcpy(op, t, len);
    break;
  }
  /* Python 2 checks: version_info[0] < 3, .major == 2, [0] >= 3 ... */
  int major;
  if (is_version_major(k, lhs) && (major = small_int(k, rhs)) >= 0) {
    bool py2 = (!strcmp(op, "<") && major == 3) || (!strcmp(op, "==") && major == 2) ||
               (!strcmp(op, "<=") && major == 2);
    bool py3 = (!strcmp(op, ">=") && major == 3) || (!strcmp(op, ">") && major == 2) ||
               (!strcmp(op, "==") && major == 3) || (!strcmp(op, "!=") && major == 2);
    if (py2) return *ver = 0, 1;
    if (py3) return *ver = 0, 2;
    return 0;
  }
  bool flipped = false;
  int v;
  if (is_version_info(k, lhs) && (v = version_tuple(k, rhs)) >= 0) {
  } else if (is_version_info(k, rhs) && (v = version_tuple(k, lhs)) >= 0) {
    flipped = true;
  } else {
    return 0;
  }
  /* Normalise to `version_info OP (3, v)`. */
  if (flipped) {
    if (!strcmp(op, "<")) strcpy(op, ">");
    else if (!strcmp(op, ">")) strcpy(op, "<");
    else if (!strcmp(op, "<=")) strcpy(op, ">=");
    else if (!strcmp(op, ">=")) strcpy(op, "<=");
  }
  if (!strcmp(op, "<")) return *ver = v, 1;
  if (!strcmp(op, ">=")) return *ver = v, 2;
  if (!strcmp(op, "<=")) return *ver = v + 1, 1; /* <= (3, 11) is < (3, 12) */
  if (!strcmp(op, ">")) return *ver = v + 1, 2;
  return 0;
}

/* ---- where code can run: version masks (PsGuardRange) ---------------------------- */

/* The minors on which a condition can be true (t) and can be false (f) at
 * run time. A test on the micro version can be either on its minor. */
typedef struct Masks {
  uint64_t t, f;
} Masks;

#define MASKS_UNKNOWN ((Masks){PS_RUNS_ALL, PS_RUNS_ALL})
enum { CMP_LT = 1, CMP_EQ = 2, CMP_GT = 4 };

/* A non-negative decimal literal of at most 4 digits, or -1. */
static int int_value(Walk *k, TSNode n) {
  if (ts_node_symbol(n) != k->w->s_integer) return -1;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (!len || len > 4) return -1;
  int v = 0;
  for (uint32_t i = 0; i < len; i++) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

/* What a version test compares: the version tuple cut to *len items
 * (`sys.version_info` is 5 long, `[:2]` 2), or the major or minor number. */
enum { SUBJ_NONE, SUBJ_TUPLE, SUBJ_MAJOR, SUBJ_MINOR };
static int version_subject(Walk *k, TSNode n, int *len) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(n);
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = dotted(k, n);
    if (!d) return SUBJ_NONE;
    size_t dl = strlen(d);
    if (!strcmp(d, "sys.version_info") || !strcmp(d, "version_info")) return *len = 5, SUBJ_TUPLE;
    if (dl > 6 && !strcmp(d + dl - 6, ".major") && is_version_info(k, ts_node_child_by_field_id(n, w->f_object)))
      return SUBJ_MAJOR;
    if (dl > 6 && !strcmp(d + dl - 6, ".minor") && is_version_info(k, ts_node_child_by_field_id(n, w->f_object)))
      return SUBJ_MINOR;
    return SUBJ_NONE;
  }
  if (s != w->s_subscript || ts_node_named_child_count(n) != 2) return SUBJ_NONE;
  TSNode v = ts_node_child_by_field_id(n, w->f_value), idx = ts_node_named_child(n, 1);
  if (ts_node_is_null(v) || ts_node_symbol(v) == w->s_subscript || !is_version_info(k, v)) return SUBJ_NONE;
  int i = int_value(k, idx);
  if (i == 0) return SUBJ_MAJOR;
  if (i == 1) return SUBJ_MINOR;
  if (ts_node_symbol(idx) != w->s_slice) return SUBJ_NONE;
  /* `[:N]` or `[0:N]` */
  uint32_t len0;
  const char *t = ps_source_node_text(k->src, idx, &len0);
  uint32_t a = 0;
  while (a < len0 && (t[a] == ' ' || t[a] == '0')) a++;
  if (a >= len0 || t[a] != ':') return SUBJ_NONE;
  int nn = 0;
  uint32_t digits = 0;
  for (a++; a < len0 && t[a] != ' '; a++, digits++) {
    if (t[a] < '0' || t[a] > '9' || digits > 2) return SUBJ_NONE;
    nn = nn * 10 + (t[a] - '0');
  }
  if (!digits || nn < 1) return SUBJ_NONE;
  *len = nn > 5 ? 5 : nn;
  return SUBJ_TUPLE;
}

/* Possible results of comparing Python 3.minor's version tuple, cut to
 * vlen items, with t[0..tn), from item i on: items 0 and 1 are known, the
 * micro version is any number, the release level a string (comparing it
 * with an int raises: anything). */
static unsigned tuple_cmp(int minor, int vlen, const int *t, int tn, int i) {
  for (;; i++) {
    if (i == vlen && i == tn) return CMP_EQ;
    if (i == vlen) return CMP_LT;
    if (i == tn) return CMP_GT;
    if (i == 2) return (t[2] > 0 ? CMP_LT : 0) | CMP_GT | tuple_cmp(minor, vlen, t, tn, 3);
    if (i > 2) return CMP_LT | CMP_EQ | CMP_GT;
    int v = i == 0 ? 3 : minor;
    if (v != t[i]) return v < t[i] ? CMP_LT : CMP_GT;
  }
}

/* `a OP b` where one side is a version subject; op already read. */
static Masks compare_masks(Walk *k, TSNode a, const char *op, TSNode b) {
  int len = 0, subj = version_subject(k, a, &len);
  bool flip = false;
  if (subj == SUBJ_NONE) {
    subj = version_subject(k, b, &len);
    if (subj == SUBJ_NONE) return MASKS_UNKNOWN;
    TSNode x = a;
    a = b, b = x, flip = true;
  }
  unsigned truth;
  if (!strcmp(op, "<")) truth = flip ? CMP_GT : CMP_LT;
  else if (!strcmp(op, "<=")) truth = flip ? CMP_GT | CMP_EQ : CMP_LT | CMP_EQ;
  else if (!strcmp(op, ">")) truth = flip ? CMP_LT : CMP_GT;
  else if (!strcmp(op, ">=")) truth = flip ? CMP_LT | CMP_EQ : CMP_GT | CMP_EQ;
  else if (!strcmp(op, "==")) truth = CMP_EQ;
  else if (!strcmp(op, "!=")) truth = CMP_LT | CMP_GT;
  else return MASKS_UNKNOWN;
  int t[8], tn = 0, c = -1;
  if (subj == SUBJ_TUPLE) {
    const PsWalker *w = k->w;
    if (ts_node_symbol(b) != w->s_tuple) return MASKS_UNKNOWN;
    uint32_t nc = ts_node_named_child_count(b);
    if (!nc || nc > 8) return MASKS_UNKNOWN;
    for (uint32_t i = 0; i < nc; i++)
      if ((t[tn++] = int_value(k, ts_node_named_child(b, i))) < 0) return MASKS_UNKNOWN;
  } else if ((c = int_value(k, b)) < 0) {
    return MASKS_UNKNOWN;
  }
  Masks m = {0, 0};
  for (int minor = 0; minor < 64; minor++) {
    unsigned o;
    if (subj == SUBJ_TUPLE) o = tuple_cmp(minor, len, t, tn, 0);
    else {
      int v = subj == SUBJ_MAJOR ? 3 : minor;
      o = v < c ? CMP_LT : v > c ? CMP_GT : CMP_EQ;
    }
    if (o & truth) m.t |= (uint64_t)1 << minor;
    if (o & ~truth) m.f |= (uint64_t)1 << minor;
  }
  return m;
}

/* Where a condition can be true and false: version tests (chains too),
 * TYPE_CHECKING (false at run time), through parentheses, not, and, or. */
static Masks condition_masks(Walk *k, TSNode cond, int depth) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (depth > 32) return MASKS_UNKNOWN;
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return condition_masks(k, ts_node_named_child(cond, 0), depth + 1);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    Masks m = condition_masks(k, ts_node_named_child(cond, 0), depth + 1);
    return (Masks){m.f, m.t};
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2) {
    uint32_t len = 0;
    const char *t = "";
    for (uint32_t i = 0; i < ts_node_child_count(cond) && !len; i++) {
      TSNode c = ts_node_child(cond, i);
      if (!ts_node_is_named(c)) t = ps_source_node_text(k->src, c, &len);
    }
    Masks a = condition_masks(k, ts_node_named_child(cond, 0), depth + 1),
          b = condition_masks(k, ts_node_named_child(cond, 1), depth + 1);
    if (len == 3 && !memcmp(t, "and", 3)) return (Masks){a.t & b.t, a.f | b.f};
    if (len == 2 && !memcmp(t, "or", 2)) return (Masks){a.t | b.t, a.f & b.f};
    return MASKS_UNKNOWN;
  }
  if (s == w->s_identifier || s == w->s_attribute) {
    const char *d = dotted(k, cond);
    size_t dl = d ? strlen(d) : 0;
    for (unsigned i = 0; d && s == w->s_identifier && i < k->n_flags; i++)
      if (k->flags[i].name && !strcmp(k->flags[i].name, d)) return (Masks){k->flags[i].t, k->flags[i].f};
    if (d && (!strcmp(d, "TYPE_CHECKING") || (dl > 14 && !strcmp(d + dl - 14, ".TYPE_CHECKING") &&
                                               strchr(d, '.') == d + dl - 14)))
      return (Masks){0, PS_RUNS_ALL};
    return MASKS_UNKNOWN;
  }
  if (s != w->s_comparison) return MASKS_UNKNOWN;
  /* `a < b < c` is `a < b and b < c`: operands are the named children,
   * each operator the anonymous tokens between two of them. */
  Masks m = {PS_RUNS_ALL, 0};
  TSNode prev = {0};
  char op[8] = {0};
  size_t opl = 0;
  uint32_t cc = ts_node_child_count(cond);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(cond, i);
    if (!ts_node_is_named(c)) {
      uint32_t len;
      const char *t = ps_source_node_text(k->src, c, &len);
      if (opl + len + 1 < sizeof op) memcpy(op + opl, t, len), opl += len, op[opl] = '\0';
      else opl = sizeof op; /* too long: `not in` and the like, unknown */
      continue;
    }
    if (ts_node_symbol(c) == w->s_comment) continue;
    if (!ts_node_is_null(prev)) {
      Masks p = opl < sizeof op ? compare_masks(k, prev, op, c) : MASKS_UNKNOWN;
      m.t &= p.t, m.f |= p.f;
    }
    prev = c, opl = 0, op[0] = '\0';
  }
  return m;
}

/* The module's version flags: top-level `NAME = <version test>` (the test
 * exact: it holds on some minors, fails on the others), each name assigned
 * once at top level (a second assignment drops it). */
static void find_version_flags(Walk *k, TSNode root) {
  const PsWalker *w = k->w;
  uint32_t nc = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode st = ts_node_named_child(root, i);
    if (ts_node_symbol(st) != w->s_expression_statement || ts_node_named_child_count(st) != 1) continue;
    TSNode a = ts_node_named_child(st, 0);
    if (ts_node_symbol(a) != w->s_assignment) continue;
    TSNode left = ts_node_child_by_field_id(a, w->f_left), right = ts_node_child_by_field_id(a, w->f_right);
    if (ts_node_is_null(left) || ts_node_symbol(left) != w->s_identifier) continue;
    const char *name = dotted(k, left);
    if (!name) continue;
    unsigned j = 0;
    while (j < k->n_flags && strcmp(k->flags[j].name ? k->flags[j].name : "", name)) j++;
    if (j < k->n_flags) { /* assigned again: not a flag */
      k->flags[j].t = k->flags[j].f = PS_RUNS_ALL;
      continue;
    }
    Masks m = ts_node_is_null(right) ? MASKS_UNKNOWN : condition_masks(k, right, 0);
    bool exact = (m.t & m.f) == 0 && (m.t | m.f) == PS_RUNS_ALL;
    if (k->n_flags < MAX_VERSION_FLAGS)
      k->flags[k->n_flags++] = (VersionFlag){name, exact ? m.t : PS_RUNS_ALL, exact ? m.f : PS_RUNS_ALL};
  }
}

/* Does a block end in `return` or `raise` (code after it never follows)? */
static bool block_exits(Walk *k, TSNode block) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(block)) return false;
  for (uint32_t i = ts_node_named_child_count(block); i-- > 0;) {
    TSNode c = ts_node_named_child(block, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == w->s_comment) continue;
    return s == w->s_return || s == w->s_raise;
  }
  return false;
}

static void add_range(Walk *k, uint32_t start, uint32_t end, uint64_t runs) {
  if (runs == PS_RUNS_ALL || start >= end) return;
  array_push(&k->out->guard_ranges, ((PsGuardRange){start, end, runs, NULL, NULL}));
}

/* The attribute a feature test `hasattr(x, "name")` checks (also as one
 * side of `and`, in parentheses); *negated for `not hasattr(...)`. */
static const char *hasattr_name(Walk *k, TSNode cond, bool *negated, int depth) {
  const PsWalker *w = k->w;
  TSSymbol s = ts_node_symbol(cond);
  if (depth > 8) return NULL;
  if (s == w->s_parenthesized && ts_node_named_child_count(cond) == 1)
    return hasattr_name(k, ts_node_named_child(cond, 0), negated, depth + 1);
  if (s == w->s_not && ts_node_named_child_count(cond) == 1) {
    const char *r = hasattr_name(k, ts_node_named_child(cond, 0), negated, depth + 1);
    *negated = !*negated;
    return r;
  }
  if (s == w->s_boolean_op && ts_node_named_child_count(cond) == 2 && !*negated) {
    uint32_t len = 0;
    for (uint32_t i = 0; i < ts_node_child_count(cond) && !len; i++)
      if (!ts_node_is_named(ts_node_child(cond, i))) ps_source_node_text(k->src, ts_node_child(cond, i), &len);
    if (len != 3) return NULL; /* `and` only: both sides hold in the branch */
    bool n1 = false, n2 = false;
    const char *a = hasattr_name(k, ts_node_named_child(cond, 0), &n1, depth + 1);
    if (a && !n1) return a;
    const char *b = hasattr_name(k, ts_node_named_child(cond, 1), &n2, depth + 1);
    return b && !n2 ? b : NULL;
  }
  if (s != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(cond, w->f_function), args = ts_node_child_by_field_id(cond, w->f_arguments);
  if (ts_node_is_null(fn) || !text_is(k, fn, "hasattr") || ts_node_is_null(args) ||
      ts_node_named_child_count(args) != 2)
    return NULL;
  uint32_t a, b;
  return string_value(k, ts_node_named_child(args, 1), &a, &b);
}

/* `hasattr(X, "n")` or `not hasattr(X, "n")` with X a name chain: "X.n"
 * (arena), *negated for the `not`; NULL for anything else. The branch
 * that runs where X lacks n is a fallback for an old Python when X.n
 * always exists (PsGuardRange.fallback_of, as for `except ImportError:`). */
static const char *hasattr_fallback(Walk *k, TSNode cond, bool *negated) {
  const PsWalker *w = k->w;
  *negated = false;
  if (ts_node_symbol(cond) == w->s_not && ts_node_named_child_count(cond) == 1)
    cond = ts_node_named_child(cond, 0), *negated = true;
  if (ts_node_symbol(cond) != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(cond, w->f_function), args = ts_node_child_by_field_id(cond, w->f_arguments);
  if (ts_node_is_null(fn) || !text_is(k, fn, "hasattr") || ts_node_is_null(args) ||
      ts_node_named_child_count(args) != 2)
    return NULL;
  const char *obj = dotted(k, ts_node_named_child(args, 0));
  uint32_t a, b;
  const char *name = string_value(k, ts_node_named_child(args, 1), &a, &b);
  if (!obj || !name || !*name) return NULL;
  size_t n = strlen(obj) + strlen(name) + 2;
  char *r = ps_arena_alloc(k->arena, n);
  snprintf(r, n, "%s.%s", obj, name);
  return r;
}

static void add_fallback(Walk *k, TSNode n, const char *of) {
  if (ts_node_is_null(n) || !of) return;
  array_push(&k->out->guard_ranges,
             ((PsGuardRange){ts_node_start_byte(n), ts_node_end_byte(n), PS_RUNS_ALL, NULL, of}));
}

static void add_tested(Walk *k, TSNode n, const char *name) {
  if (ts_node_is_null(n) || !name || !*name) return;
  array_push(&k->out->guard_ranges, ((PsGuardRange){ts_node_start_byte(n), ts_node_end_byte(n), PS_RUNS_ALL, name, NULL}));
}

bool ps_summary_feature_tested(const PsSummary *s, uint32_t pos, const char *name) {
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *g = &s->guard_ranges.items[i];
    if (g->tested && pos >= g->start && pos < g->end && !strcmp(g->tested, name)) return true;
  }
  return false;
}

static void add_node_range(Walk *k, TSNode n, uint64_t runs) {
  if (!ts_node_is_null(n)) add_range(k, ts_node_start_byte(n), ts_node_end_byte(n), runs);
}

/* The ranges of an if statement: each branch runs where its condition can
 * be true and the earlier ones false; the rest of the enclosing block runs
 * where some branch that does not end in return/raise runs, or none does. */
static void if_ranges(Walk *k, TSNode n, TSNode cond) {
  const PsWalker *w = k->w;
  Masks m = condition_masks(k, cond, 0);
  uint64_t rest = m.f, after = 0;
  TSNode body = ts_node_child_by_field_id(n, w->f_consequence);
  add_node_range(k, body, m.t);
  bool neg = false;
  const char *tested = hasattr_name(k, cond, &neg, 0);
  if (tested && !neg) add_tested(k, body, tested);
  bool fneg = false;
  const char *fallback = hasattr_fallback(k, cond, &fneg);
  if (fallback && fneg) add_fallback(k, body, fallback);
  bool seen_elif = false; /* the else of an elif chain: left alone (as the oracle does) */
  if (!block_exits(k, body)) after |= m.t;
  uint32_t cc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_named_child(n, i);
    uint64_t runs;
    if (ts_node_symbol(c) == w->s_elif) {
      seen_elif = true;
      TSNode ec = ts_node_child_by_field_id(c, w->f_condition);
      add_node_range(k, ec, rest); /* evaluated only when the earlier ones were false */
      Masks e = condition_masks(k, ec, 0);
      body = ts_node_child_by_field_id(c, w->f_consequence);
      runs = rest & e.t;
      rest &= e.f;
    } else if (ts_node_symbol(c) == w->s_else) {
      body = ts_node_child_by_field_id(c, w->f_body);
      runs = rest;
      rest = 0;
      if (tested && neg) add_tested(k, body, tested);
      if (fallback && !fneg && !seen_elif) add_fallback(k, body, fallback);
    } else {
      continue;
    }
    add_node_range(k, body, runs);
    if (!block_exits(k, body)) after |= runs;
  }
  after |= rest;
  TSNode parent = ancestor(k, 0);
  if (!ts_node_is_null(parent)) add_range(k, ts_node_end_byte(n), ts_node_end_byte(parent), after);
  /* `if not hasattr(m, "x"): return` tests the rest of the block. */
  TSNode cons = ts_node_child_by_field_id(n, w->f_consequence);
  if (tested && neg && !ts_node_is_null(parent) && block_exits(k, cons) && ts_node_named_child_count(n) == 2)
    array_push(&k->out->guard_ranges,
               ((PsGuardRange){ts_node_end_byte(n), ts_node_end_byte(parent), PS_RUNS_ALL, tested, NULL}));
}

/* `a if cond else b` */
static void visit_conditional(Walk *k, TSNode n) {
  if (ts_node_named_child_count(n) != 3) return;
  Masks m = condition_masks(k, ts_node_named_child(n, 1), 0);
  add_node_range(k, ts_node_named_child(n, 0), m.t);
  add_node_range(k, ts_node_named_child(n, 2), m.f);
  bool neg = false;
  const char *tested = hasattr_name(k, ts_node_named_child(n, 1), &neg, 0);
  if (tested) add_tested(k, ts_node_named_child(n, neg ? 2 : 0), tested);
}

/* `@unittest.skipIf(cond, ...)`, `@pytest.mark.skipif(cond, ...)`, `@skipUnless(cond)` on a
 * test: its body runs only where the test is not skipped. */
static void skip_decorators(Walk *k, TSNode def) {
  const PsWalker *w = k->w;
  TSNode dd = ancestor(k, 0), body = ts_node_child_by_field_id(def, w->f_body);
  if (ts_node_is_null(dd) || ts_node_symbol(dd) != w->s_decorated || ts_node_is_null(body)) return;
  uint32_t nc = ts_node_named_child_count(dd);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode d = ts_node_named_child(dd, i);
    if (ts_node_symbol(d) != w->s_decorator || ts_node_named_child_count(d) != 1) continue;
    TSNode call = ts_node_named_child(d, 0);
    if (ts_node_symbol(call) != w->s_call) continue;
    const char *fn = dotted(k, ts_node_child_by_field_id(call, w->f_function));
    TSNode args = ts_node_child_by_field_id(call, w->f_arguments);
    if (!fn || ts_node_is_null(args) || !ts_node_named_child_count(args)) continue;
    const char *last = strrchr(fn, '.');
    last = last ? last + 1 : fn;
    bool unless = !strcmp(last, "skipUnless");
    if (!unless && strcmp(last, "skipIf") && strcmp(last, "skipif")) continue;
    Masks m = condition_masks(k, ts_node_named_child(args, 0), 0);
    add_node_range(k, body, unless ? m.t : m.f);
  }
}

uint64_t ps_summary_runs_at(const PsSummary *s, uint32_t pos) {
  uint64_t r = PS_RUNS_ALL;
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *g = &s->guard_ranges.items[i];
    if (!g->tested && pos >= g->start && pos < g->end) r &= g->runs;
  }
  return r;
}

static void visit_if(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  TSNode cond = ts_node_child_by_field_id(n, w->f_condition);
  if (ts_node_is_null(cond)) return;
  if_ranges(k, n, cond);
  int ver = 0;
  int kind = classify_condition(k, cond, &ver);
  if (!kind) return;
  uint32_t line = line_of(k, n);
  unsigned cons_g = kind == 1 ? PS_GUARD_VERSION_OLD : kind == 2 ? PS_GUARD_VERSION_NEW : PS_GUARD_TYPE_CHECKING;
  unsigned alt_g = kind == 1 ? PS_GUARD_VERSION_NEW : kind == 2 ? PS_GUARD_VERSION_OLD : 0;
  uint16_t below = (uint16_t)(300 + ver);
  /* Alternatives first (reverse document order), then the consequence:
   * every elif and the else run only when the condition is false. */
  if (alt_g) {
    uint32_t cc = ts_node_named_child_count(n);
    for (uint32_t i = cc; i-- > 0;) {
      TSNode c = ts_node_named_child(n, i);
      TSNode body = {0};
      if (ts_node_symbol(c) == w->s_else) body = ts_node_child_by_field_id(c, w->f_body);
      else if (ts_node_symbol(c) == w->s_elif) body = ts_node_child_by_field_id(c, w->f_consequence);
      if (!ts_node_is_null(body))
        push_frame(w, body, alt_g, line, alt_g == PS_GUARD_VERSION_OLD ? below : 0, NULL, false);
    }
  }
  push_frame(w, ts_node_child_by_field_id(n, w->f_consequence), cons_g, line,
             cons_g == PS_GUARD_VERSION_OLD ? below : 0, NULL, false);
}

/* What a try body made only of absolute imports imports, as
 * "mod.name,mod2" (a handler of ImportError runs only where one of them
 * fails: PsGuardRange.fallback_of); NULL for any other body. */
static const char *imports_only(Walk *k, TSNode body) {
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
      const char *of = hasattr_fallback(k, ts_node_child_by_field_id(st, w->f_condition), &neg);
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
    const char *m = s == w->s_import_from && !ts_node_is_null(mod) ? dotted(k, mod) : NULL;
    if (s != w->s_import && !m) ok = false;
    uint32_t nc = ts_node_named_child_count(st), names = 0;
    for (uint32_t j = 0; j < nc && ok; j++) {
      TSNode c = ts_node_named_child(st, j);
      if ((m && ts_node_eq(c, mod)) || ts_node_symbol(c) == w->s_comment) continue;
      if (ts_node_symbol(c) == w->s_aliased) c = ts_node_child_by_field_id(c, w->f_name);
      const char *d = ts_node_is_null(c) || ts_node_symbol(c) != w->s_dotted ? NULL : dotted(k, c);
      if (!d) ok = false; /* a wildcard, a relative module, a comment */
      else ps_buf_printf(&b, "%s%s%s%s", b.len ? "," : "", m ? m : "", m ? "." : "", d), names++;
    }
    ok = ok && names > 0;
  }
  const char *r = ok && b.len ? ps_arena_strdup(k->arena, b.data) : NULL;
  ps_buf_free(&b);
  return r;
}

/* The try body gets what all its handlers catch together; a handler of
 * ImportError after a body of imports only is marked with what they
 * import (the removal analyses drop fallbacks that cannot run). */
static void visit_try(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  uint32_t cc = ts_node_named_child_count(n), line = 0;
  unsigned g = 0;
  const char *body_imports = NULL;
  bool body_read = false;
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_named_child(n, i);
    unsigned h = ts_node_symbol(c) == w->s_except ? handler_guards(k, c) : 0;
    if (h && !g) line = line_of(k, c);
    g |= h;
    if (h & PS_GUARD_TRY_IMPORT_ERROR) {
      if (!body_read) body_imports = imports_only(k, ts_node_child_by_field_id(n, w->f_body)), body_read = true;
      if (body_imports)
        array_push(&k->out->guard_ranges, ((PsGuardRange){ts_node_start_byte(c), ts_node_end_byte(c), PS_RUNS_ALL,
                                                          NULL, body_imports}));
    }
  }
  if (g) push_frame(w, ts_node_child_by_field_id(n, w->f_body), g, line, 0, NULL, false);
}

/* ---- defs and calls -------------------------------------------------------------- */

/* Binds a function's parameters in the function's own scope. */
static void bind_parameters(Walk *k, TSNode params, const char *fn_scope) {
  const PsWalker *w = k->w;
  if (ts_node_is_null(params)) return;
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i);
    TSSymbol s = ts_node_symbol(p);
    if (s == w->s_identifier) {
      bind_targets(k, p, fn_scope, 0);
    } else if (s == w->s_default_parameter || s == w->s_typed_default_parameter) {
      bind_targets(k, ts_node_child_by_field_id(p, w->f_name), fn_scope, 0);
    } else if (s == w->s_typed_parameter || s == w->s_list_splat_pattern || s == w->s_dict_splat_pattern) {
      for (uint32_t j = 0; j < ts_node_named_child_count(p); j++) {
        TSNode c = ts_node_named_child(p, j);
        TSSymbol cs = ts_node_symbol(c);
        if (cs == w->s_identifier) bind_targets(k, c, fn_scope, 0);
        else if (cs == w->s_list_splat_pattern || cs == w->s_dict_splat_pattern)
          bind_targets(k, ts_node_named_child(c, 0), fn_scope, 0);
      }
    }
  }
}

static void visit_def(Walk *k, TSNode n, PsDefKind kind) {
  PsWalker *w = k->w;
  TSNode name = ts_node_child_by_field_id(n, w->f_name);
  if (ts_node_is_null(name)) return;
  skip_decorators(k, n);
  uint32_t len;
  const char *t = ps_source_node_text(k->src, name, &len);
  bool module_level;
  const char *scope = scope_at(k, ts_node_start_byte(n), &module_level);
  const char *q = scope[0] ? ps_arena_sprintf(k->arena, "%s.%.*s", scope, (int)len, t)
                           : ps_arena_strndup(k->arena, t, len);
  PsDef d = {kind, q, ts_node_start_byte(n), ts_node_end_byte(n), module_level, ""};
  if (kind == PS_DEF_CLASS) {
    TSNode sup = ts_node_child_by_field_id(n, w->f_superclasses);
    if (!ts_node_is_null(sup)) {
      PsBuf b = PS_BUF_INIT;
      uint32_t nb = ts_node_named_child_count(sup);
      for (uint32_t i = 0; i < nb; i++) {
        const char *base = dotted(k, ts_node_named_child(sup, i));
        if (base) ps_buf_printf(&b, "%s%s", b.len ? "," : "", base);
      }
      if (b.len) d.bases = ps_arena_strndup(k->arena, b.data, b.len);
      ps_buf_free(&b);
    }
  }
  array_push(&k->out->defs, d);
  add_binding(k, PS_BIND_OTHER, ps_arena_strndup(k->arena, t, len), NULL, ts_node_start_byte(n), NULL);
  if (kind == PS_DEF_FUNCTION) bind_parameters(k, ts_node_child_by_field_id(n, w->f_parameters), q);
  push_frame(w, ts_node_child_by_field_id(n, w->f_body), 0, 0, 0, q, kind == PS_DEF_FUNCTION);
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
  active_context(k, r.start, &r.guards, &guard_line, &r.version_below, &r.scope, &module_level);
  array_push(&k->out->refs, r);
}

/* Records outermost attribute chains (`a.b.c`, not its inner `a.b`). */
static void visit_attribute(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ancestor(k, 0);
  /* The object of an attribute is its first child: same start byte. */
  if (!ts_node_is_null(parent) && ts_node_symbol(parent) == w->s_attribute &&
      ts_node_start_byte(parent) == ts_node_start_byte(n))
    return;
  /* A store (`x.y = v`, `x.y += v`, `del x.y`) is not a use. */
  if (ts_node_is_null(parent) || is_store_target(k, parent, n)) return;
  const char *chain = dotted(k, n);
  if (chain) push_ref(k, chain, n);
}

/* Records a bare name read (`fmt(...)`, `x = makeSuite`) when an import
 * bound that name earlier in the file: only such names can stand for a
 * removed API. Definitions, parameters, keyword names, attribute parts and
 * assignment targets are not reads. */
static void visit_identifier(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  if (!w->imported.size) return;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  bool bound = false;
  for (size_t i = 0; i < w->imported.size && !bound; i++)
    bound = !strncmp(w->imported.items[i], t, len) && w->imported.items[i][len] == '\0';
  if (!bound) return;
  TSNode parent = ancestor(k, 0);
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

static void visit_call(Walk *k, TSNode n) {
  PsWalker *w = k->w;
  TSNode fn = ts_node_child_by_field_id(n, w->f_function);
  if (ts_node_is_null(fn)) return;
  const char *callee = dotted(k, fn);
  if (!callee) return;
  bool module_level;
  const char *scope = scope_at(k, ts_node_start_byte(n), &module_level);
  PsCall c = {callee, ts_node_start_byte(n), ts_node_end_byte(n), scope, ts_node_start_byte(fn), ts_node_end_byte(fn),
              0, 0};
  {
    uint32_t gl;
    const char *sc;
    bool ml;
    active_context(k, c.start, &c.guards, &gl, &c.version_below, &sc, &ml);
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
  const char *val = string_value(k, a0, &s, &e);
  if (!val || !val[0]) return;
  array_push(&w->dyn, c);
  array_push(&w->dyn_arg, ((DynArg){val, s, e}));
}

static void add_mutation(Walk *k, PsMutationKind kind, const char *target, TSNode n) {
  if (!target) return;
  bool module_level;
  const char *scope = scope_at(k, ts_node_start_byte(n), &module_level);
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
    return dotted(k, ts_node_child_by_field_id(target, w->f_value));
  }
  if (s == w->s_attribute) {
    *kind = PS_MUT_ATTRIBUTE;
    return dotted(k, ts_node_child_by_field_id(target, w->f_object));
  }
  return NULL;
}

static void visit_assignment(Walk *k, TSNode n, bool augmented) {
  const PsWalker *w = k->w;
  TSNode left = ts_node_child_by_field_id(n, w->f_left);
  if (ts_node_is_null(left)) return;
  PsMutationKind kind = PS_MUT_AUGASSIGN;
  if (augmented) {
    const char *t = ts_node_symbol(left) == w->s_identifier ? dotted(k, left) : NULL;
    if (!t) {
      PsMutationKind ignored;
      t = mutated_base(k, left, &ignored);
      if (ts_node_symbol(left) == w->s_attribute) t = dotted(k, left);
    }
    add_mutation(k, PS_MUT_AUGASSIGN, t, n);
    return;
  }
  const char *base = mutated_base(k, left, &kind);
  if (base) {
    add_mutation(k, kind, kind == PS_MUT_ATTRIBUTE ? dotted(k, left) : base, n);
    return;
  }
  /* `x = callee(...)` remembers the callee for receiver inference; any
   * other plain-name target is a binding that shadows imports. */
  TSNode right = ts_node_child_by_field_id(n, w->f_right);
  if (ts_node_symbol(left) == w->s_identifier && !ts_node_is_null(right) && ts_node_symbol(right) == w->s_call) {
    const char *callee = dotted(k, ts_node_child_by_field_id(right, w->f_function));
    uint32_t len;
    const char *t = ps_source_node_text(k->src, left, &len);
    add_binding(k, callee ? PS_BIND_CALL : PS_BIND_OTHER, ps_arena_strndup(k->arena, t, len), callee,
                ts_node_start_byte(n), NULL);
  } else {
    bind_targets(k, left, NULL, 0);
  }
  /* Module-level bindings: `x = ...` with a plain name. */
  TSNode grand = ancestor(k, 1);
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

static void resolve_dynamic(Walk *k) {
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
  PsAnnotation a = {kind, ts_node_start_byte(n), ts_node_end_byte(n), scope_at(k, ts_node_start_byte(n), &module_level),
                    local, has_quote(k, n)};
  array_push(&k->out->annotations, a);
}

/* A `type` node: a parameter, return or variable annotation? */
static void visit_type(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ancestor(k, 0);
  if (ts_node_is_null(parent)) return;
  TSSymbol ps = ts_node_symbol(parent);
  if (ps == w->s_typed_parameter || ps == w->s_typed_default_parameter) add_annotation(k, PS_ANN_PARAMETER, n, false);
  else if (ps == w->s_func) add_annotation(k, PS_ANN_RETURN, n, false);
  else if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(parent, w->f_type), n))
    add_annotation(k, PS_ANN_VARIABLE, n, in_def_body(k, ts_node_start_byte(n)));
}

/* A string that holds a type: the first argument of cast(), or the value
 * of `X: TypeAlias = "..."`. */
static void visit_type_string(Walk *k, TSNode n) {
  const PsWalker *w = k->w;
  TSNode parent = ancestor(k, 0), gp = ancestor(k, 1);
  if (ts_node_is_null(parent)) return;
  TSSymbol ps = ts_node_symbol(parent);
  if (ps == w->s_argument_list && !ts_node_is_null(gp) && ts_node_symbol(gp) == w->s_call &&
      ts_node_eq(ts_node_named_child(parent, 0), n)) {
    TSNode fn = ts_node_child_by_field_id(gp, w->f_function);
    if (ts_node_symbol(fn) == w->s_attribute) fn = ts_node_child_by_field_id(fn, w->f_attribute);
    if (text_is(k, fn, "cast")) add_annotation(k, PS_ANN_TYPE_STRING, n, false);
  } else if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(parent, w->f_right), n)) {
    TSNode ty = ts_node_child_by_field_id(parent, w->f_type);
    uint32_t l = 0;
    const char *t = ts_node_is_null(ty) ? "" : ps_source_node_text(k->src, ty, &l);
    if (!ts_node_is_null(ty) && l >= 9 && !memcmp(t + l - 9, "TypeAlias", 9))
      add_annotation(k, PS_ANN_TYPE_STRING, n, false);
  }
}

void ps_walker_set_needs(PsWalker *self, unsigned needs) { self->needs = needs; }

void ps_walker_set_deadline(PsWalker *self, PsDeadline *deadline) { self->deadline = deadline; }

/* ---- the per-file budget ------------------------------------------------------- */

void ps_deadline_start(PsDeadline *self, uint64_t budget_us) {
  memset(self, 0, sizeof *self);
  self->budget_us = budget_us;
  if (!budget_us) return;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &self->at);
  self->at.tv_sec += (time_t)(budget_us / 1000000);
  self->at.tv_nsec += (long)(budget_us % 1000000) * 1000;
  if (self->at.tv_nsec >= 1000000000L) self->at.tv_sec++, self->at.tv_nsec -= 1000000000L;
}

static int64_t left_ns(const PsDeadline *self) {
  struct timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return (int64_t)(self->at.tv_sec - now.tv_sec) * 1000000000LL + (self->at.tv_nsec - now.tv_nsec);
}

bool ps_deadline_check(PsDeadline *self) {
  if (!self || !self->budget_us) return false;
  if (!self->expired && left_ns(self) <= 0) self->expired = true;
  return self->expired;
}

uint64_t ps_deadline_left_us(PsDeadline *self) {
  if (!self || !self->budget_us) return 0;
  int64_t ns = self->expired ? 0 : left_ns(self);
  if (ns <= 0) self->expired = true;
  return ns > 1000 ? (uint64_t)(ns / 1000) : 1;
}

void ps_walker_summarize(PsWalker *self, const PsSource *src, PsArena *arena, PsSummary *out) {
  array_clear(&out->imports);
  array_clear(&out->defs);
  array_clear(&out->calls);
  array_clear(&out->mutations);
  array_clear(&out->kwargs);
  array_clear(&out->refs);
  array_clear(&out->bindings);
  array_clear(&out->annotations);
  array_clear(&out->guard_ranges);
  array_clear(&self->frames);
  array_clear(&self->path);
  array_clear(&self->imported);
  array_clear(&self->dyn);
  array_clear(&self->dyn_arg);
  if (!src->tree) return;
  Walk k = {self, src, arena, out, {{0}}, 0};
  const unsigned needs = self->needs;
  TSNode root = ts_tree_root_node(src->tree);
  find_version_flags(&k, root);
  TSTreeCursor cur = ts_tree_cursor_new(root);
  const bool ft = needs & PS_NEED_FT;
  if (ft) {
    if (!self->ft) self->ft = ps_ft_walk__new(self->lang);
    ps_ft_walk__begin(self->ft, src, arena, &out->ft);
  }
  for (;;) {
    if (ps_deadline_poll(self->deadline)) break; /* the engine reports the file */
    TSNode n = ts_tree_cursor_current_node(&cur);
    TSSymbol s = ts_node_symbol(n);
    pop_frames(self, ts_node_start_byte(n));
    if (ft) ps_ft_walk__node(self->ft, n, s, self->path.items, self->path.size);
    bool descend = true;
    if (s == self->s_import) {
      visit_import(&k, n);
      descend = false;
    } else if (s == self->s_import_from) {
      visit_import_from(&k, n);
      descend = false;
    } else if (s == self->s_future) {
      descend = false;
    } else if (s == self->s_string) {
      if (needs & PS_NEED_ANNOTATIONS) visit_type_string(&k, n);
      /* An f-string's (or 3.14 t-string's) interpolations are code:
       * f"{datetime.utcnow()}" calls utcnow. Other strings hold no code. */
      descend = is_interpolated(src->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
    } else if (s == self->s_type) {
      if (needs & PS_NEED_ANNOTATIONS) visit_type(&k, n);
    } else if (s == self->s_call) {
      visit_call(&k, n);
    } else if (s == self->s_func) {
      visit_def(&k, n, PS_DEF_FUNCTION);
    } else if (s == self->s_class) {
      visit_def(&k, n, PS_DEF_CLASS);
    } else if (s == self->s_try) {
      visit_try(&k, n);
    } else if (s == self->s_if) {
      visit_if(&k, n);
    } else if (s == self->s_conditional) {
      visit_conditional(&k, n);
    } else if (s == self->s_assignment) {
      visit_assignment(&k, n, false);
    } else if (s == self->s_augmented) {
      if (needs & PS_NEED_MUTATIONS) visit_assignment(&k, n, true);
    } else if (s == self->s_attribute) {
      if (needs & PS_NEED_REFS) visit_attribute(&k, n);
    } else if (s == self->s_identifier) {
      if (needs & PS_NEED_REFS) visit_identifier(&k, n);
    } else if (s == self->s_for) {
      bind_targets(&k, ts_node_child_by_field_id(n, self->f_left), NULL, 0);
    } else if (s == self->s_as_pattern_target) {
      bind_targets(&k, n, NULL, 0);
    } else if (s == self->s_global && (needs & PS_NEED_MUTATIONS)) {
      uint32_t nc = ts_node_named_child_count(n);
      for (uint32_t i = 0; i < nc; i++) add_mutation(&k, PS_MUT_GLOBAL, dotted(&k, ts_node_named_child(n, i)), n);
    }
    /* Leaves have no children: skip the cursor call. The path keeps the
     * ancestors so visitors never need ts_node_parent (which walks down
     * from the root every time). */
    if (descend && ts_node_child_count(n) && ts_tree_cursor_goto_first_child(&cur)) {
      array_push(&self->path, n);
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
      self->path.size--;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
  if (ft) ps_ft_walk__end(self->ft);
  resolve_dynamic(&k);
  ps_summary__index_bindings(out);
}
