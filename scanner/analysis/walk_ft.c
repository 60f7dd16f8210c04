/* walk_ft.c: the free-threading facts of one file, collected node by node
 * during the summary walk (see walk_ft.h).
 *
 * Only code inside functions (and lambdas) is recorded as accesses and
 * calls: module and class bodies run once, at import, under the import
 * lock. Module-level and class-level assignments are recorded as the
 * objects they define; `self.x = ...` in a method as an instance object.
 * Names are kept as written; ft_facts.c resolves them.
 *
 * This file makes, begins and ends a walk (ending resolves each act to
 * the test it acts on); walk_ft_visit.c and walk_ft_calls.c visit the
 * nodes, walk_ft_state.c keeps the frames and records the accesses.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft_internal.h"

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
  w->s_comparison = sym(l, "comparison_operator");
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
        a->inverted = cf->guard_from && a->start >= cf->guard_from;
        /* Held throughout: a lock region around the test also holds the act. */
        for (uint32_t x = ta->locks; x && !(a->flags & PS_FTX_CHECK_LOCKED); x = r->lock_nodes.items[x].parent)
          if (lock_chain_has(r, a->locks, x)) a->flags |= PS_FTX_CHECK_LOCKED;
        break;
      }
    }
  }
}
