/* walk_mp.c: the multiprocessing model of one file (mp_internal.h).
 *
 * The MP analyses need what the summary does not keep: the positional
 * arguments of pool calls, `with Pool() as p` receivers, the `if __name__
 * == "__main__":` guard, `global` declarations and the bare names a def
 * reads. This walk collects them, only for the files an MP rule's word
 * gates admit (a run without MP rules never gets here), in one forward
 * TSTreeCursor pass with a stack of byte-range frames as summary.c does.
 * Callees are resolved through the file's imports with ps_summary_resolve
 * and classified by the rule's table.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

/* ---- the table ---------------------------------------------------------------- */

static const struct {
  const char *name;
  PsMpRowKind kind;
} KINDS[] = {
    {"pool", PS_MP_POOL},           {"interpreter-pool", PS_MP_INTERP_POOL}, {"process", PS_MP_PROCESS},
    {"manager", PS_MP_MANAGER},     {"method", PS_MP_METHOD},               {"context", PS_MP_CONTEXT},
    {"set-start-method", PS_MP_SET_START}, {"unpicklable", PS_MP_UNPICKLABLE}, {"fork", PS_MP_FORK},
    {"thread", PS_MP_THREAD},       {"default", PS_MP_DEFAULT},
};

static bool dash(const char *s) { return !s || !*s || !strcmp(s, "-"); }

/* "initializer@2", "@0", "*1", "target@1", "args@3": comma-separated. */
static int parse_slots(const char *spec, PsMpSlot *out, size_t *n, PsArena *keep) {
  *n = 0;
  if (dash(spec)) return 0;
  const char *p = spec;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (*n == PS_MP_MAX_SLOTS) return -1;
    PsMpSlot s = {NULL, -1, false};
    const char *at = memchr(p, '@', len), *star = memchr(p, '*', len);
    const char *num = at ? at + 1 : star ? star + 1 : NULL;
    size_t kwlen = at ? (size_t)(at - p) : star ? (size_t)(star - p) : len;
    if (kwlen) s.kw = ps_arena_strndup(keep, p, kwlen);
    if (num) {
      if (num >= p + len || *num < '0' || *num > '9') return -1;
      s.pos = atoi(num);
      s.rest = star != NULL;
    }
    out[(*n)++] = s;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

int ps_mp_table_load(PsMpTable *out, const PsRule *rule, PsPyVersion target, PsError *err) {
  memset(out, 0, sizeof *out);
  const PsTable *t = &rule->table;
  static const char *const COLS[] = {"kind", "name", "callable", "args", "starts", "since", "what"};
  int c[7];
  for (int i = 0; i < 7; i++) {
    c[i] = t->cols ? ps_table_col(t, COLS[i]) : -1;
    if (c[i] < 0)
      return ps_analysis__rule_error(err, rule, rule->analysis_line,
                                     "MP analyses need a ```table with the columns kind, name, callable, args, "
                                     "starts, since and what (missing `%s`)",
                                     COLS[i]);
  }
  out->rows = ps_xcalloc(t->n_rows + 1, sizeof *out->rows);
  /* Slot keyword names are copied into a small arena the table owns. */
  PsArena *keep = ps_arena_new(4096);
  out->keep = keep;
  PsPyVersion best = {0, 0, false};
  out->default_method = "fork";
  for (size_t i = 0; i < t->n_rows; i++) {
    char **row = t->rows[i];
    PsMpRow r = {0};
    bool known = false;
    for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++)
      if (!strcmp(KINDS[k].name, row[c[0]])) r.kind = KINDS[k].kind, known = true;
    if (!known)
      return ps_analysis__rule_error(err, rule, t->row_lines[i], "unknown MP table kind `%s`", row[c[0]]);
    r.name = row[c[1]];
    r.what = dash(row[c[6]]) ? "" : row[c[6]];
    r.line = t->row_lines[i];
    if (parse_slots(row[c[2]], r.callable, &r.n_callable, keep) || parse_slots(row[c[3]], r.args, &r.n_args, keep))
      return ps_analysis__rule_error(err, rule, t->row_lines[i],
                                     "bad argument slot (write `name@N`, `@N`, `*N` or `-`, at most %d)",
                                     PS_MP_MAX_SLOTS);
    const char *st = row[c[4]];
    if (dash(st)) r.starts = PS_MP_STARTS_NO;
    else if (!strcmp(st, "now")) r.starts = PS_MP_STARTS_NOW;
    else if (!strcmp(st, "later")) r.starts = PS_MP_STARTS_LATER;
    else
      return ps_analysis__rule_error(err, rule, t->row_lines[i], "`starts` must be now, later or -, not `%s`", st);
    if (r.kind == PS_MP_DEFAULT) {
      PsPyVersion v;
      if (ps_pyver_parse(row[c[5]], &v))
        return ps_analysis__rule_error(err, rule, t->row_lines[i], "`since` must be a version such as 3.14");
      if (ps_pyver_cmp(v, target) <= 0 && ps_pyver_cmp(v, best) >= 0) {
        best = v;
        out->default_method = r.name;
      }
    }
    out->rows[out->n_rows++] = r;
  }
  return 0;
}

void ps_mp_table_free(PsMpTable *self) {
  if (!self) return;
  if (self->owns_merged && self->merged) {
    free(self->merged->rows); /* its rows' strings are the member tables' */
    free(self->merged);
  }
  free(self->rows);
  ps_arena_delete(self->keep);
  memset(self, 0, sizeof *self);
}

void ps_mp_table_gates(const PsMpTable *self, PsAnalysis *a, unsigned kinds_mask) {
  for (size_t i = 0; i < self->n_rows; i++) {
    const PsMpRow *r = &self->rows[i];
    if (!(kinds_mask & (1u << r->kind)) || r->kind == PS_MP_DEFAULT) continue;
    const char *last = strrchr(r->name, '.');
    last = last ? last + 1 : r->name;
    ps_analysis__add_gate(a, ps_analysis__keep(a, last, strlen(last)), PS_WORD_ANY, NULL, 0, NULL, 0, NULL);
  }
}

void ps_mp_table_fact_gates(const PsMpTable *self, PsAnalysis *a) {
  unsigned kinds = (1u << PS_MP_POOL) | (1u << PS_MP_PROCESS) | (1u << PS_MP_MANAGER) | (1u << PS_MP_CONTEXT) |
                   (1u << PS_MP_SET_START);
  for (size_t i = 0; i < self->n_rows; i++) {
    const PsMpRow *r = &self->rows[i];
    const char *dot = strchr(r->name, '.');
    if (!(kinds & (1u << r->kind)) || !dot) continue;
    size_t len = (size_t)(dot - r->name);
    bool seen = false;
    for (size_t g = 0; g < a->n_fact_gates && !seen; g++)
      seen = strlen(a->fact_gates[g].w[0]) == len && !memcmp(a->fact_gates[g].w[0], r->name, len);
    if (seen) continue;
    a->fact_gates = ps_xrealloc(a->fact_gates, (a->n_fact_gates + 1) * sizeof *a->fact_gates);
    a->fact_gates[a->n_fact_gates++] =
        (PsWordGate){{ps_analysis__keep(a, r->name, len), NULL, NULL}, {PS_WORD_ANY, 0, 0}, NULL};
  }
}

const char *ps_mp_effective_method(const PsMpTable *t, const PsMpModel *m, const char *pinned) {
  if (pinned) return pinned;
  if (m->file_method) return m->file_method;
  return t->default_method;
}

bool ps_mp_method_reimports(const char *method) {
  return method && (!strcmp(method, "spawn") || !strcmp(method, "forkserver"));
}

/* ---- defs ------------------------------------------------------------------------ */

static const PsDef *def_named(const PsSummary *s, const char *q, size_t qlen) {
  for (size_t i = 0; i < s->defs.size; i++) {
    const PsDef *d = &s->defs.items[i];
    if (d->kind != PS_DEF_ASSIGN && strlen(d->name) == qlen && !memcmp(d->name, q, qlen)) return d;
  }
  return NULL;
}

bool ps_mp_is_function(const PsSummary *s, const char *scope) {
  const PsDef *d = *scope ? def_named(s, scope, strlen(scope)) : NULL;
  return d && d->kind == PS_DEF_FUNCTION;
}

const PsDef *ps_mp_find_def(const PsSummary *s, const char *scope, const char *name) {
  char buf[1024];
  size_t sl = strlen(scope), nl = strlen(name);
  while (sl) {
    if (sl + 1 + nl < sizeof buf) {
      memcpy(buf, scope, sl);
      buf[sl] = '.';
      memcpy(buf + sl + 1, name, nl);
      const PsDef *d = def_named(s, buf, sl + 1 + nl);
      /* Only a function's own names are visible from its nested defs
       * (class bodies are not enclosing scopes). */
      buf[sl] = '\0';
      if (d && ps_mp_is_function(s, buf)) return d;
    }
    while (sl && scope[sl - 1] != '.') sl--;
    if (sl) sl--;
  }
  return def_named(s, name, nl);
}

/* ---- the walk ------------------------------------------------------------------- */

typedef enum FrameKind { F_DEF, F_CLASS, F_LAMBDA, F_GUARD } FrameKind;

typedef struct Frame {
  uint32_t end;
  FrameKind kind;
  const char *scope;
} Frame;

typedef enum VarKind { V_POOL, V_PROCESS, V_CONTEXT, V_UNPICKLABLE, V_LAMBDA, V_LOCAL_INSTANCE, V_OTHER } VarKind;

/* A name bound to something the model cares about. */
typedef struct Var {
  const char *name, *scope;
  VarKind kind;
  const PsMpRow *row;
  const char *method; /* V_POOL/V_PROCESS/V_CONTEXT: pinned start method */
  const char *api;
  bool started;
  size_t h_first, h_last; /* V_PROCESS: what its construction handed (model->handed) */
  size_t prev; /* the previous Var of the same name, + 1 (0: none) */
} Var;

typedef struct GlobalDecl {
  const char *scope, *name;
} GlobalDecl;

typedef struct Walk {
  const PsMpTable *t;
  const PsFileContext *ctx;
  const PsSource *src;
  const PsSummary *sum;
  PsArena *arena;
  PsMpModel *m;
  Array(Frame) frames;
  Array(TSNode) path;
  Array(Var) vars;
  PsStrMap var_last; /* name -> index + 1 of its last Var (vars are looked up by name) */
  Array(GlobalDecl) globals;
  const char *scope;
  bool in_def, guarded;
  bool from_method; /* handing a pool method's slots (always pickled) */
  TSSymbol s_call, s_func, s_class, s_lambda, s_if, s_assignment, s_augmented, s_with_item, s_global,
      s_identifier, s_attribute, s_string, s_string_content, s_keyword_argument, s_argument_list, s_tuple,
      s_list, s_as_pattern, s_as_pattern_target, s_comparison, s_subscript, s_pattern_list, s_tuple_pattern,
      s_parenthesized, s_list_splat, s_dict_splat, s_parameters, s_default_parameter, s_typed_parameter,
      s_typed_default_parameter, s_import, s_import_from, s_decorated, s_for, s_delete, s_expression_list,
      s_lambda_parameters, s_generator, s_list_comp, s_keyword_separator;
  TSFieldId f_function, f_arguments, f_name, f_value, f_left, f_right, f_object, f_attribute, f_condition,
      f_consequence, f_body, f_alias;
} Walk;

static TSSymbol sym(const TSLanguage *l, const char *name) {
  return ts_language_symbol_for_name(l, name, (uint32_t)strlen(name), true);
}
static TSFieldId fld(const TSLanguage *l, const char *name) {
  return ts_language_field_id_for_name(l, name, (uint32_t)strlen(name));
}

static void init_symbols(Walk *k) {
  const TSLanguage *l = ps_python_language();
  k->s_call = sym(l, "call");
  k->s_func = sym(l, "function_definition");
  k->s_class = sym(l, "class_definition");
  k->s_lambda = sym(l, "lambda");
  k->s_if = sym(l, "if_statement");
  k->s_assignment = sym(l, "assignment");
  k->s_augmented = sym(l, "augmented_assignment");
  k->s_with_item = sym(l, "with_item");
  k->s_global = sym(l, "global_statement");
  k->s_identifier = sym(l, "identifier");
  k->s_attribute = sym(l, "attribute");
  k->s_string = sym(l, "string");
  k->s_string_content = sym(l, "string_content");
  k->s_keyword_argument = sym(l, "keyword_argument");
  k->s_argument_list = sym(l, "argument_list");
  k->s_tuple = sym(l, "tuple");
  k->s_list = sym(l, "list");
  k->s_as_pattern = sym(l, "as_pattern");
  k->s_as_pattern_target = sym(l, "as_pattern_target");
  k->s_comparison = sym(l, "comparison_operator");
  k->s_subscript = sym(l, "subscript");
  k->s_pattern_list = sym(l, "pattern_list");
  k->s_tuple_pattern = sym(l, "tuple_pattern");
  k->s_parenthesized = sym(l, "parenthesized_expression");
  k->s_list_splat = sym(l, "list_splat");
  k->s_dict_splat = sym(l, "dictionary_splat");
  k->s_parameters = sym(l, "parameters");
  k->s_default_parameter = sym(l, "default_parameter");
  k->s_typed_parameter = sym(l, "typed_parameter");
  k->s_typed_default_parameter = sym(l, "typed_default_parameter");
  k->s_import = sym(l, "import_statement");
  k->s_import_from = sym(l, "import_from_statement");
  k->s_decorated = sym(l, "decorated_definition");
  k->s_for = sym(l, "for_statement");
  k->s_delete = sym(l, "delete_statement");
  k->s_expression_list = sym(l, "expression_list");
  k->s_lambda_parameters = sym(l, "lambda_parameters");
  k->s_generator = sym(l, "generator_expression");
  k->s_list_comp = sym(l, "list_comprehension");
  k->s_keyword_separator = sym(l, "keyword_separator");
  k->f_function = fld(l, "function");
  k->f_arguments = fld(l, "arguments");
  k->f_name = fld(l, "name");
  k->f_value = fld(l, "value");
  k->f_left = fld(l, "left");
  k->f_right = fld(l, "right");
  k->f_object = fld(l, "object");
  k->f_attribute = fld(l, "attribute");
  k->f_condition = fld(l, "condition");
  k->f_consequence = fld(l, "consequence");
  k->f_body = fld(l, "body");
  k->f_alias = fld(l, "alias");
}

static const char *text(Walk *k, TSNode n) {
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  return ps_arena_strndup(k->arena, t, len);
}

static bool text_is(Walk *k, TSNode n, const char *s) {
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  return len == strlen(s) && !memcmp(t, s, len);
}

/* Dotted text of an identifier / attribute chain, or NULL. */
static const char *chain(Walk *k, TSNode n) {
  TSSymbol s = ts_node_symbol(n);
  if (s != k->s_identifier && s != k->s_attribute) return NULL;
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  if (len > 512) return NULL;
  char *o = ps_arena_alloc(k->arena, len + 1);
  size_t j = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\\' || c == '\n' || c == '\r') continue;
    if (c == '#' || c == '(' || c == '[' || c == '"' || c == '\'') return NULL;
    o[j++] = c;
  }
  o[j] = '\0';
  return o;
}

/* The plain string value of a literal, or NULL. */
static const char *string_value(Walk *k, TSNode n) {
  if (ts_node_is_null(n) || ts_node_symbol(n) != k->s_string) return NULL;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_symbol(c) == k->s_string_content) return text(k, c);
  }
  return NULL;
}

static const Var *find_var(Walk *k, const char *name) {
  const Var *best = NULL;
  size_t best_len = 0;
  uint64_t last = 0;
  ps_strmap_find(&k->var_last, name, strlen(name), &last);
  for (size_t i = (size_t)last; i-- > 0; i = k->vars.items[i].prev) { /* the same name's Vars, newest first */
    const Var *v = &k->vars.items[i];
    size_t vl = strlen(v->scope);
    bool visible = !strcmp(v->scope, k->scope) ||
                   (vl == 0) || (!strncmp(k->scope, v->scope, vl) && k->scope[vl] == '.');
    if (!visible) continue;
    if (!best || vl > best_len) best = v, best_len = vl;
    if (!strcmp(v->scope, k->scope)) break;
  }
  return best && best->kind != V_OTHER ? best : NULL;
}

static const PsMpRow *row_named(Walk *k, const char *q, unsigned kinds) {
  if (!q) return NULL;
  for (size_t i = 0; i < k->t->n_rows; i++) {
    const PsMpRow *r = &k->t->rows[i];
    if ((kinds & (1u << r->kind)) && !strcmp(r->name, q)) return r;
  }
  return NULL;
}

#define K(x) (1u << (x))
#define CONSTRUCTORS (K(PS_MP_POOL) | K(PS_MP_INTERP_POOL) | K(PS_MP_PROCESS) | K(PS_MP_MANAGER))

/* The qualified name a callee chain stands for (through imports), or the
 * chain itself when nothing binds its head. */
static const char *resolve(Walk *k, const char *c) {
  if (!c) return NULL;
  unsigned g = 0;
  const char *r = ps_summary_resolve(k->sum, c, k->scope, k->arena, &g);
  return r ? r : c;
}

/* A call's arguments: positional ones in order, keyword ones by name. */
typedef struct Args {
  TSNode pos[16];
  size_t n_pos;
  TSNode kwname[16], kwval[16];
  size_t n_kw;
  bool star; /* *args or **kwargs: positions are unknown */
} Args;

static void read_args(Walk *k, TSNode call, Args *a) {
  memset(a, 0, sizeof *a);
  TSNode al = ts_node_child_by_field_id(call, k->f_arguments);
  if (ts_node_is_null(al) || ts_node_symbol(al) != k->s_argument_list) return;
  uint32_t n = ts_node_named_child_count(al);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_named_child(al, i);
    TSSymbol s = ts_node_symbol(c);
    if (s == k->s_keyword_argument) {
      if (a->n_kw < 16) {
        a->kwname[a->n_kw] = ts_node_child_by_field_id(c, k->f_name);
        a->kwval[a->n_kw++] = ts_node_child_by_field_id(c, k->f_value);
      }
    } else if (s == k->s_list_splat || s == k->s_dict_splat) {
      a->star = true;
    } else if (a->n_pos < 16 && !a->star) {
      a->pos[a->n_pos++] = c;
    }
  }
}

static TSNode kwarg(Walk *k, const Args *a, const char *name) {
  for (size_t i = 0; i < a->n_kw; i++)
    if (!ts_node_is_null(a->kwname[i]) && text_is(k, a->kwname[i], name)) return a->kwval[i];
  return (TSNode){0};
}

/* The start method an expression pins: get_context("x") or a context
 * variable. NULL: none (or not a literal). */
static const char *context_method(Walk *k, TSNode e) {
  if (ts_node_is_null(e)) return NULL;
  TSSymbol s = ts_node_symbol(e);
  if (s == k->s_identifier) {
    const Var *v = find_var(k, text(k, e));
    return v && v->kind == V_CONTEXT ? v->method : NULL;
  }
  if (s != k->s_call) return NULL;
  const char *q = resolve(k, chain(k, ts_node_child_by_field_id(e, k->f_function)));
  const PsMpRow *r = row_named(k, q, K(PS_MP_CONTEXT));
  if (!r) return NULL;
  Args a;
  read_args(k, e, &a);
  TSNode m = kwarg(k, &a, "method");
  if (ts_node_is_null(m) && a.n_pos) m = a.pos[0];
  return string_value(k, m);
}

/* What a call creates: a row among `kinds` and the start method pinned by
 * a context receiver (`ctx.Pool()`, `get_context("spawn").Process()`). */
static const PsMpRow *classify_call(Walk *k, TSNode call, unsigned kinds, const char **method, const char **api) {
  *method = NULL;
  TSNode fn = ts_node_child_by_field_id(call, k->f_function);
  if (ts_node_is_null(fn)) return NULL;
  const char *c = chain(k, fn);
  *api = c ? c : NULL;
  if (ts_node_symbol(fn) == k->s_attribute) {
    TSNode obj = ts_node_child_by_field_id(fn, k->f_object);
    const char *ctxm = context_method(k, obj);
    bool is_ctx = ctxm != NULL;
    if (!is_ctx && ts_node_symbol(obj) == k->s_identifier) {
      const Var *v = find_var(k, text(k, obj));
      is_ctx = v && v->kind == V_CONTEXT;
    }
    if (!is_ctx && ts_node_symbol(obj) == k->s_call) {
      const char *q = resolve(k, chain(k, ts_node_child_by_field_id(obj, k->f_function)));
      is_ctx = row_named(k, q, K(PS_MP_CONTEXT)) != NULL;
    }
    if (is_ctx) {
      /* A context's Pool/Process/Manager are multiprocessing's. */
      const char *attr = text(k, ts_node_child_by_field_id(fn, k->f_attribute));
      *method = ctxm;
      const PsMpRow *r = row_named(k, ps_arena_sprintf(k->arena, "multiprocessing.%s", attr), kinds);
      if (r && !*api) *api = ps_arena_sprintf(k->arena, "get_context(...).%s", attr);
      return r;
    }
  }
  if (!c) return NULL;
  const PsMpRow *r = row_named(k, resolve(k, c), kinds);
  if (r && (r->kind == PS_MP_POOL || r->kind == PS_MP_INTERP_POOL)) {
    Args a;
    read_args(k, call, &a);
    *method = context_method(k, kwarg(k, &a, "mp_context"));
  }
  return r;
}

/* Why an expression cannot be pickled, or NULL (as far as this file
 * shows). */
static const char *unpicklable(Walk *k, TSNode e, bool is_callable, int depth) {
  if (ts_node_is_null(e) || depth > 4) return NULL;
  TSSymbol s = ts_node_symbol(e);
  if (s == k->s_lambda) return "a lambda";
  if (s == k->s_identifier) {
    const char *n = text(k, e);
    const Var *v = find_var(k, n);
    if (v && v->kind == V_LAMBDA) return ps_arena_sprintf(k->arena, "`%s` (a lambda)", n);
    if (v && v->kind == V_UNPICKLABLE) return ps_arena_sprintf(k->arena, "`%s` (%s)", n, v->row->what);
    if (v && v->kind == V_LOCAL_INSTANCE)
      return ps_arena_sprintf(k->arena, "`%s` (an instance of `%s`, a class defined in a function)", n, v->api);
    if (v) return NULL;
    const PsDef *d = ps_mp_find_def(k->sum, k->scope, n);
    if (d && strchr(d->name, '.')) {
      char parent[1024];
      snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(d->name, '.') - d->name), d->name);
      if (ps_mp_is_function(k->sum, parent))
        return ps_arena_sprintf(k->arena, d->kind == PS_DEF_CLASS ? "`%s` (a class defined inside `%s()`)"
                                                                   : "`%s` (a function nested in `%s()`)",
                                n, parent);
    }
    return NULL;
  }
  if (s == k->s_call) {
    TSNode fn = ts_node_child_by_field_id(e, k->f_function);
    const char *c = chain(k, fn);
    const char *q = resolve(k, c);
    if (q && (!strcmp(q, "functools.partial") || !strcmp(q, "partial"))) {
      Args a;
      read_args(k, e, &a);
      for (size_t i = 0; i < a.n_pos; i++) {
        const char *why = unpicklable(k, a.pos[i], i == 0, depth + 1);
        if (why) return ps_arena_sprintf(k->arena, "functools.partial of %s", why);
      }
      return NULL;
    }
    const PsMpRow *r = row_named(k, q, K(PS_MP_UNPICKLABLE));
    if (r && !is_callable) return ps_arena_sprintf(k->arena, "`%s(...)` (%s)", c, r->what);
    if (c && !strchr(c, '.') && !is_callable) {
      const PsDef *d = ps_mp_find_def(k->sum, k->scope, c);
      if (d && d->kind == PS_DEF_CLASS && strchr(d->name, '.')) {
        char parent[1024];
        snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(d->name, '.') - d->name), d->name);
        if (ps_mp_is_function(k->sum, parent))
          return ps_arena_sprintf(k->arena, "an instance of `%s` (a class defined inside `%s()`)", c, parent);
      }
    }
    return NULL;
  }
  if (s == k->s_attribute) {
    TSNode obj = ts_node_child_by_field_id(e, k->f_object);
    if (ts_node_symbol(obj) != k->s_identifier) return NULL;
    const char *why = unpicklable(k, obj, false, depth + 1);
    if (why && is_callable) return ps_arena_sprintf(k->arena, "`%s` (a bound method of %s)", text(k, e), why);
    return NULL;
  }
  return NULL;
}

static void hand(Walk *k, const PsMpRow *row, const char *api, TSNode e, bool is_callable, const char *slot,
                 const char *method) {
  if (ts_node_is_null(e)) return;
  PsMpHanded h = {row, api, e, is_callable, slot, method, k->scope, row->kind == PS_MP_INTERP_POOL, NULL, NULL,
                  k->from_method, false};
  h.why = unpicklable(k, e, is_callable, 0);
  if (is_callable && ts_node_symbol(e) == k->s_identifier) {
    const char *n = text(k, e);
    const PsDef *d = find_var(k, n) ? NULL : ps_mp_find_def(k->sum, k->scope, n);
    if (d && d->kind == PS_DEF_FUNCTION && !strchr(d->name, '.')) {
      h.module_def = d->name;
      array_push(&k->m->worker_defs, d->name);
    }
  }
  array_push(&k->m->handed, h);
}

/* Hands what a call's slots hold: callables, and arguments (a tuple or
 * list literal is opened up; `rest` slots take each positional one). */
static void hand_slots(Walk *k, const PsMpRow *row, const char *api, TSNode call, const PsMpSlot *slots, size_t n,
                       bool is_callable, const char *method) {
  Args a;
  read_args(k, call, &a);
  for (size_t i = 0; i < n; i++) {
    const PsMpSlot *sl = &slots[i];
    TSNode v = sl->kw ? kwarg(k, &a, sl->kw) : (TSNode){0};
    const char *slot = is_callable ? (sl->kw ? ps_arena_sprintf(k->arena, "as `%s`", sl->kw) : "as the task")
                                   : "as an argument";
    if (!ts_node_is_null(v)) {
      TSSymbol vs = ts_node_symbol(v);
      if (!is_callable && (vs == k->s_tuple || vs == k->s_list)) {
        uint32_t m = ts_node_named_child_count(v);
        for (uint32_t j = 0; j < m; j++) hand(k, row, api, ts_node_named_child(v, j), false, slot, method);
      } else {
        hand(k, row, api, v, is_callable, slot, method);
      }
      continue;
    }
    if (sl->pos < 0 || a.star) continue;
    for (size_t p = (size_t)sl->pos; p < a.n_pos; p++) {
      TSNode e = a.pos[p];
      TSSymbol es = ts_node_symbol(e);
      if (!is_callable && !sl->rest && (es == k->s_tuple || es == k->s_list)) {
        uint32_t m = ts_node_named_child_count(e);
        for (uint32_t j = 0; j < m; j++) hand(k, row, api, ts_node_named_child(e, j), false, slot, method);
      } else {
        hand(k, row, api, e, is_callable, slot, method);
      }
      if (!sl->rest) break;
    }
  }
}

static void add_start(Walk *k, TSNode n, const char *api, const char *method, bool set_start) {
  PsMpStart s = {ts_node_start_byte(n), ts_node_end_byte(n), api, k->scope, !k->in_def && !k->guarded, method,
                 set_start};
  array_push(&k->m->starts, s);
}

static void add_event(Walk *k, bool fork, const PsMpRow *row, TSNode n, const char *api) {
  PsMpEvent e = {row, ts_node_start_byte(n), ts_node_end_byte(n), api, k->scope};
  if (fork) array_push(&k->m->forks, e);
  else array_push(&k->m->threads, e);
}

static void visit_call(Walk *k, TSNode n) {
  TSNode fn = ts_node_child_by_field_id(n, k->f_function);
  if (ts_node_is_null(fn)) return;
  const char *c = chain(k, fn);
  if (!k->in_def && c) {
    PsMpTopCall tc = {c, ts_node_start_byte(n), ts_node_end_byte(n), k->guarded, !k->guarded};
    array_push(&k->m->top_calls, tc);
  }
  /* Constructors: pools, processes, managers. */
  const char *method = NULL, *api = NULL;
  const PsMpRow *r = classify_call(k, n, CONSTRUCTORS, &method, &api);
  if (r) {
    if (!api) api = r->name;
    size_t h0 = k->m->handed.size;
    hand_slots(k, r, api, n, r->callable, r->n_callable, true, method);
    hand_slots(k, r, api, n, r->args, r->n_args, false, method);
    if (r->kind == PS_MP_PROCESS) {
      /* A Process pickles its target and args at start(): one bound to a
       * name counts once the file starts it (`p = Process(...)` then
       * `p.start()`). Anything else (a chained `.start()`, a list of
       * processes, an attribute) is taken as started. */
      TSNode parent = k->path.size ? *array_last(&k->path) : (TSNode){0};
      if (!ts_node_is_null(parent) && ts_node_symbol(parent) == k->s_assignment &&
          ts_node_symbol(ts_node_child_by_field_id(parent, k->f_left)) == k->s_identifier) {
        const char *name = text(k, ts_node_child_by_field_id(parent, k->f_left));
        uint64_t last = 0;
        ps_strmap_find(&k->var_last, name, strlen(name), &last);
        for (size_t i = (size_t)last; i-- > 0; i = k->vars.items[i].prev)
          if (!strcmp(k->vars.items[i].scope, k->scope)) {
            Var *v = &k->vars.items[i];
            v->h_first = h0;
            v->h_last = k->m->handed.size;
            for (size_t h = h0; h < v->h_last; h++) k->m->handed.items[h].unstarted = true;
            break;
          }
      }
    }
    if (r->starts == PS_MP_STARTS_NOW) add_start(k, n, ps_arena_sprintf(k->arena, "%s()", api), method, false);
    return; /* a fork context it was given is reported where it was made */
  }
  const char *q = resolve(k, c);
  if ((r = row_named(k, q, K(PS_MP_SET_START)))) {
    Args a;
    read_args(k, n, &a);
    TSNode m = kwarg(k, &a, "method");
    if (ts_node_is_null(m) && a.n_pos) m = a.pos[0];
    const char *v = string_value(k, m);
    if (v) k->m->file_method = v;
    /* force=True replaces a context already set: no error when re-run. */
    TSNode force = kwarg(k, &a, "force");
    if (ts_node_is_null(force) || !text_is(k, force, "True")) add_start(k, n, c, v, true);
    if (v && !strcmp(v, "fork")) add_event(k, true, r, n, c);
    return;
  }
  if ((r = row_named(k, q, K(PS_MP_CONTEXT)))) {
    const char *v = context_method(k, n);
    if (v && !strcmp(v, "fork")) add_event(k, true, r, n, c);
    return;
  }
  if ((r = row_named(k, q, K(PS_MP_FORK)))) {
    add_event(k, true, r, n, c);
    return;
  }
  if ((r = row_named(k, q, K(PS_MP_THREAD)))) {
    add_event(k, false, r, n, c);
    return;
  }
  /* Methods: pool.map(f, ...), p.start(), Pool().map(...). */
  if (ts_node_symbol(fn) != k->s_attribute) return;
  TSNode obj = ts_node_child_by_field_id(fn, k->f_object);
  const char *attr = text(k, ts_node_child_by_field_id(fn, k->f_attribute));
  const PsMpRow *recv = NULL;
  const char *recv_method = NULL, *recv_api = NULL;
  Var *var = NULL;
  if (ts_node_symbol(obj) == k->s_identifier) {
    var = (Var *)find_var(k, text(k, obj));
    if (var && (var->kind == V_POOL || var->kind == V_PROCESS)) {
      recv = var->row;
      recv_method = var->method;
      recv_api = c;
    }
  } else if (ts_node_symbol(obj) == k->s_call) {
    recv = classify_call(k, obj, CONSTRUCTORS, &recv_method, &recv_api);
    recv_api = recv ? ps_arena_sprintf(k->arena, "%s().%s", recv_api ? recv_api : recv->name, attr) : NULL;
  }
  if (!recv) return;
  if (recv->kind == PS_MP_PROCESS) {
    if (!strcmp(attr, "start") && var)
      for (size_t h = var->h_first; h < var->h_last && h < k->m->handed.size; h++) k->m->handed.items[h].unstarted = false;
    if (!strcmp(attr, "start") && (!var || !var->started)) {
      add_start(k, n, ps_arena_sprintf(k->arena, "%s()", recv_api), recv_method, false);
      if (var) var->started = true;
    }
    return;
  }
  if (recv->kind != PS_MP_POOL && recv->kind != PS_MP_INTERP_POOL) return;
  const PsMpRow *mr = row_named(k, attr, K(PS_MP_METHOD));
  if (!mr) return;
  /* The method row says where the callable is; the receiver says which
   * pool the work goes to. */
  k->from_method = true;
  hand_slots(k, recv, recv_api, n, mr->callable, mr->n_callable, true, recv_method);
  hand_slots(k, recv, recv_api, n, mr->args, mr->n_args, false, recv_method);
  k->from_method = false;
  if (recv->starts == PS_MP_STARTS_LATER && (!var || !var->started)) {
    add_start(k, n, ps_arena_sprintf(k->arena, "%s()", recv_api), recv_method, false);
    if (var) var->started = true;
  }
}

/* Binds `name` to what `value` makes (a pool, a context, a lambda ...). */
static void bind(Walk *k, const char *name, TSNode value) {
  Var v = {name, k->scope, V_OTHER, NULL, NULL, NULL, false, 0, 0, 0};
  if (!ts_node_is_null(value)) {
    TSSymbol s = ts_node_symbol(value);
    if (s == k->s_lambda) {
      v.kind = V_LAMBDA;
    } else if (s == k->s_call) {
      const char *method = NULL, *api = NULL;
      const PsMpRow *r = classify_call(k, value, CONSTRUCTORS, &method, &api);
      if (r) {
        v.kind = r->kind == PS_MP_PROCESS ? V_PROCESS : r->kind == PS_MP_MANAGER ? V_OTHER : V_POOL;
        v.row = r;
        v.method = method;
        v.api = api;
      } else {
        const char *c = chain(k, ts_node_child_by_field_id(value, k->f_function));
        const char *q = resolve(k, c);
        if ((r = row_named(k, q, K(PS_MP_CONTEXT)))) {
          v.kind = V_CONTEXT;
          v.method = context_method(k, value);
        } else if ((r = row_named(k, q, K(PS_MP_UNPICKLABLE)))) {
          v.kind = V_UNPICKLABLE;
          v.row = r;
        } else if (c && !strchr(c, '.')) {
          const PsDef *d = ps_mp_find_def(k->sum, k->scope, c);
          if (d && d->kind == PS_DEF_CLASS && strchr(d->name, '.')) {
            char parent[1024];
            snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(d->name, '.') - d->name), d->name);
            if (ps_mp_is_function(k->sum, parent)) {
              v.kind = V_LOCAL_INSTANCE;
              v.api = c;
            }
          }
        }
      }
    }
  }
  uint64_t last = 0;
  ps_strmap_find(&k->var_last, name, strlen(name), &last);
  v.prev = (size_t)last;
  array_push(&k->vars, v);
  ps_strmap_put(&k->var_last, name, k->vars.size, true);
}

static bool declared_global(Walk *k, const char *name) {
  for (size_t i = 0; i < k->globals.size; i++)
    if (!strcmp(k->globals.items[i].scope, k->scope) && !strcmp(k->globals.items[i].name, name)) return true;
  return false;
}

static void add_write(Walk *k, const char *name, TSNode n, PsMpWriteKind kind) {
  if (!name) return;
  if (k->in_def && kind == PS_MP_W_ASSIGN && !declared_global(k, name)) return; /* a local */
  PsMpWrite w = {name, ts_node_start_byte(n), ts_node_end_byte(n), k->in_def ? k->scope : "", k->guarded, k->in_def,
                 kind};
  array_push(&k->m->writes, w);
}

/* Every plain name a target binds, as writes. */
static void write_targets(Walk *k, TSNode t, TSNode stmt, int depth) {
  if (ts_node_is_null(t) || depth > 16) return;
  TSSymbol s = ts_node_symbol(t);
  if (s == k->s_identifier) {
    add_write(k, text(k, t), stmt, PS_MP_W_ASSIGN);
  } else if (s == k->s_subscript || s == k->s_attribute) {
    /* G[k] = v, G.x = v: the object G is mutated. */
    TSNode base = ts_node_child_by_field_id(t, s == k->s_subscript ? k->f_value : k->f_object);
    if (!ts_node_is_null(base) && ts_node_symbol(base) == k->s_identifier) {
      add_write(k, text(k, base), stmt, PS_MP_W_MUTATE);
      /* `mod.NAME = v` outside defs: maybe another module's global (the
       * project stage resolves `mod`). */
      const char *c = s == k->s_attribute && !k->in_def ? chain(k, t) : NULL;
      if (c) {
        PsMpWrite w = {c, ts_node_start_byte(stmt), ts_node_end_byte(stmt), "", k->guarded, false, PS_MP_W_ASSIGN};
        array_push(&k->m->attr_writes, w);
      }
    }
  } else if (s == k->s_pattern_list || s == k->s_tuple_pattern || s == k->s_tuple || s == k->s_list ||
             s == k->s_expression_list || s == k->s_parenthesized) {
    uint32_t n = ts_node_named_child_count(t);
    for (uint32_t i = 0; i < n; i++) write_targets(k, ts_node_named_child(t, i), stmt, depth + 1);
  }
}

static void visit_assignment(Walk *k, TSNode n, bool augmented) {
  TSNode left = ts_node_child_by_field_id(n, k->f_left);
  TSNode right = ts_node_child_by_field_id(n, k->f_right);
  if (ts_node_is_null(left)) return;
  if (augmented) {
    if (ts_node_symbol(left) == k->s_identifier) {
      const char *name = text(k, left);
      if (!k->in_def || declared_global(k, name)) add_write(k, name, n, PS_MP_W_ASSIGN);
    } else {
      write_targets(k, left, n, 0);
    }
    return;
  }
  write_targets(k, left, n, 0);
  if (ts_node_symbol(left) == k->s_identifier) bind(k, text(k, left), right);
}

/* `G.append(x)`, `G.update(...)`: a mutation of G when G is a bare name. */
static void visit_mutating_call(Walk *k, TSNode n) {
  static const char *const M[] = {"append", "extend", "insert", "update", "setdefault", "add", "clear", "pop",
                                  "remove", "discard", "__setitem__", NULL};
  TSNode fn = ts_node_child_by_field_id(n, k->f_function);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != k->s_attribute) return;
  TSNode obj = ts_node_child_by_field_id(fn, k->f_object);
  if (ts_node_symbol(obj) != k->s_identifier) return;
  TSNode at = ts_node_child_by_field_id(fn, k->f_attribute);
  for (const char *const *m = M; *m; m++)
    if (text_is(k, at, *m)) {
      add_write(k, text(k, obj), n, PS_MP_W_MUTATE);
      return;
    }
}

static bool is_main_guard(Walk *k, TSNode cond) {
  if (ts_node_symbol(cond) == k->s_parenthesized && ts_node_named_child_count(cond) == 1)
    cond = ts_node_named_child(cond, 0);
  if (ts_node_symbol(cond) != k->s_comparison || ts_node_named_child_count(cond) != 2) return false;
  TSNode a = ts_node_named_child(cond, 0), b = ts_node_named_child(cond, 1);
  bool eq = false;
  for (uint32_t i = 0; i < ts_node_child_count(cond); i++) {
    TSNode c = ts_node_child(cond, i);
    if (!ts_node_is_named(c)) eq = text_is(k, c, "==");
  }
  if (!eq) return false;
  const char *va = string_value(k, a), *vb = string_value(k, b);
  return (text_is(k, a, "__name__") && vb && !strcmp(vb, "__main__")) ||
         (text_is(k, b, "__name__") && va && !strcmp(va, "__main__"));
}

/* A bare name read inside a def (not a store, not a definition). */
static void visit_identifier(Walk *k, TSNode n) {
  if (!k->in_def || !k->path.size) return;
  TSNode parent = *array_last(&k->path);
  TSSymbol ps = ts_node_symbol(parent);
  if (ps == k->s_attribute && !ts_node_eq(ts_node_child_by_field_id(parent, k->f_object), n)) return;
  if (ps == k->s_keyword_argument && ts_node_eq(ts_node_child_by_field_id(parent, k->f_name), n)) return;
  if ((ps == k->s_assignment || ps == k->s_augmented) && ts_node_eq(ts_node_child_by_field_id(parent, k->f_left), n))
    return;
  if (ps == k->s_func || ps == k->s_class || ps == k->s_parameters || ps == k->s_default_parameter ||
      ps == k->s_typed_parameter || ps == k->s_typed_default_parameter || ps == k->s_global ||
      ps == k->s_pattern_list || ps == k->s_tuple_pattern || ps == k->s_as_pattern_target || ps == k->s_delete ||
      ps == k->s_lambda_parameters)
    return;
  if (ps == k->s_for && ts_node_eq(ts_node_child_by_field_id(parent, k->f_left), n)) return;
  PsMpRead r = {text(k, n), k->scope, ts_node_start_byte(n), ts_node_end_byte(n)};
  array_push(&k->m->reads, r);
}

static void push_frame(Walk *k, TSNode body, FrameKind kind, const char *scope) {
  if (ts_node_is_null(body)) return;
  Frame f = {ts_node_end_byte(body), kind, scope};
  array_push(&k->frames, f);
}

static void recompute(Walk *k) {
  k->scope = "";
  k->in_def = k->guarded = false;
  for (size_t i = 0; i < k->frames.size; i++) {
    const Frame *f = &k->frames.items[i];
    if (f->scope) k->scope = f->scope;
    if (f->kind == F_DEF || f->kind == F_LAMBDA) k->in_def = true;
    if (f->kind == F_GUARD) k->guarded = true;
  }
}

void ps_mp_model_build(PsMpModel *out, const PsMpTable *table, const PsFileContext *ctx, PsArena *arena) {
  memset(out, 0, sizeof *out);
  const PsSource *src = ctx->source;
  const char *base = strrchr(src->path, '/');
  out->is_dunder_main = !strcmp(base ? base + 1 : src->path, "__main__.py");
  if (!src->tree) return;
  Walk k = {0};
  k.t = table;
  k.ctx = ctx;
  k.src = src;
  k.sum = ctx->summary;
  k.arena = arena;
  k.m = out;
  k.scope = "";
  init_symbols(&k);
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(src->tree));
  for (;;) {
    if (ps_deadline_poll(ctx->deadline)) break;
    TSNode n = ts_tree_cursor_current_node(&cur);
    TSSymbol s = ts_node_symbol(n);
    uint32_t at = ts_node_start_byte(n);
    size_t before = k.frames.size;
    while (k.frames.size && array_last(&k.frames)->end <= at) k.frames.size--;
    if (k.frames.size != before) recompute(&k);
    bool descend = true;
    if (s == k.s_call) {
      visit_call(&k, n);
      visit_mutating_call(&k, n);
    } else if (s == k.s_func || s == k.s_class) {
      TSNode name = ts_node_child_by_field_id(n, k.f_name);
      if (!ts_node_is_null(name)) {
        const char *nm = text(&k, name);
        const char *q = *k.scope ? ps_arena_sprintf(arena, "%s.%s", k.scope, nm) : nm;
        if (k.in_def) bind(&k, nm, (TSNode){0}); /* a local def shadows outer names */
        push_frame(&k, ts_node_child_by_field_id(n, k.f_body), s == k.s_func ? F_DEF : F_CLASS, q);
        recompute(&k);
      }
    } else if (s == k.s_lambda) {
      push_frame(&k, n, F_LAMBDA, NULL);
      recompute(&k);
    } else if (s == k.s_if) {
      TSNode cond = ts_node_child_by_field_id(n, k.f_condition);
      if (!ts_node_is_null(cond) && is_main_guard(&k, cond)) {
        out->has_guard = true;
        push_frame(&k, ts_node_child_by_field_id(n, k.f_consequence), F_GUARD, NULL);
        recompute(&k);
      }
    } else if (s == k.s_assignment) {
      visit_assignment(&k, n, false);
    } else if (s == k.s_augmented) {
      visit_assignment(&k, n, true);
    } else if (s == k.s_with_item) {
      TSNode v = ts_node_child_by_field_id(n, k.f_value);
      if (!ts_node_is_null(v) && ts_node_symbol(v) == k.s_as_pattern && ts_node_named_child_count(v) >= 2) {
        TSNode e = ts_node_named_child(v, 0);
        TSNode tgt = ts_node_child_by_field_id(v, k.f_alias);
        if (!ts_node_is_null(tgt) && ts_node_named_child_count(tgt) == 1) tgt = ts_node_named_child(tgt, 0);
        if (!ts_node_is_null(tgt) && ts_node_symbol(tgt) == k.s_identifier) bind(&k, text(&k, tgt), e);
      }
    } else if (s == k.s_global) {
      uint32_t nc = ts_node_named_child_count(n);
      for (uint32_t i = 0; i < nc; i++) {
        GlobalDecl g = {k.scope, text(&k, ts_node_named_child(n, i))};
        array_push(&k.globals, g);
      }
    } else if (s == k.s_identifier) {
      visit_identifier(&k, n);
    } else if ((s == k.s_import || s == k.s_import_from) && !k.in_def) {
      /* Module-level names bound by imports are set at import time. */
      descend = false;
    }
    if (descend && ts_node_child_count(n) && ts_tree_cursor_goto_first_child(&cur)) {
      array_push(&k.path, n);
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
      k.path.size--;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
  array_free(&k.frames);
  array_free(&k.path);
  array_free(&k.vars);
  ps_strmap_free(&k.var_last);
  array_free(&k.globals);
}

void ps_mp_model_free(PsMpModel *self) {
  if (!self) return;
  array_free(&self->handed);
  array_free(&self->starts);
  array_free(&self->writes);
  array_free(&self->reads);
  array_free(&self->top_calls);
  array_free(&self->forks);
  array_free(&self->threads);
  array_free(&self->worker_defs);
  array_free(&self->attr_writes);
}
