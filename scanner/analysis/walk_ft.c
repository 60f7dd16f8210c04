/* walk_ft.c: the free-threading facts of one file, collected node by node
 * during the summary walk (see walk_ft.h).
 *
 * Only code inside functions (and lambdas) is recorded as accesses and
 * calls: module and class bodies run once, at import, under the import
 * lock. Module-level and class-level assignments are recorded as the
 * objects they define; `self.x = ...` in a method as an instance object.
 * Names are kept as written; ft_facts.c resolves them.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft.h"

enum {
  K_NONE,
  K_FUNC,
  K_CLASS,
  K_LAMBDA,
  K_COMPREHENSION,
  K_FOR,
  K_FOR_IN,
  K_WHILE,
  K_IF,
  K_ELIF,
  K_COND_EXPR,
  K_TRY,
  K_WITH,
  K_CALL,
  K_SUBSCRIPT,
  K_ASSIGN,
  K_AUGASSIGN,
  K_DELETE,
  K_COMPARISON,
  K_IDENTIFIER,
  K_ATTRIBUTE,
  K_GLOBAL,
  K_NONLOCAL,
  K_YIELD,
  K_COMMENT,
  K_EXPR_STATEMENT,
  K_RETURN,
};

enum { FR_FUNC, FR_CLASS, FR_LOCK, FR_CHECK, FR_EAFP, FR_LOOP, FR_MAIN };

typedef struct Frame {
  uint32_t start, end;
  uint8_t type;
  int32_t idx; /* FUNC, CLASS: index; LOCK: lock node; CHECK: check frame */
} Frame;

struct PsFtWalker {
  const TSLanguage *lang;
  uint8_t *kind; /* per symbol: K_* */
  uint32_t n_symbols;
  TSSymbol s_identifier, s_attribute, s_call, s_assignment, s_augmented, s_delete, s_expression_list,
      s_pattern_list, s_tuple_pattern, s_list_pattern, s_subscript, s_dictionary, s_dict_comp, s_list,
      s_list_comp, s_set, s_set_comp, s_genexp, s_none, s_integer, s_float, s_string, s_concat, s_true,
      s_false, s_tuple, s_unary, s_lambda, s_if, s_elif, s_while, s_not, s_boolean, s_cond_expr,
      s_as_pattern, s_as_pattern_target, s_with_item, s_keyword_argument, s_decorated, s_decorator,
      s_parameters, s_default_parameter, s_typed_parameter, s_typed_default_parameter, s_lambda_parameters,
      s_try, s_finally, s_except, s_block, s_parenthesized, s_list_splat, s_dict_splat, s_for, s_for_in,
      s_argument_list, s_with_clause, s_expression_statement, s_binary, s_comment, s_pair;
  TSFieldId f_name, f_body, f_condition, f_consequence, f_left, f_right, f_value, f_function, f_arguments,
      f_object, f_attribute, f_superclasses, f_parameters, f_alias, f_definition, f_operator;
  Array(Frame) frames;
  Array(TSNode) kids; /* named_children's result */
  TSTreeCursor cur;   /* for named_children */
  bool has_cur;
  const PsSource *src;
  PsArena *arena;
  PsFtRaw *raw;
};

static TSSymbol sym(const TSLanguage *l, const char *name) {
  return ts_language_symbol_for_name(l, name, (uint32_t)strlen(name), true);
}
static TSFieldId fld(const TSLanguage *l, const char *name) {
  return ts_language_field_id_for_name(l, name, (uint32_t)strlen(name));
}

static void set_kind(PsFtWalker *w, const char *name, uint8_t k) {
  TSSymbol s = sym(w->lang, name);
  if (s && s < w->n_symbols) w->kind[s] = k;
}

PsFtWalker *ps_ft_walk__new(const TSLanguage *l) {
  PsFtWalker *w = ps_xcalloc(1, sizeof *w);
  w->lang = l;
  w->n_symbols = ts_language_symbol_count(l);
  w->kind = ps_xcalloc(w->n_symbols + 1, 1);
  set_kind(w, "function_definition", K_FUNC);
  set_kind(w, "class_definition", K_CLASS);
  set_kind(w, "lambda", K_LAMBDA);
  set_kind(w, "list_comprehension", K_COMPREHENSION);
  set_kind(w, "set_comprehension", K_COMPREHENSION);
  set_kind(w, "dictionary_comprehension", K_COMPREHENSION);
  set_kind(w, "generator_expression", K_COMPREHENSION);
  set_kind(w, "for_statement", K_FOR);
  set_kind(w, "for_in_clause", K_FOR_IN);
  set_kind(w, "while_statement", K_WHILE);
  set_kind(w, "if_statement", K_IF);
  set_kind(w, "elif_clause", K_ELIF);
  set_kind(w, "conditional_expression", K_COND_EXPR);
  set_kind(w, "try_statement", K_TRY);
  set_kind(w, "with_statement", K_WITH);
  set_kind(w, "call", K_CALL);
  set_kind(w, "subscript", K_SUBSCRIPT);
  set_kind(w, "assignment", K_ASSIGN);
  set_kind(w, "augmented_assignment", K_AUGASSIGN);
  set_kind(w, "delete_statement", K_DELETE);
  set_kind(w, "comparison_operator", K_COMPARISON);
  set_kind(w, "identifier", K_IDENTIFIER);
  set_kind(w, "attribute", K_ATTRIBUTE);
  set_kind(w, "global_statement", K_GLOBAL);
  set_kind(w, "nonlocal_statement", K_NONLOCAL);
  set_kind(w, "yield", K_YIELD);
  set_kind(w, "comment", K_COMMENT);
  set_kind(w, "expression_statement", K_EXPR_STATEMENT);
  set_kind(w, "return_statement", K_RETURN);
  w->s_identifier = sym(l, "identifier");
  w->s_attribute = sym(l, "attribute");
  w->s_call = sym(l, "call");
  w->s_assignment = sym(l, "assignment");
  w->s_augmented = sym(l, "augmented_assignment");
  w->s_delete = sym(l, "delete_statement");
  w->s_expression_list = sym(l, "expression_list");
  w->s_pattern_list = sym(l, "pattern_list");
  w->s_tuple_pattern = sym(l, "tuple_pattern");
  w->s_list_pattern = sym(l, "list_pattern");
  w->s_subscript = sym(l, "subscript");
  w->s_dictionary = sym(l, "dictionary");
  w->s_dict_comp = sym(l, "dictionary_comprehension");
  w->s_list = sym(l, "list");
  w->s_list_comp = sym(l, "list_comprehension");
  w->s_set = sym(l, "set");
  w->s_pair = sym(l, "pair");
  w->s_set_comp = sym(l, "set_comprehension");
  w->s_genexp = sym(l, "generator_expression");
  w->s_none = sym(l, "none");
  w->s_integer = sym(l, "integer");
  w->s_float = sym(l, "float");
  w->s_string = sym(l, "string");
  w->s_concat = sym(l, "concatenated_string");
  w->s_true = sym(l, "true");
  w->s_false = sym(l, "false");
  w->s_tuple = sym(l, "tuple");
  w->s_unary = sym(l, "unary_operator");
  w->s_binary = sym(l, "binary_operator");
  w->s_lambda = sym(l, "lambda");
  w->s_if = sym(l, "if_statement");
  w->s_elif = sym(l, "elif_clause");
  w->s_while = sym(l, "while_statement");
  w->s_not = sym(l, "not_operator");
  w->s_boolean = sym(l, "boolean_operator");
  w->s_cond_expr = sym(l, "conditional_expression");
  w->s_as_pattern = sym(l, "as_pattern");
  w->s_as_pattern_target = sym(l, "as_pattern_target");
  w->s_with_item = sym(l, "with_item");
  w->s_with_clause = sym(l, "with_clause");
  w->s_keyword_argument = sym(l, "keyword_argument");
  w->s_decorated = sym(l, "decorated_definition");
  w->s_decorator = sym(l, "decorator");
  w->s_parameters = sym(l, "parameters");
  w->s_default_parameter = sym(l, "default_parameter");
  w->s_typed_parameter = sym(l, "typed_parameter");
  w->s_typed_default_parameter = sym(l, "typed_default_parameter");
  w->s_lambda_parameters = sym(l, "lambda_parameters");
  w->s_try = sym(l, "try_statement");
  w->s_finally = sym(l, "finally_clause");
  w->s_except = sym(l, "except_clause");
  w->s_block = sym(l, "block");
  w->s_parenthesized = sym(l, "parenthesized_expression");
  w->s_list_splat = sym(l, "list_splat");
  w->s_dict_splat = sym(l, "dictionary_splat");
  w->s_for = sym(l, "for_statement");
  w->s_for_in = sym(l, "for_in_clause");
  w->s_argument_list = sym(l, "argument_list");
  w->s_expression_statement = sym(l, "expression_statement");
  w->s_comment = sym(l, "comment");
  w->f_name = fld(l, "name");
  w->f_body = fld(l, "body");
  w->f_condition = fld(l, "condition");
  w->f_consequence = fld(l, "consequence");
  w->f_left = fld(l, "left");
  w->f_right = fld(l, "right");
  w->f_value = fld(l, "value");
  w->f_function = fld(l, "function");
  w->f_arguments = fld(l, "arguments");
  w->f_object = fld(l, "object");
  w->f_attribute = fld(l, "attribute");
  w->f_superclasses = fld(l, "superclasses");
  w->f_parameters = fld(l, "parameters");
  w->f_alias = fld(l, "alias");
  w->f_definition = fld(l, "definition");
  w->f_operator = fld(l, "operator");
  return w;
}

void ps_ft_walk__delete(PsFtWalker *self) {
  if (!self) return;
  free(self->kind);
  array_free(&self->frames);
  array_free(&self->kids);
  if (self->has_cur) ts_tree_cursor_delete(&self->cur);
  free(self);
}

void ps_ft_raw__free(PsFtRaw *r) {
  if (!r) return;
  array_free(&r->funcs);
  array_free(&r->classes);
  array_free(&r->binds);
  array_free(&r->accesses);
  array_free(&r->calls);
  array_free(&r->args);
  array_free(&r->lock_nodes);
  array_free(&r->checks);
  array_free(&r->decls);
  array_free(&r->locals);
  array_free(&r->markers);
  array_free(&r->params);
  array_free(&r->seqs);
  array_free(&r->seq_elems);
  free(r);
}

void ps_ft_walk__begin(PsFtWalker *self, const PsSource *src, PsArena *arena, PsFtRaw **raw) {
  if (!*raw) *raw = ps_xcalloc(1, sizeof **raw);
  PsFtRaw *r = *raw;
  array_clear(&r->funcs);
  array_clear(&r->classes);
  array_clear(&r->binds);
  array_clear(&r->accesses);
  array_clear(&r->calls);
  array_clear(&r->args);
  array_clear(&r->lock_nodes);
  array_clear(&r->checks);
  array_clear(&r->decls);
  array_clear(&r->locals);
  array_clear(&r->markers);
  array_clear(&r->params);
  array_clear(&r->seqs);
  array_clear(&r->seq_elems);
  array_push(&r->lock_nodes, ((PsFtLockNode){NULL, -1, 0}));
  array_clear(&self->frames);
  self->src = src;
  self->arena = arena;
  self->raw = r;
}

/* ---- helpers ------------------------------------------------------------------ */

/* The named children of n (at most max) in w->kids: one cursor pass, where
 * ts_node_named_child(n, i) would walk from the first child every time. */
static size_t named_children(PsFtWalker *w, TSNode n, size_t max) {
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
static const char *find_bytes(const char *h, size_t hn, const char *nd, size_t nn) {
  if (!nn) return h;
  for (const char *p = h; hn >= nn && (p = memchr(p, nd[0], hn - nn + 1 - (size_t)(p - h))); p++)
    if (!memcmp(p, nd, nn)) return p;
  return NULL;
}

static const char *text_of(PsFtWalker *w, TSNode n, uint32_t *len) { return ps_source_node_text(w->src, n, len); }

static bool text_eq(PsFtWalker *w, TSNode n, const char *s) {
  uint32_t len;
  const char *t = text_of(w, n, &len);
  return len == strlen(s) && !memcmp(t, s, len);
}

/* The dotted text of an identifier or attribute chain (`self._cache`), in
 * the arena; NULL for anything else (calls, subscripts inside). */
static const char *chain(PsFtWalker *w, TSNode n) {
  if (ts_node_is_null(n)) return NULL;
  TSSymbol s = ts_node_symbol(n);
  if (s != w->s_identifier && s != w->s_attribute) return NULL;
  uint32_t len;
  const char *t = text_of(w, n, &len);
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

static bool is_chain(PsFtWalker *w, TSNode n) {
  if (ts_node_is_null(n)) return false;
  TSSymbol s = ts_node_symbol(n);
  while (s == w->s_attribute) {
    n = ts_node_child_by_field_id(n, w->f_object);
    if (ts_node_is_null(n)) return false;
    s = ts_node_symbol(n);
  }
  return s == w->s_identifier;
}

static TSNode parent_of(const TSNode *path, size_t depth, size_t up) {
  return up < depth ? path[depth - 1 - up] : (TSNode){0};
}

static bool inside(TSNode n, uint32_t start, uint32_t end) {
  return ts_node_start_byte(n) >= start && ts_node_end_byte(n) <= end;
}

/* The innermost frame of `type` inside the current function (the search
 * stops at a function or class frame), or NULL. */
static const Frame *frame_in_func(const PsFtWalker *w, uint8_t type) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == type) return f;
    if (f->type == FR_FUNC || f->type == FR_CLASS) return NULL;
  }
  return NULL;
}

/* The function the current node is in (-1: module or class level). */
static int32_t cur_func(const PsFtWalker *w) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC) return f->idx;
    if (f->type == FR_CLASS) return -1;
  }
  return -1;
}

/* The class whose body the current node is directly in, or -1. */
static int32_t cur_class_body(const PsFtWalker *w) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_CLASS) return f->idx;
    if (f->type == FR_FUNC) return -1;
  }
  return -1;
}

static bool at_module_level(const PsFtWalker *w) {
  for (size_t i = 0; i < w->frames.size; i++)
    if (w->frames.items[i].type == FR_FUNC || w->frames.items[i].type == FR_CLASS) return false;
  return true;
}

/* The file-local name of the innermost def or class ("" at module level):
 * the summary's scope names. Lambdas do not count. */
static const char *cur_scope(const PsFtWalker *w) {
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

static void push_frame(PsFtWalker *w, uint32_t start, uint32_t end, uint8_t type, int32_t idx) {
  array_push(&w->frames, ((Frame){start, end, type, idx}));
}

static uint8_t value_kind(PsFtWalker *w, TSNode v) {
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
static const char *value_text(PsFtWalker *w, TSNode v) {
  if (ts_node_is_null(v)) return NULL;
  TSSymbol s = ts_node_symbol(v);
  if (s == w->s_call) return chain(w, ts_node_child_by_field_id(v, w->f_function));
  if (s == w->s_identifier || s == w->s_attribute) return chain(w, v);
  return NULL;
}

/* Does the subtree at n read `ref` (as a whole chain, or subscripted:
 * ref[...], or through ref.get(...))? A bounded look: right-hand sides. */
static bool mentions(PsFtWalker *w, TSNode n, const char *ref) {
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
      const char *t = text_of(w, x, &len);
      if (len == rl && !memcmp(t, ref, rl)) {
        found = true;
        break;
      }
      descend = false;
    } else if (s == w->s_attribute && is_chain(w, x)) {
      /* `ref` or `ref.anything`, never the attribute name alone (db.ref). */
      const char *t = chain(w, x);
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
static int32_t add_access_shown(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n,
                                uint8_t flags, uint8_t value, uint32_t shown_start, uint32_t shown_end) {
  int32_t func = cur_func(w);
  if (func < 0 || !ref) return -1;
  PsFtRaw *r = w->raw;
  PsFtRawAccess a = {ref, name, func, 0, -1, -1, -1, -1, ts_node_start_byte(n), ts_node_end_byte(n),
                     shown_start, shown_end, kind, flags, value};
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

static int32_t add_access(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n, uint8_t flags,
                          uint8_t value) {
  return add_access_shown(w, kind, ref, name, n, flags, value, 0, 0);
}

/* add_access, shown in messages as the text of node `shown`. */
static int32_t add_access_in(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n, uint8_t flags,
                             uint8_t value, TSNode shown) {
  return add_access_shown(w, kind, ref, name, n, flags, value, ts_node_start_byte(shown), ts_node_end_byte(shown));
}

/* The innermost lock held at byte pos of the current function (0: none).
 * A with statement's lock frame covers its body only. */
static uint32_t cur_locks_at(const PsFtWalker *w, uint32_t pos) {
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) return 0;
    if (f->type == FR_LOCK && pos >= f->start) return (uint32_t)f->idx;
  }
  return 0;
}

static uint32_t cur_locks(const PsFtWalker *w) { return cur_locks_at(w, UINT32_MAX); }

/* ---- node handlers ------------------------------------------------------------ */

static const PsFtRawBind *local_bind(const PsFtWalker *w, const char *name, size_t n);
static bool derived_test(PsFtWalker *w, TSNode n, TSNode x, bool absent);

static void visit_func(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  PsFtRaw *r = w->raw;
  TSNode name = ts_node_child_by_field_id(n, w->f_name);
  if (ts_node_is_null(name)) return;
  uint32_t len;
  const char *t = text_of(w, name, &len);
  const char *scope = cur_scope(w);
  int32_t parent = cur_func(w), cls = cur_class_body(w);
  PsFtRawFunc fn = {0};
  fn.local = *scope ? ps_arena_sprintf(w->arena, "%s.%.*s", scope, (int)len, t) : ps_arena_strndup(w->arena, t, len);
  fn.scope = fn.local;
  fn.parent = parent;
  fn.cls = cls;
  fn.self_cls = -1;
  fn.start = ts_node_start_byte(n);
  if (cls >= 0) fn.flags |= PS_FTF_METHOD;
  if (parent >= 0) fn.flags |= PS_FTF_NESTED;
  static const char *const INIT[] = {"__init__", "__new__", "__post_init__", "__init_subclass__", "__set_name__",
                                     "setUp", "__del__", NULL};
  for (const char *const *p = INIT; *p; p++)
    if (len == strlen(*p) && !memcmp(t, *p, len)) fn.flags |= PS_FTF_INIT;
  /* Implicit class methods: their first parameter is the class. */
  static const char *const IMPLICIT_CLS[] = {"__new__", "__init_subclass__", "__class_getitem__", NULL};
  for (const char *const *p = IMPLICIT_CLS; *p && cls >= 0; p++)
    if (len == strlen(*p) && !memcmp(t, *p, len)) fn.flags |= PS_FTF_CLASSMETHOD;
  fn.first_bind = (uint32_t)r->binds.size;
  fn.local_calls = -1;
  TSNode dec = parent_of(path, depth, 0);
  if (!ts_node_is_null(dec) && ts_node_symbol(dec) == w->s_decorated) {
    uint32_t nc = ts_node_named_child_count(dec);
    for (uint32_t i = 0; i < nc; i++) {
      TSNode d = ts_node_named_child(dec, i);
      if (ts_node_symbol(d) != w->s_decorator || !ts_node_named_child_count(d)) continue;
      TSNode e = ts_node_named_child(d, 0);
      bool called = ts_node_symbol(e) == w->s_call;
      if (called) e = ts_node_child_by_field_id(e, w->f_function);
      const char *dt = chain(w, e);
      if (!dt) continue;
      if (!called) {
        /* `@register`: the decorator runs once, at definition. */
        PsFtRawCall c = {dt, parent, 0, ts_node_start_byte(e), ts_node_end_byte(e), (uint32_t)r->args.size, 0,
                         PS_FTC_DECORATOR, 0};
        array_push(&r->calls, c);
      }
      const char *last = strrchr(dt, '.');
      last = last ? last + 1 : dt;
      if (!strcmp(last, "lru_cache") || !strcmp(last, "cache")) fn.flags |= PS_FTF_CACHED;
      else if (!strcmp(last, "staticmethod")) fn.flags |= PS_FTF_STATIC;
      else if (!strcmp(last, "classmethod")) fn.flags |= PS_FTF_CLASSMETHOD;
      else if (strcmp(last, "property") && strcmp(last, "setter") && strcmp(last, "abstractmethod") &&
               strcmp(last, "override") && strcmp(last, "wraps"))
        fn.flags |= PS_FTF_DECORATED;
    }
  }
  if (cls >= 0 && !(fn.flags & PS_FTF_STATIC)) {
    TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
    if (!ts_node_is_null(params) && ts_node_named_child_count(params)) {
      TSNode p0 = ts_node_named_child(params, 0);
      TSSymbol ps = ts_node_symbol(p0);
      if (ps == w->s_typed_parameter && ts_node_named_child_count(p0)) p0 = ts_node_named_child(p0, 0);
      if (ts_node_symbol(p0) == w->s_identifier) {
        fn.self_name = chain(w, p0);
        fn.self_cls = cls;
      }
    }
  } else if (parent >= 0) {
    /* A function nested in a method sees its `self` (a closure). */
    const PsFtRawFunc *pf = &r->funcs.items[parent];
    fn.self_name = pf->self_name;
    fn.self_cls = pf->self_cls;
    fn.flags |= pf->flags & PS_FTF_CLASSMETHOD; /* self_name stands for the class then */
  }
  int32_t idx = (int32_t)r->funcs.size;
  array_push(&r->funcs, fn);
  /* Parameters (but self): p.m() on one is a method we may know by name. */
  TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
  size_t np = ts_node_is_null(params) ? 0 : named_children(w, params, 12);
  for (size_t i = 0; i < np; i++) {
    TSNode p = w->kids.items[i];
    if (ts_node_symbol(p) != w->s_identifier && ts_node_named_child_count(p)) p = ts_node_named_child(p, 0);
    if (ts_node_symbol(p) != w->s_identifier) continue;
    const char *pn = chain(w, p);
    if (pn && (!fn.self_name || strcmp(pn, fn.self_name))) array_push(&r->params, ((PsFtRawDecl){pn, idx, false}));
  }
  push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_FUNC, idx);
}

static void visit_lambda(PsFtWalker *w, TSNode n) {
  PsFtRaw *r = w->raw;
  const char *scope = cur_scope(w);
  int32_t parent = cur_func(w);
  PsFtRawFunc fn = {0};
  unsigned line = ts_node_start_point(n).row + 1;
  fn.local = *scope ? ps_arena_sprintf(w->arena, "%s.<lambda:%u>", scope, line) : ps_arena_sprintf(w->arena, "<lambda:%u>", line);
  fn.scope = *scope ? scope : "";
  /* Names in a lambda are looked up in the enclosing def's scope. */
  if (parent >= 0) fn.scope = r->funcs.items[parent].scope;
  fn.parent = parent;
  fn.cls = -1;
  fn.self_cls = -1;
  fn.start = ts_node_start_byte(n);
  fn.flags = PS_FTF_LAMBDA | (parent >= 0 ? PS_FTF_NESTED : 0);
  fn.first_bind = (uint32_t)r->binds.size;
  fn.local_calls = -1;
  if (parent >= 0) {
    fn.self_name = r->funcs.items[parent].self_name;
    fn.self_cls = r->funcs.items[parent].self_cls;
  }
  int32_t idx = (int32_t)r->funcs.size;
  array_push(&r->funcs, fn);
  TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
  if (!ts_node_is_null(params)) {
    uint32_t np = ts_node_named_child_count(params);
    for (uint32_t i = 0; i < np; i++) {
      TSNode p = ts_node_named_child(params, i);
      if (ts_node_symbol(p) != w->s_identifier) p = ts_node_named_child(p, 0);
      const char *nm = chain(w, p);
      if (nm) array_push(&r->locals, ((PsFtRawDecl){nm, idx, false}));
    }
  }
  push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_FUNC, idx);
}

static void visit_class(PsFtWalker *w, TSNode n) {
  PsFtRaw *r = w->raw;
  TSNode name = ts_node_child_by_field_id(n, w->f_name);
  if (ts_node_is_null(name)) return;
  uint32_t len;
  const char *t = text_of(w, name, &len);
  const char *scope = cur_scope(w);
  PsFtRawClass c = {0};
  c.local = *scope ? ps_arena_sprintf(w->arena, "%s.%.*s", scope, (int)len, t) : ps_arena_strndup(w->arena, t, len);
  c.scope = scope;
  c.func = cur_func(w);
  c.start = ts_node_start_byte(n);
  c.bases = "";
  TSNode sup = ts_node_child_by_field_id(n, w->f_superclasses);
  if (!ts_node_is_null(sup)) {
    PsBuf b = PS_BUF_INIT;
    uint32_t nb = ts_node_named_child_count(sup);
    for (uint32_t i = 0; i < nb; i++) {
      TSNode bn = ts_node_named_child(sup, i);
      if (ts_node_symbol(bn) == w->s_keyword_argument) {
        /* metaclass=M: recorded as the base "=M". */
        TSNode kn = ts_node_child_by_field_id(bn, w->f_name);
        const char *mv = text_eq(w, kn, "metaclass") ? chain(w, ts_node_child_by_field_id(bn, w->f_value)) : NULL;
        if (mv) ps_buf_printf(&b, "%s=%s", b.len ? "," : "", mv);
        continue;
      }
      const char *base = chain(w, bn);
      if (base) ps_buf_printf(&b, "%s%s", b.len ? "," : "", base);
    }
    if (b.len) c.bases = ps_arena_strndup(w->arena, b.data, b.len);
    ps_buf_free(&b);
  }
  int32_t idx = (int32_t)r->classes.size;
  array_push(&r->classes, c);
  push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_CLASS, idx);
}

static int32_t push_check(PsFtWalker *w, TSNode n, TSNode cond) {
  if (ts_node_is_null(cond)) return -1;
  const Frame *pf = frame_in_func(w, FR_CHECK);
  PsFtCheckFrame cf = {ts_node_start_byte(n), ts_node_end_byte(n), ts_node_start_byte(cond), ts_node_end_byte(cond),
                       pf ? pf->idx : -1, -1};
  int32_t idx = (int32_t)w->raw->checks.size;
  array_push(&w->raw->checks, cf);
  push_frame(w, cf.start, cf.end, FR_CHECK, idx);
  return idx;
}

static bool in_condition(const PsFtWalker *w, TSNode n) {
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

/* What an except clause catches: PS_FTX_EAFP for a lookup failure (the
 * EAFP idiom: try d[k] except KeyError), PS_FTX_EAFP_ITER for a
 * RuntimeError ("changed size during iteration"); both for `except:` and
 * `except Exception`. */
static uint8_t catches(PsFtWalker *w, TSNode except) {
  uint32_t len;
  const char *t = text_of(w, except, &len);
  const char *colon = memchr(t, ':', len);
  if (!colon) return 0;
  size_t hl = (size_t)(colon - t);
  char head[512];
  snprintf(head, sizeof head, "%.*s", (int)(hl < 511 ? hl : 511), t);
  if (!strcmp(head, "except") || strstr(head, "Exception")) return PS_FTX_EAFP | PS_FTX_EAFP_ITER;
  uint8_t f = 0;
  if (strstr(head, "KeyError") || strstr(head, "IndexError") || strstr(head, "LookupError") || strstr(head, "ValueError"))
    f |= PS_FTX_EAFP;
  if (strstr(head, "RuntimeError")) f |= PS_FTX_EAFP_ITER;
  return f;
}

static void visit_try(PsFtWalker *w, TSNode n) {
  uint32_t nc = ts_node_named_child_count(n);
  uint8_t f = 0;
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_symbol(c) == w->s_except) f |= catches(w, c);
  }
  TSNode body = ts_node_child_by_field_id(n, w->f_body);
  if (f && !ts_node_is_null(body)) push_frame(w, ts_node_start_byte(body), ts_node_end_byte(body), FR_EAFP, f);
}

static uint32_t add_lock(PsFtWalker *w, const char *text) {
  PsFtLockNode ln = {text, cur_func(w), cur_locks(w)};
  array_push(&w->raw->lock_nodes, ln);
  return (uint32_t)w->raw->lock_nodes.size - 1;
}

static void add_local(PsFtWalker *w, TSNode target) {
  int32_t func = cur_func(w);
  if (func < 0 || ts_node_is_null(target)) return;
  TSSymbol s = ts_node_symbol(target);
  if (s == w->s_identifier) {
    array_push(&w->raw->locals, ((PsFtRawDecl){chain(w, target), func, false}));
  } else if (s == w->s_pattern_list || s == w->s_tuple_pattern || s == w->s_list_pattern || s == w->s_tuple ||
             s == w->s_parenthesized || s == w->s_expression_list) {
    uint32_t nc = ts_node_named_child_count(target);
    for (uint32_t i = 0; i < nc && i < 16; i++) add_local(w, ts_node_named_child(target, i));
  }
}

/* list(d), sorted(d.keys()), tuple(d.items()): the chain d whose keys a
 * snapshot call copies, or NULL. (A call node of list/tuple/sorted/set.) */
static const char *snapshot_source(PsFtWalker *w, TSNode call) {
  TSNode args = ts_node_child_by_field_id(call, w->f_arguments);
  if (ts_node_is_null(args) || ts_node_symbol(args) != w->s_argument_list || ts_node_named_child_count(args) != 1)
    return NULL;
  TSNode a = ts_node_named_child(args, 0);
  if (is_chain(w, a)) return chain(w, a);
  if (ts_node_symbol(a) != w->s_call) return NULL;
  TSNode fn = ts_node_child_by_field_id(a, w->f_function);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute) return NULL;
  TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
  if (!is_chain(w, obj) || !(text_eq(w, attr, "keys") || text_eq(w, attr, "items") || text_eq(w, attr, "copy")))
    return NULL;
  return chain(w, obj);
}

static bool in_main_guard(const PsFtWalker *w) {
  for (size_t i = 0; i < w->frames.size; i++)
    if (w->frames.items[i].type == FR_MAIN) return true;
  return false;
}

static void add_bind(PsFtWalker *w, uint8_t where, const char *name, int32_t cls, int32_t func, TSNode value,
                     uint32_t start) {
  if (!name) return;
  /* `if __name__ == "__main__":` runs only as a script: its objects are no library's state. */
  if ((where == PS_FTW_MODULE || where == PS_FTW_CLASS) && in_main_guard(w)) return;
  PsFtRawBind b = {name, NULL, cls, func, start, where, value_kind(w, value), false, false, -1};
  if (b.value == PS_FTV_CALL) b.ctor = chain(w, ts_node_child_by_field_id(value, w->f_function));
  if (b.value == PS_FTV_ALIAS) b.ctor = chain(w, value);
  if (b.value == PS_FTV_ALIAS && !b.ctor) b.value = PS_FTV_UNKNOWN;
  if (func >= 0) w->raw->funcs.items[func].bind_end = (uint32_t)w->raw->binds.size + 1;
  if (where == PS_FTW_LOCAL && !ts_node_is_null(value)) {
    /* x = d.get(k), x = d[k]: derived from d (a test of x tests d);
     * xs = list(d.keys()): a snapshot of d's keys. */
    TSSymbol vs = ts_node_symbol(value);
    if (vs == w->s_subscript && is_chain(w, ts_node_child_by_field_id(value, w->f_value))) {
      b.value = FTV_DERIVED;
      b.ctor = chain(w, ts_node_child_by_field_id(value, w->f_value));
    } else if (vs == w->s_call && b.ctor) {
      const char *dot = strrchr(b.ctor, '.');
      const char *last = dot ? dot + 1 : b.ctor;
      if (dot && !strcmp(last, "get")) {
        b.value = FTV_DERIVED;
        b.ctor = ps_arena_strndup(w->arena, b.ctor, (size_t)(dot - b.ctor));
      } else if (!dot && (!strcmp(last, "list") || !strcmp(last, "tuple") || !strcmp(last, "sorted") ||
                          !strcmp(last, "set") || !strcmp(last, "frozenset"))) {
        const char *src = snapshot_source(w, value);
        if (src) b.value = FTV_KEYS, b.ctor = src;
      }
    }
  }
  array_push(&w->raw->binds, b);
}

static void visit_with(PsFtWalker *w, TSNode n) {
  TSNode body = ts_node_child_by_field_id(n, w->f_body);
  uint32_t body_start = ts_node_is_null(body) ? ts_node_end_byte(n) : ts_node_start_byte(body);
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (ts_node_symbol(clause) != w->s_with_clause) continue;
    uint32_t ni = ts_node_named_child_count(clause);
    for (uint32_t k = 0; k < ni; k++) {
      TSNode item = ts_node_named_child(clause, k);
      if (ts_node_symbol(item) != w->s_with_item) continue;
      TSNode v = ts_node_child_by_field_id(item, w->f_value);
      TSNode alias = {0};
      if (!ts_node_is_null(v) && ts_node_symbol(v) == w->s_as_pattern) {
        alias = ts_node_child_by_field_id(v, w->f_alias);
        v = ts_node_named_child(v, 0);
      }
      if (ts_node_is_null(v)) continue;
      if (is_chain(w, v)) {
        const char *cv = chain(w, v);
        uint32_t node = add_lock(w, cv);
        /* `with lock:` on a local made by a call: used as a lock. */
        if (cv && !strchr(cv, '.') && cur_func(w) >= 0)
          for (int32_t bi = w->raw->funcs.items[cur_func(w)].local_calls; bi >= 0; bi = w->raw->binds.items[bi].next_local)
            if (!strcmp(w->raw->binds.items[bi].name, cv)) w->raw->binds.items[bi].locked = true;
        /* `with x:` runs x.__enter__() and x.__exit__(): calls, when x is
         * one of our objects (a lock's are nobody's concern). */
        if (cv && cur_func(w) >= 0) {
          for (int e = 0; e < 2; e++) {
            PsFtRawCall c = {ps_arena_sprintf(w->arena, "%s.%s", cv, e ? "__exit__" : "__enter__"), cur_func(w),
                             cur_locks_at(w, ts_node_start_byte(v)), ts_node_start_byte(v), ts_node_end_byte(v),
                             (uint32_t)w->raw->args.size, 0,
                             PS_FTC_IMPLICIT, 0};
            if (frame_in_func(w, FR_LOOP)) c.flags |= PS_FTC_IN_LOOP;
            array_push(&w->raw->calls, c);
          }
        }
        push_frame(w, body_start, ts_node_end_byte(n), FR_LOCK, (int32_t)node);
      } else if (ts_node_symbol(v) == w->s_call && cur_func(w) >= 0) {
        /* `with Guard(x):` holds a lock when Guard's __enter__ takes one
         * (decided in the join): the lock "@Guard()". */
        const char *cf = chain(w, ts_node_child_by_field_id(v, w->f_function));
        if (cf) {
          uint32_t node = add_lock(w, ps_arena_sprintf(w->arena, "@%s()", cf));
          push_frame(w, body_start, ts_node_end_byte(n), FR_LOCK, (int32_t)node);
        }
      }
      if (ts_node_symbol(v) == w->s_call && !ts_node_is_null(alias) && cur_func(w) >= 0) {
        /* `with ThreadPoolExecutor() as ex:` binds ex to an instance. */
        TSNode an = ts_node_named_child(alias, 0);
        if (!ts_node_is_null(an) && ts_node_symbol(an) == w->s_identifier)
          add_bind(w, PS_FTW_LOCAL, chain(w, an), -1, cur_func(w), v, ts_node_start_byte(an));
      }
    }
  }
}

/* `L.acquire()` as a statement: L is held until `L.release()` later in the
 * same block, or to the end of the try statement whose finally releases it. */
static void visit_expr_statement(PsFtWalker *w, TSNode n) {
  if (ts_node_named_child_count(n) != 1) return;
  TSNode call = ts_node_named_child(n, 0);
  if (ts_node_symbol(call) != w->s_call) return;
  TSNode fn = ts_node_child_by_field_id(call, w->f_function);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute) return;
  /* x.acquire() as a statement, on anything (self.get_lock().acquire()):
   * a function that takes a lock (an __enter__ makes a lock-like guard). */
  if (text_eq(w, ts_node_child_by_field_id(fn, w->f_attribute), "acquire"))
    w->raw->funcs.items[cur_func(w)].flags |= PS_FTF_ACQUIRES;
  const char *callee = chain(w, fn);
  if (!callee) return;
  const char *last = strrchr(callee, '.');
  last = last ? last + 1 : callee;
  const char *acq = strstr(last, "acquire");
  if (!acq) acq = strstr(last, "Acquire");
  if (!acq) return;
  /* L.acquire() ... L.release(), or _acquireLock() ... _releaseLock(). */
  const char *lock, *release;
  if (!strcmp(last, "acquire") && last > callee) {
    lock = ps_arena_strndup(w->arena, callee, (size_t)(last - 1 - callee));
    release = ps_arena_sprintf(w->arena, "%s.release(", lock);
  } else {
    lock = ps_arena_sprintf(w->arena, "%s()", callee);
    size_t pre = (size_t)(acq - callee);
    release = ps_arena_sprintf(w->arena, "%.*s%celease%s(", (int)pre, callee, acq[0] == 'A' ? 'R' : 'r', acq + 7);
  }
  size_t rl = strlen(release);
  uint32_t end = 0;
  TSNode sib = ts_node_next_named_sibling(n);
  for (int i = 0; i < 64 && !ts_node_is_null(sib) && !end; i++, sib = ts_node_next_named_sibling(sib)) {
    uint32_t len;
    const char *t = text_of(w, sib, &len);
    TSSymbol s = ts_node_symbol(sib);
    if (s == w->s_expression_statement) {
      if (len >= rl && !memcmp(t, release, rl)) end = ts_node_start_byte(sib);
    } else if (s == w->s_try) {
      uint32_t nc = ts_node_named_child_count(sib);
      for (uint32_t k = 0; k < nc; k++) {
        TSNode c = ts_node_named_child(sib, k);
        if (ts_node_symbol(c) != w->s_finally) continue;
        uint32_t fl;
        const char *ft = text_of(w, c, &fl);
        if (find_bytes(ft, fl, release, rl)) end = ts_node_end_byte(sib);
      }
    }
  }
  w->raw->funcs.items[cur_func(w)].flags |= PS_FTF_ACQUIRES;
  if (!end) return;
  uint32_t node = add_lock(w, lock);
  push_frame(w, ts_node_start_byte(n), end, FR_LOCK, (int32_t)node);
}

static const char *lambda_name(PsFtWalker *w, TSNode lam) {
  const char *scope = cur_scope(w);
  unsigned line = ts_node_start_point(lam).row + 1;
  return *scope ? ps_arena_sprintf(w->arena, "%s.<lambda:%u>", scope, line) : ps_arena_sprintf(w->arena, "<lambda:%u>", line);
}

/* The callable v stands for, if it looks like one (a name, a bound
 * method, a lambda, functools.partial(f, ...)): a->text and a->how. */
static bool callable_of(PsFtWalker *w, TSNode v, PsFtRawArg *a) {
  TSSymbol s = ts_node_symbol(v);
  a->how = PS_FTARG_FUNC;
  a->text = NULL;
  if (s == w->s_identifier || s == w->s_attribute) {
    a->text = chain(w, v);
    if (a->text && strchr(a->text, '.')) a->how = PS_FTARG_BOUND;
  } else if (s == w->s_lambda) {
    a->text = lambda_name(w, v);
    a->how = PS_FTARG_LAMBDA;
  } else if (s == w->s_call) {
    const char *f = chain(w, ts_node_child_by_field_id(v, w->f_function));
    TSNode al = ts_node_child_by_field_id(v, w->f_arguments);
    if (f && ps_str_ends_with(f, "partial") && !ts_node_is_null(al) && ts_node_named_child_count(al)) {
      TSNode a0 = ts_node_named_child(al, 0);
      a->text = chain(w, a0);
      a->how = PS_FTARG_PARTIAL;
    }
  } else if (s == w->s_subscript) {
    /* targets[0], handlers["a"]: an element of a named collection. */
    TSNode base = ts_node_child_by_field_id(v, w->f_value);
    if (!ts_node_is_null(base) && ts_node_symbol(base) == w->s_identifier) {
      uint32_t len;
      const char *t = text_of(w, base, &len);
      a->text = ps_arena_sprintf(w->arena, "%.*s[]", (int)len, t);
    }
  }
  return a->text != NULL;
}

/* A callable handed to a call, if it looks like one. */
static void add_arg(PsFtWalker *w, const char *kw, int index, TSNode v) {
  PsFtRawArg a = {kw, NULL, (int8_t)index, PS_FTARG_FUNC};
  if (callable_of(w, v, &a)) array_push(&w->raw->args, a);
}

/* The callables among the elements of a list, tuple or set literal, or
 * the values of a dict literal, into seq_elems: false if v is none of
 * these or holds no callable. */
static bool seq_elements(PsFtWalker *w, TSNode v, PsFtRawSeq *q) {
  if (ts_node_is_null(v)) return false;
  TSSymbol s = ts_node_symbol(v);
  if (s == w->s_parenthesized && ts_node_named_child_count(v) == 1) {
    v = ts_node_named_child(v, 0);
    s = ts_node_symbol(v);
  }
  q->dict = s == w->s_dictionary;
  if (s != w->s_list && s != w->s_tuple && s != w->s_set && !q->dict) return false;
  q->first = (uint32_t)w->raw->seq_elems.size;
  uint32_t nc = ts_node_named_child_count(v);
  for (uint32_t i = 0; i < nc && i < 32; i++) {
    TSNode el = ts_node_named_child(v, i);
    if (q->dict) {
      if (ts_node_symbol(el) != w->s_pair) continue;
      el = ts_node_child_by_field_id(el, w->f_value);
      if (ts_node_is_null(el)) continue;
    }
    PsFtRawArg a = {NULL, NULL, -1, PS_FTARG_FUNC};
    if (ts_node_symbol(el) != w->s_subscript && callable_of(w, el, &a)) array_push(&w->raw->seq_elems, a);
  }
  q->n = (uint32_t)w->raw->seq_elems.size - q->first;
  return q->n > 0;
}

/* `name = [f, g]` (or a tuple, set, dict literal) in a function or at
 * module level. */
static void note_seq_bind(PsFtWalker *w, const char *name, TSNode value, int32_t func) {
  PsFtRawSeq q = {.name = name, .func = func};
  if (name && seq_elements(w, value, &q)) array_push(&w->raw->seqs, q);
}

/* A loop variable over a collection of callables: `target` the loop's
 * target, `iter` what it iterates, [start, end) the loop. */
static void note_seq_loop(PsFtWalker *w, TSNode target, TSNode iter, int32_t func, uint32_t start, uint32_t end,
                          const char *lambda) {
  if (ts_node_is_null(target) || ts_node_is_null(iter)) return;
  PsFtRawSeq q = {.func = func, .start = start, .end = end, .loop = true, .lambda = lambda};
  TSSymbol ts = ts_node_symbol(target), is = ts_node_symbol(iter);
  bool pair = false;
  if (ts == w->s_pattern_list || ts == w->s_tuple_pattern) {
    /* for k, f in d.items() / for i, f in enumerate(fns): f. */
    if (ts_node_named_child_count(target) != 2) return;
    target = ts_node_named_child(target, 1);
    pair = true;
  }
  if (ts_node_symbol(target) != w->s_identifier) return;
  q.name = chain(w, target);
  if (is == w->s_call) {
    TSNode fn = ts_node_child_by_field_id(iter, w->f_function);
    TSNode args = ts_node_child_by_field_id(iter, w->f_arguments);
    if (ts_node_is_null(fn) || ts_node_is_null(args) || ts_node_symbol(args) != w->s_argument_list) return;
    uint32_t na = ts_node_named_child_count(args);
    if (ts_node_symbol(fn) == w->s_attribute) {
      TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
      if (na || ts_node_is_null(obj) || ts_node_symbol(obj) != w->s_identifier || ts_node_is_null(attr)) return;
      if (!(pair ? text_eq(w, attr, "items") : text_eq(w, attr, "values"))) return;
      iter = obj;
    } else if (pair && na == 1 && text_eq(w, fn, "enumerate")) {
      iter = ts_node_named_child(args, 0);
    } else {
      return;
    }
    q.values = true;
  } else if (pair) {
    /* for name, f in [("a", fa), ("b", fb)]: the second item of each pair. */
    TSSymbol ls = is;
    if (ls == w->s_parenthesized && ts_node_named_child_count(iter) == 1) iter = ts_node_named_child(iter, 0), ls = ts_node_symbol(iter);
    if (ls != w->s_list && ls != w->s_tuple) return;
    q.first = (uint32_t)w->raw->seq_elems.size;
    uint32_t nc = ts_node_named_child_count(iter);
    for (uint32_t i = 0; i < nc && i < 32; i++) {
      TSNode el = ts_node_named_child(iter, i);
      if (ts_node_symbol(el) != w->s_tuple || ts_node_named_child_count(el) != 2) continue;
      PsFtRawArg a = {NULL, NULL, -1, PS_FTARG_FUNC};
      TSNode second = ts_node_named_child(el, 1);
      if (ts_node_symbol(second) != w->s_subscript && callable_of(w, second, &a)) array_push(&w->raw->seq_elems, a);
    }
    q.n = (uint32_t)w->raw->seq_elems.size - q.first;
    if (q.n) array_push(&w->raw->seqs, q);
    return;
  }
  if (ts_node_symbol(iter) == w->s_identifier) {
    q.of = chain(w, iter);
    array_push(&w->raw->seqs, q);
  } else if (seq_elements(w, iter, &q) && (!q.dict || q.values)) {
    array_push(&w->raw->seqs, q);
  }
}

/* The loops of the current function around the current node. */
static uint8_t loops_in_func(const PsFtWalker *w) {
  unsigned n = 0;
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) break;
    if (f->type == FR_LOOP) n += f->idx > 0 ? (unsigned)f->idx : 1;
  }
  return (uint8_t)(n > 255 ? 255 : n);
}

static void visit_call(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  int32_t func = cur_func(w);
  /* A call is `function arguments`: its first and last children (cheaper
   * than looking the fields up). */
  uint32_t cc = ts_node_child_count(n);
  if (cc < 2) return;
  TSNode fn = ts_node_child(n, 0);
  TSNode args = ts_node_child(n, cc - 1);
  TSSymbol as0 = ts_node_symbol(args);
  if (as0 != w->s_argument_list && as0 != w->s_genexp) args = ts_node_child_by_field_id(n, w->f_arguments);
  const char *callee = NULL;
  uint8_t flags = 0;
  TSSymbol fs = ts_node_symbol(fn);
  if (fs == w->s_attribute) {
    uint32_t fc = ts_node_child_count(fn);
    TSNode obj = ts_node_child(fn, 0);
    TSNode attr = ts_node_child(fn, fc - 1);
    if (!ts_node_is_null(obj) && ts_node_symbol(obj) == w->s_call) {
      TSNode sf = ts_node_child_by_field_id(obj, w->f_function);
      if (!ts_node_is_null(sf) && text_eq(w, sf, "super")) {
        callee = chain(w, attr);
        flags |= PS_FTC_SUPER;
      } else if (is_chain(w, sf) && ts_node_symbol(attr) == w->s_identifier) {
        /* Ctor().m(): the method of what Ctor makes (as x = Ctor(); x.m()). */
        uint32_t al;
        const char *at = text_of(w, attr, &al);
        const char *head = chain(w, sf);
        if (head) callee = ps_arena_sprintf(w->arena, "%s.%.*s", head, (int)al, at);
      }
    } else if (is_chain(w, obj)) {
      callee = chain(w, fn);
      if (func >= 0 && callee) {
        const char *dot = strrchr(callee, '.');
        uint8_t mf = 0;
        if (!ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list && ts_node_named_child_count(args) >= 2)
          mf |= PS_FTX_DEFAULT;
        add_access(w, PS_FTA_METHOD, ps_arena_strndup(w->arena, callee, (size_t)(dot - callee)), dot + 1, n, mf, 0);
      }
    }
  } else if (fs == w->s_identifier) {
    callee = chain(w, fn);
  }
  /* f(x), mod.f(x): what a function does to its first argument (len,
   * sorted, next, json.dumps). Not self.m(x): a method of ours. */
  if (callee && func >= 0 && !(flags & PS_FTC_SUPER) && (fs == w->s_identifier || !strchr(strchr(callee, '.') + 1, '.'))) {
    const PsFtRawFunc *fnr = &w->raw->funcs.items[func];
    size_t hn = strcspn(callee, ".");
    bool self_call = fnr->self_name && strlen(fnr->self_name) == hn && !strncmp(fnr->self_name, callee, hn);
    if (!self_call && !ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list &&
        ts_node_named_child_count(args)) {
      TSNode a0 = ts_node_named_child(args, 0);
      if (is_chain(w, a0)) add_access_in(w, PS_FTA_ARG, chain(w, a0), callee, a0, 0, 0, n);
    }
  }
  if (!callee) return;
  TSNode par = parent_of(path, depth, 0);
  if (!ts_node_is_null(par)) {
    TSSymbol ps = ts_node_symbol(par);
    if (ps == w->s_with_item) flags |= PS_FTC_WITH;
    else if (ps == w->s_as_pattern) {
      TSNode gp = parent_of(path, depth, 1);
      if (!ts_node_is_null(gp) && ts_node_symbol(gp) == w->s_with_item) flags |= PS_FTC_WITH;
    }
  }
  if (frame_in_func(w, FR_LOOP)) flags |= PS_FTC_IN_LOOP;
  PsFtRawCall c = {callee, func, func >= 0 ? cur_locks_at(w, ts_node_start_byte(n)) : 0, ts_node_start_byte(fn), ts_node_end_byte(fn),
                   (uint32_t)w->raw->args.size, 0, flags, loops_in_func(w)};
  /* pool.map(lambda f: f(), fns): the lambda's parameter runs each of fns. */
  const char *last = strrchr(callee, '.');
  if (!strcmp(last ? last + 1 : callee, "map") && !ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list &&
      ts_node_named_child_count(args) >= 2) {
    TSNode lam = ts_node_named_child(args, 0);
    TSNode lp = ts_node_symbol(lam) == w->s_lambda ? ts_node_child_by_field_id(lam, w->f_parameters) : (TSNode){0};
    if (!ts_node_is_null(lp) && ts_node_named_child_count(lp) == 1)
      note_seq_loop(w, ts_node_named_child(lp, 0), ts_node_named_child(args, 1), func, 0, 0, lambda_name(w, lam));
  }
  if (!ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list) {
    uint32_t na = ts_node_named_child_count(args);
    int pos = 0;
    for (uint32_t i = 0; i < na && i < 8; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (ts_node_symbol(a) == w->s_comment) continue;
      TSSymbol as = ts_node_symbol(a);
      if (as == w->s_keyword_argument) {
        TSNode kn = ts_node_child_by_field_id(a, w->f_name), kv = ts_node_child_by_field_id(a, w->f_value);
        if (!ts_node_is_null(kn) && !ts_node_is_null(kv)) add_arg(w, chain(w, kn), -1, kv);
        /* args=(obj, ...): objects handed to the thread. */
        if (!ts_node_is_null(kn) && text_eq(w, kn, "args") && !ts_node_is_null(kv) &&
            (ts_node_symbol(kv) == w->s_tuple || ts_node_symbol(kv) == w->s_list)) {
          uint32_t ne = ts_node_named_child_count(kv);
          for (uint32_t e = 0; e < ne && e < 4; e++) {
            TSNode el = ts_node_named_child(kv, e);
            if (is_chain(w, el)) array_push(&w->raw->args, ((PsFtRawArg){"args", chain(w, el), (int8_t)e, PS_FTARG_VALUE}));
          }
        }
      } else if (as == w->s_list_splat || as == w->s_dict_splat) {
        pos = 100;
      } else {
        if (pos < 4) add_arg(w, NULL, pos, a);
        pos++;
      }
    }
  }
  c.n_args = (uint32_t)w->raw->args.size - c.first_arg;
  array_push(&w->raw->calls, c);
}

/* Is n (with parent `par`) a store target: the left of `=`, or inside a
 * tuple or list target? */
static bool is_store(PsFtWalker *w, TSNode par, TSNode n) {
  TSSymbol ps = ts_node_symbol(par);
  if (ps == w->s_assignment) return ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n);
  return ps == w->s_pattern_list || ps == w->s_tuple_pattern || ps == w->s_list_pattern;
}

static TSNode assigned_value(PsFtWalker *w, TSNode assign) {
  TSNode v = ts_node_child_by_field_id(assign, w->f_right);
  for (int i = 0; i < 8 && !ts_node_is_null(v) && ts_node_symbol(v) == w->s_assignment; i++)
    v = ts_node_child_by_field_id(v, w->f_right);
  return v;
}

/* `x = x or make()`: lazy initialisation written as one expression. */
static bool or_default(PsFtWalker *w, TSNode v, const char *name) {
  while (!ts_node_is_null(v) && ts_node_symbol(v) == w->s_parenthesized && ts_node_named_child_count(v) == 1)
    v = ts_node_named_child(v, 0);
  if (ts_node_is_null(v) || ts_node_symbol(v) != w->s_boolean) return false;
  TSNode l = ts_node_child_by_field_id(v, w->f_left);
  uint32_t len = 0;
  const char *t = ts_node_is_null(l) ? "" : text_of(w, l, &len);
  TSNode op = ts_node_child_by_field_id(v, w->f_operator);
  return !ts_node_is_null(l) && len == strlen(name) && !memcmp(t, name, len) && !ts_node_is_null(op) && text_eq(w, op, "or");
}

/* Does the value v read the same item as the store target `ref[key]` (n):
 * `d[k] = d[k] + 1`, `d[k] = d.get(k, 0) + 1`? (d[a] = d[b] reads another.) */
static bool reads_item(PsFtWalker *w, TSNode v, const char *ref, TSNode n) {
  if (ts_node_is_null(v)) return false;
  uint32_t tl, kl = 0;
  const char *target = text_of(w, n, &tl);
  TSNode key = ts_node_named_child_count(n) >= 2 ? ts_node_named_child(n, 1) : (TSNode){0};
  const char *kt = ts_node_is_null(key) ? "" : text_of(w, key, &kl);
  uint32_t vl;
  const char *vt = text_of(w, v, &vl);
  if (find_bytes(vt, vl, target, tl)) return true;
  if (!kl) return false;
  for (int i = 0; i < 2; i++) {
    char *call = ps_arena_sprintf(w->arena, "%s.%s(%.*s", ref, i ? "pop" : "get", (int)kl, kt);
    if (find_bytes(vt, vl, call, strlen(call))) return true; /* d.get(k, 0) + 1; d.pop(k, v) moved to the end */
  }
  return false;
}

static void visit_subscript(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  if (cur_func(w) < 0) return;
  TSNode v = ts_node_child_by_field_id(n, w->f_value);
  if (!is_chain(w, v)) return;
  const char *ref = chain(w, v);
  if (!ref) return;
  TSNode par = parent_of(path, depth, 0);
  if (ts_node_is_null(par)) return;
  TSSymbol ps = ts_node_symbol(par);
  uint8_t kind = PS_FTA_ITEM_READ, flags = 0, value = 0;
  const char *vname = NULL;
  if (ps == w->s_augmented && ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n)) {
    kind = PS_FTA_ITEM_RMW;
  } else if (ps == w->s_delete ||
             (ps == w->s_expression_list && ts_node_symbol(parent_of(path, depth, 1)) == w->s_delete)) {
    kind = PS_FTA_ITEM_DEL;
  } else if (is_store(w, par, n)) {
    kind = PS_FTA_ITEM_STORE;
    if (ps == w->s_assignment) {
      TSNode rv = assigned_value(w, par);
      value = value_kind(w, rv);
      /* A call's callee; a name's text (ft_facts.c follows a local to its call). */
      if (value == PS_FTV_CALL || value == PS_FTV_ALIAS) vname = value_text(w, rv);
      if (reads_item(w, rv, ref, n)) kind = PS_FTA_ITEM_RMW, flags |= PS_FTX_SELF_RHS;
    }
  }
  if (kind == PS_FTA_ITEM_READ) {
    /* d[k].append(x), d[k][j] = x, d[k] += x: the item read is then
     * changed (a defaultdict's new item can be lost). */
    TSNode cur = n, up = par;
    size_t k = 0;
    while (!ts_node_is_null(up) && ts_node_symbol(up) == w->s_subscript && k < 8)
      cur = up, up = parent_of(path, depth, ++k); /* d[k][j][...]: the outermost item */
    TSSymbol us = ts_node_is_null(up) ? 0 : ts_node_symbol(up);
    TSNode upp = parent_of(path, depth, k + 1);
    if (cur.id != n.id && !ts_node_is_null(up) && (is_store(w, up, cur) || (us == w->s_augmented)))
      flags |= PS_FTX_ELEMENT;
    if (us == w->s_attribute && !ts_node_is_null(upp) && ts_node_symbol(upp) == w->s_call) flags |= PS_FTX_ELEMENT;
    add_access(w, kind, ref, NULL, n, flags, value);
  }
  else add_access_in(w, kind, ref, vname, n, flags, value, ps == w->s_expression_list ? parent_of(path, depth, 1) : par);
}

/* The in-place method an augmented assignment calls (`s |= t`: "__ior__"), or NULL. */
static const char *inplace_method(PsFtWalker *w, TSNode assign) {
  TSNode op = ts_node_child_by_field_id(assign, w->f_operator);
  if (ts_node_is_null(op)) return NULL;
  static const char *const ops[][2] = {{"+=", "__iadd__"}, {"-=", "__isub__"}, {"|=", "__ior__"}, {"&=", "__iand__"},
                                       {"^=", "__ixor__"}, {"*=", "__imul__"}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (text_eq(w, op, ops[i][0])) return ops[i][1];
  return NULL;
}

static void visit_assign(PsFtWalker *w, TSNode n, bool augmented) {
  TSNode left = ts_node_child_by_field_id(n, w->f_left);
  if (ts_node_is_null(left)) return;
  /* `x: int` declares (an instance attribute, in a class body); it binds nothing. */
  if (!augmented && ts_node_is_null(ts_node_child_by_field_id(n, w->f_right))) return;
  TSNode value = augmented ? ts_node_child_by_field_id(n, w->f_right) : assigned_value(w, n);
  TSSymbol ls = ts_node_symbol(left);
  int32_t func = cur_func(w), cls = cur_class_body(w);
  uint32_t start = ts_node_start_byte(n);
  if (ls == w->s_identifier) {
    const char *name = chain(w, left);
    if (!augmented && (func >= 0 || (cls < 0 && at_module_level(w)))) note_seq_bind(w, name, value, func);
    if (func < 0) {
      if (augmented) return;
      if (cls >= 0) add_bind(w, PS_FTW_CLASS, name, cls, -1, value, start);
      else if (at_module_level(w)) add_bind(w, PS_FTW_MODULE, name, -1, -1, value, start);
      return;
    }
    bool global = false;
    for (size_t i = w->raw->decls.size; i-- > 0 && !global;) {
      const PsFtRawDecl *d = &w->raw->decls.items[i];
      global = d->func == func && !strcmp(d->name, name);
    }
    if (global) {
      /* `global _lock; _lock = Lock()`: what the module-level name holds. */
      if (!augmented) add_bind(w, PS_FTW_MODULE, name, -1, func, value, start);
      uint8_t kind = augmented || (mentions(w, value, name) && !or_default(w, value, name)) ? PS_FTA_RMW : PS_FTA_WRITE;
      add_access_in(w, kind, name, augmented ? inplace_method(w, n) : value_text(w, value), left,
                    augmented ? 0 : (kind == PS_FTA_RMW ? PS_FTX_SELF_RHS : 0), augmented ? 0 : value_kind(w, value), n);
    } else if (!augmented && !ts_node_is_null(value)) {
      TSSymbol vs = ts_node_symbol(value);
      /* Locals that matter: made by a call (a lock, an executor), another
       * name (an alias of shared state: l = self._pending), derived from a
       * container (x = d.get(k)). */
      if (vs == w->s_call || vs == w->s_subscript || is_chain(w, value)) {
        int32_t bi = (int32_t)w->raw->binds.size;
        add_bind(w, PS_FTW_LOCAL, name, -1, func, value, start);
        if ((int32_t)w->raw->binds.size > bi && w->raw->binds.items[bi].value == PS_FTV_CALL) {
          PsFtRawFunc *fr = &w->raw->funcs.items[func];
          w->raw->binds.items[bi].next_local = fr->local_calls;
          fr->local_calls = bi;
        }
      }
    }
    return;
  }
  if (ls == w->s_attribute) {
    if (func < 0) return;
    TSNode obj = ts_node_child_by_field_id(left, w->f_object);
    if (!is_chain(w, obj)) return;
    const char *ref = chain(w, left);
    if (!ref) return;
    uint8_t kind = augmented || mentions(w, value, ref) ? PS_FTA_RMW : PS_FTA_WRITE;
    add_access_in(w, kind, ref, augmented ? inplace_method(w, n) : value_text(w, value), left,
                  (!augmented && kind == PS_FTA_RMW) ? PS_FTX_SELF_RHS : 0, augmented ? 0 : value_kind(w, value), n);
    const PsFtRawFunc *fn = &w->raw->funcs.items[func];
    if (!augmented && fn->self_name && ts_node_symbol(obj) == w->s_identifier && text_eq(w, obj, fn->self_name) &&
        fn->self_cls >= 0 && !(fn->flags & PS_FTF_CLASSMETHOD)) {
      TSNode attr = ts_node_child_by_field_id(left, w->f_attribute);
      add_bind(w, PS_FTW_INSTANCE, chain(w, attr), fn->self_cls, func, value, start);
    }
    return;
  }
  if (!augmented && (ls == w->s_pattern_list || ls == w->s_tuple_pattern || ls == w->s_list_pattern)) {
    uint32_t nc = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < nc && i < 16; i++) {
      TSNode t = ts_node_named_child(left, i);
      if (ts_node_symbol(t) != w->s_identifier) continue;
      const char *name = chain(w, t);
      if (func < 0) {
        if (cls >= 0) add_bind(w, PS_FTW_CLASS, name, cls, -1, (TSNode){0}, start);
        else if (at_module_level(w)) add_bind(w, PS_FTW_MODULE, name, -1, -1, (TSNode){0}, start);
      } else {
        for (size_t k = w->raw->decls.size; k-- > 0;) {
          const PsFtRawDecl *d = &w->raw->decls.items[k];
          if (d->func == func && !strcmp(d->name, name)) {
            add_access_in(w, PS_FTA_WRITE, name, NULL, t, 0, 0, n);
            break;
          }
        }
      }
    }
  }
}

static void visit_delete(PsFtWalker *w, TSNode n) {
  int32_t func = cur_func(w);
  if (func < 0) return;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode t = ts_node_named_child(n, i);
    TSSymbol s = ts_node_symbol(t);
    if (s == w->s_expression_list) {
      uint32_t k = ts_node_named_child_count(t);
      for (uint32_t j = 0; j < k && j < 16; j++) {
        TSNode u = ts_node_named_child(t, j);
        if (ts_node_symbol(u) == w->s_attribute && is_chain(w, u)) add_access_in(w, PS_FTA_DEL, chain(w, u), NULL, u, 0, 0, n);
      }
    } else if (s == w->s_attribute && is_chain(w, t)) {
      add_access_in(w, PS_FTA_DEL, chain(w, t), NULL, t, 0, 0, n);
    } else if (s == w->s_identifier) {
      const char *name = chain(w, t);
      for (size_t k = w->raw->decls.size; k-- > 0;) {
        const PsFtRawDecl *d = &w->raw->decls.items[k];
        if (d->func == func && !strcmp(d->name, name)) {
          add_access_in(w, PS_FTA_DEL, name, NULL, t, 0, 0, n);
          break;
        }
      }
    }
  }
}

/* The iterable of a for statement or clause: x, x.items(), x.keys(), x.values(). */
static void visit_for(PsFtWalker *w, TSNode n, bool clause) {
  TSNode right = ts_node_child_by_field_id(n, w->f_right);
  if (clause) add_local(w, ts_node_child_by_field_id(n, w->f_left));
  if (ts_node_is_null(right) || cur_func(w) < 0) return;
  if (!clause) {
    /* for k in list(d) / for k in keys (keys = list(d.keys())): each k was
     * in d when the snapshot was taken; d[k] in the body relies on it. */
    const char *src = NULL;
    TSSymbol rs = ts_node_symbol(right);
    if (rs == w->s_call) {
      const char *f = chain(w, ts_node_child_by_field_id(right, w->f_function));
      if (f && (!strcmp(f, "list") || !strcmp(f, "tuple") || !strcmp(f, "sorted") || !strcmp(f, "set")))
        src = snapshot_source(w, right);
    } else if (rs == w->s_identifier) {
      uint32_t len;
      const char *t = text_of(w, right, &len);
      const PsFtRawBind *b = local_bind(w, t, len);
      if (b && b->value == FTV_KEYS) src = b->ctor;
    }
    if (src && push_check(w, n, right) >= 0) add_access(w, PS_FTA_TEST_IN, src, NULL, right, PS_FTX_SNAPSHOT, 0);
  }
  if (is_chain(w, right)) {
    add_access_shown(w, PS_FTA_ITER, chain(w, right), NULL, right, 0, 0, ts_node_start_byte(n), ts_node_end_byte(right));
    return;
  }
  if (ts_node_symbol(right) != w->s_call) return;
  TSNode fn = ts_node_child_by_field_id(right, w->f_function);
  TSNode args = ts_node_child_by_field_id(right, w->f_arguments);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute || ts_node_is_null(args) ||
      ts_node_named_child_count(args))
    return;
  TSNode obj = ts_node_child_by_field_id(fn, w->f_object);
  TSNode attr = ts_node_child_by_field_id(fn, w->f_attribute);
  if (!is_chain(w, obj) || ts_node_is_null(attr)) return;
  if (text_eq(w, attr, "items") || text_eq(w, attr, "keys") || text_eq(w, attr, "values"))
    add_access_shown(w, PS_FTA_ITER, chain(w, obj), chain(w, attr), right, 0, 0, ts_node_start_byte(n),
                     ts_node_end_byte(right));
}

static void visit_comparison(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  if (cur_func(w) < 0 || ts_node_named_child_count(n) != 2 || !in_condition(w, n)) return;
  /* `not k in d` is `not (k in d)`. */
  TSNode par = parent_of(path, depth, 0);
  uint8_t flip = !ts_node_is_null(par) && ts_node_symbol(par) == w->s_not ? PS_FTX_NEGATED : 0;
  TSNode a = ts_node_named_child(n, 0), b = ts_node_named_child(n, 1);
  char op[8] = "";
  size_t ol = 0;
  uint32_t cc = ts_node_child_count(n);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(n, i);
    if (ts_node_is_named(c)) continue;
    uint32_t len;
    const char *t = text_of(w, c, &len);
    if (ol + len + 1 < sizeof op) {
      if (ol) op[ol++] = ' ';
      memcpy(op + ol, t, len);
      ol += len;
      op[ol] = '\0';
    }
  }
  if (!strcmp(op, "in") || !strcmp(op, "not in")) {
    if (is_chain(w, b)) add_access(w, PS_FTA_TEST_IN, chain(w, b), NULL, n, (op[0] == 'n' ? PS_FTX_NEGATED : 0) ^ flip, 0);
    return;
  }
  bool is_eq = !strcmp(op, "is") || !strcmp(op, "==");
  bool is_ne = !strcmp(op, "is not") || !strcmp(op, "!=");
  if (!is_eq && !is_ne) return;
  TSNode other = ts_node_symbol(b) == w->s_none ? a : ts_node_symbol(a) == w->s_none ? b : (TSNode){0};
  if (ts_node_is_null(other)) return;
  if (is_chain(w, other)) {
    if (derived_test(w, n, other, is_eq ^ (flip != 0))) return;
    add_access(w, PS_FTA_TEST_NONE, chain(w, other), NULL, n, (is_eq ? PS_FTX_NEGATED : 0) ^ flip, 0);
  } else if (ts_node_symbol(other) == w->s_call) {
    /* d.get(k) is None: a membership test of d. */
    TSNode fn = ts_node_child_by_field_id(other, w->f_function);
    if (!ts_node_is_null(fn) && ts_node_symbol(fn) == w->s_attribute) {
      TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
      if (is_chain(w, obj) && text_eq(w, attr, "get"))
        add_access(w, PS_FTA_TEST_IN, chain(w, obj), NULL, n, (is_eq ? PS_FTX_NEGATED : 0) ^ flip, 0);
    }
  }
}

/* The LOCAL bind of `name` in the current function (the latest), or NULL. */
static const PsFtRawBind *local_bind(const PsFtWalker *w, const char *name, size_t n) {
  int32_t f = cur_func(w);
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
static bool derived_test(PsFtWalker *w, TSNode n, TSNode x, bool absent) {
  if (ts_node_symbol(x) != w->s_identifier) return false;
  uint32_t len;
  const char *t = text_of(w, x, &len);
  const PsFtRawBind *b = local_bind(w, t, len);
  if (!b || b->value != FTV_DERIVED) return false;
  add_access(w, PS_FTA_TEST_IN, b->ctor, NULL, n, absent ? PS_FTX_NEGATED : 0, 0);
  return true;
}

/* An identifier naming a local made by a call (a lock made per call): is
 * it used other than by `with`, acquire() and release()? Then it escapes. */
static void note_escape(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  int32_t f = cur_func(w);
  if (f < 0 || w->raw->funcs.items[f].local_calls < 0) return;
  uint32_t len;
  const char *t = text_of(w, n, &len);
  for (int32_t i = w->raw->funcs.items[f].local_calls; i >= 0; i = w->raw->binds.items[i].next_local) {
    PsFtRawBind *b = &w->raw->binds.items[i];
    if (b->escapes || strlen(b->name) != len || strncmp(b->name, t, len)) continue;
    TSNode par = parent_of(path, depth, 0);
    TSSymbol ps = ts_node_symbol(par);
    if (ps == w->s_with_item) return;
    if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n)) return;
    if (ps == w->s_attribute) {
      TSNode attr = ts_node_child_by_field_id(par, w->f_attribute);
      if (text_eq(w, attr, "acquire") || text_eq(w, attr, "release") || text_eq(w, attr, "locked")) return;
    }
    b->escapes = true;
    return;
  }
}

/* A bare chain used as a truth value in a condition: `if x:`, `not x`, `x and y`. */
static void visit_truth(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  TSNode par = parent_of(path, depth, 0);
  if (ts_node_is_null(par)) return;
  TSSymbol ps = ts_node_symbol(par);
  if (ps == w->s_attribute && ts_node_start_byte(par) == ts_node_start_byte(n)) return; /* not the outermost */
  bool negated = false;
  if (ps == w->s_not) negated = true;
  else if (ps == w->s_if || ps == w->s_elif || ps == w->s_while) {
    if (!ts_node_eq(ts_node_child_by_field_id(par, w->f_condition), n)) return;
  } else if (ps != w->s_boolean) {
    return;
  }
  if (cur_func(w) < 0 || !in_condition(w, n) || !is_chain(w, n)) return;
  if (derived_test(w, n, n, negated)) return;
  add_access(w, PS_FTA_TEST_TRUTH, chain(w, n), NULL, n, negated ? PS_FTX_NEGATED : 0, 0);
}

static void visit_decl(PsFtWalker *w, TSNode n, bool nonlocal) {
  int32_t func = cur_func(w);
  if (func < 0) return;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_symbol(c) == w->s_identifier) array_push(&w->raw->decls, ((PsFtRawDecl){chain(w, c), func, nonlocal}));
  }
}

static void visit_comment(PsFtWalker *w, TSNode n) {
  uint32_t len;
  const char *t = text_of(w, n, &len);
  const char *p = find_bytes(t, len, "pyshift:", 8);
  if (!p) return;
  const char *e = t + len;
  PsFtRawMarker m = {ts_node_start_point(n).row + 1, 0, NULL};
  for (const char *q = p + 8; q < e;) {
    while (q < e && (*q == ' ' || *q == ',' || *q == '\t')) q++;
    const char *s = q;
    while (q < e && *q != ' ' && *q != ',' && *q != '\t') q++;
    size_t n2 = (size_t)(q - s);
    if (n2 == 15 && !memcmp(s, "thread-confined", 15)) m.markers |= PS_FTM_CONFINED;
    else if (n2 == 9 && !memcmp(s, "init-only", 9)) m.markers |= PS_FTM_INIT_ONLY;
    else if (n2 == 6 && !memcmp(s, "benign", 6)) m.markers |= PS_FTM_BENIGN;
    else if (n2 > 11 && !memcmp(s, "guarded-by=", 11)) {
      m.markers |= PS_FTM_GUARDED;
      m.guard = ps_arena_strndup(w->arena, s + 11, n2 - 11);
    }
  }
  if (m.markers) array_push(&w->raw->markers, m);
}

void ps_ft_walk__node(PsFtWalker *w, TSNode n, TSSymbol s, const TSNode *path, size_t depth) {
  uint32_t start = ts_node_start_byte(n);
  while (w->frames.size && array_last(&w->frames)->end <= start) w->frames.size--;
  uint8_t k = s < w->n_symbols ? w->kind[s] : K_NONE;
  switch (k) {
  case K_NONE: break;
  case K_FUNC: visit_func(w, n, path, depth); break;
  case K_CLASS: visit_class(w, n); break;
  case K_LAMBDA: visit_lambda(w, n); break;
  case K_COMPREHENSION: {
    int32_t clauses = 0;
    uint32_t nc = ts_node_named_child_count(n);
    for (uint32_t i = 1; i < nc && i < 16; i++)
      if (ts_node_symbol(ts_node_named_child(n, i)) == w->s_for_in) clauses++;
    push_frame(w, start, ts_node_end_byte(n), FR_LOOP, clauses);
    break;
  }
  case K_FOR:
    push_frame(w, start, ts_node_end_byte(n), FR_LOOP, 0);
    visit_for(w, n, false);
    note_seq_loop(w, ts_node_child_by_field_id(n, w->f_left), ts_node_child_by_field_id(n, w->f_right), cur_func(w), start,
                  ts_node_end_byte(n), NULL);
    break;
  case K_FOR_IN: {
    visit_for(w, n, true);
    TSNode comp = parent_of(path, depth, 0);
    if (!ts_node_is_null(comp))
      note_seq_loop(w, ts_node_child_by_field_id(n, w->f_left), ts_node_child_by_field_id(n, w->f_right), cur_func(w),
                    ts_node_start_byte(comp), ts_node_end_byte(comp), NULL);
    break;
  }
  case K_WHILE:
    push_frame(w, start, ts_node_end_byte(n), FR_LOOP, 0);
    if (cur_func(w) >= 0) push_check(w, n, ts_node_child_by_field_id(n, w->f_condition));
    break;
  case K_IF:
  case K_ELIF:
    if (cur_func(w) >= 0) push_check(w, n, ts_node_child_by_field_id(n, w->f_condition));
    else if (k == K_IF && at_module_level(w)) {
      uint32_t len;
      const char *t = text_of(w, ts_node_child_by_field_id(n, w->f_condition), &len);
      if (find_bytes(t, len, "__name__", 8) && find_bytes(t, len, "__main__", 8))
        push_frame(w, start, ts_node_end_byte(n), FR_MAIN, 0);
    }
    break;
  case K_COND_EXPR:
    if (cur_func(w) >= 0 && ts_node_named_child_count(n) == 3) push_check(w, n, ts_node_named_child(n, 1));
    break;
  case K_TRY:
    if (cur_func(w) >= 0) visit_try(w, n);
    break;
  case K_WITH: visit_with(w, n); break;
  case K_EXPR_STATEMENT:
    if (cur_func(w) >= 0) visit_expr_statement(w, n);
    break;
  case K_CALL: visit_call(w, n, path, depth); break;
  case K_SUBSCRIPT: visit_subscript(w, n, path, depth); break;
  case K_ASSIGN: visit_assign(w, n, false); break;
  case K_AUGASSIGN: visit_assign(w, n, true); break;
  case K_DELETE: visit_delete(w, n); break;
  case K_COMPARISON: visit_comparison(w, n, path, depth); break;
  case K_IDENTIFIER:
    note_escape(w, n, path, depth);
    visit_truth(w, n, path, depth);
    break;
  case K_ATTRIBUTE: visit_truth(w, n, path, depth); break;
  case K_RETURN: {
    int32_t f = cur_func(w);
    if (f < 0 || !ts_node_named_child_count(n)) break;
    TSNode v = ts_node_named_child(n, 0);
    const char *rv = is_chain(w, v) ? chain(w, v) : "";
    PsFtRawFunc *fr = &w->raw->funcs.items[f];
    if (!fr->returns) fr->returns = rv;
    else if (strcmp(fr->returns, rv)) fr->returns = "";
    break;
  }
  case K_GLOBAL: visit_decl(w, n, false); break;
  case K_NONLOCAL: visit_decl(w, n, true); break;
  case K_YIELD: {
    int32_t f = cur_func(w);
    if (f >= 0 && !(w->raw->funcs.items[f].flags & PS_FTF_LAMBDA)) w->raw->funcs.items[f].flags |= PS_FTF_GENERATOR;
    break;
  }
  case K_COMMENT: visit_comment(w, n); break;
  }
}

/* Does lock node a's chain (the locks held at a) contain node x? */
static bool lock_chain_has(const PsFtRaw *r, uint32_t a, uint32_t x) {
  for (int i = 0; a && i < 64; i++, a = r->lock_nodes.items[a].parent)
    if (a == x) return true;
  return false;
}

void ps_ft_walk__end(PsFtWalker *w) {
  PsFtRaw *r = w->raw;
  for (size_t i = 0; i < r->accesses.size; i++) {
    PsFtRawAccess *a = &r->accesses.items[i];
    for (int32_t f = a->act_frame; f >= 0 && a->check < 0; f = r->checks.items[f].parent) {
      const PsFtCheckFrame *cf = &r->checks.items[f];
      if (a->start >= cf->cond_start && a->end <= cf->cond_end) continue;
      /* The test of the same object; a membership, truth or None test
       * rather than another use in the condition (list(d), d.get(k)). */
      int32_t best = -1;
      for (int32_t t = cf->first_test; t >= 0; t = r->accesses.items[t].next_test) {
        const PsFtRawAccess *ta = &r->accesses.items[t];
        if ((size_t)t == i || ta->func != a->func || strcmp(ta->ref, a->ref)) continue;
        bool polar = ta->kind == PS_FTA_TEST_IN || ta->kind == PS_FTA_TEST_NONE || ta->kind == PS_FTA_TEST_TRUTH;
        if (best < 0 || polar) best = t;
        if (polar) break;
      }
      if (best >= 0) {
        int32_t t = best;
        const PsFtRawAccess *ta = &r->accesses.items[t];
        a->check = t;
        /* Held throughout: a lock region around the test also holds the act. */
        for (uint32_t x = ta->locks; x && !(a->flags & PS_FTX_CHECK_LOCKED); x = r->lock_nodes.items[x].parent)
          if (lock_chain_has(r, a->locks, x)) a->flags |= PS_FTX_CHECK_LOCKED;
        break;
      }
    }
  }
}
