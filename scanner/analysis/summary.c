/* summary.c: the one walk per file that fills PsSummary.
 *
 * A pre-order TSTreeCursor walk dispatches on node symbols resolved once per
 * worker. Context that changes how an import behaves (a try whose handler
 * catches ImportError, an `if sys.version_info < (3, N)` branch, `if
 * TYPE_CHECKING`, the enclosing def) is kept as a stack of byte-range frames:
 * frames for sibling branches are pushed in reverse order so the stack top is
 * always the next range to close.
 *
 * This file holds the walker, the summary's lifecycle, the per-file budget
 * and the walk's dispatch; the visitors are in summary_scope.c (bindings,
 * imports), summary_guards.c (guards and version ranges) and
 * summary_defs.c (defs, calls, references, assignments, annotations).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/summary_internal.h"

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
  ps_strmap_free(&self->imported_set);
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
  self->bind_index = (PsStrMap)PS_STRMAP_INIT;
  self->class_index = (PsStrMap)PS_STRMAP_INIT;
  self->class_defs = SIZE_MAX;
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
  ps_strmap_free(&self->bind_index);
  ps_strmap_free(&self->class_index);
  array_free(&self->bind_next);
  ps_ft_raw__free(self->ft);
  self->ft = NULL;
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
  /* The index's keys are the last file's names: no lookup may reach them. */
  ps_strmap_clear(&out->bind_index);
  ps_strmap_clear(&out->class_index);
  out->class_defs = SIZE_MAX;
  array_clear(&out->bind_next);
  array_clear(&self->frames);
  array_clear(&self->path);
  array_clear(&self->imported);
  ps_strmap_clear(&self->imported_set);
  array_clear(&self->dyn);
  array_clear(&self->dyn_arg);
  if (!src->tree) return;
  Walk k = {self, src, arena, out, {{0}}, 0};
  const unsigned needs = self->needs;
  TSNode root = ts_tree_root_node(src->tree);
  ps_summary__find_version_flags(&k, root);
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
    ps_summary__pop_frames(self, ts_node_start_byte(n));
    if (ft) ps_ft_walk__node(self->ft, n, s, self->path.items, self->path.size);
    bool descend = true;
    if (s == self->s_import) {
      ps_summary__visit_import(&k, n);
      descend = false;
    } else if (s == self->s_import_from) {
      ps_summary__visit_import_from(&k, n);
      descend = false;
    } else if (s == self->s_future) {
      descend = false;
    } else if (s == self->s_string) {
      if (needs & PS_NEED_ANNOTATIONS) ps_summary__visit_type_string(&k, n);
      /* An f-string's (or 3.14 t-string's) interpolations are code:
       * f"{datetime.utcnow()}" calls utcnow. Other strings hold no code. */
      descend = ps_summary__is_interpolated(src->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
    } else if (s == self->s_type) {
      if (needs & PS_NEED_ANNOTATIONS) ps_summary__visit_type(&k, n);
    } else if (s == self->s_call) {
      ps_summary__visit_call(&k, n);
    } else if (s == self->s_func) {
      ps_summary__def_leaves_try(&k, n);
      ps_summary__visit_def(&k, n, PS_DEF_FUNCTION);
    } else if (s == self->s_class) {
      ps_summary__visit_def(&k, n, PS_DEF_CLASS);
    } else if (s == self->s_try) {
      ps_summary__visit_try(&k, n);
    } else if (s == self->s_if) {
      ps_summary__visit_if(&k, n);
    } else if (s == self->s_conditional) {
      ps_summary__visit_conditional(&k, n);
    } else if (s == self->s_boolean_op) {
      ps_summary__visit_boolean(&k, n);
    } else if (s == self->s_assignment) {
      ps_summary__visit_assignment(&k, n, false);
    } else if (s == self->s_augmented) {
      if (needs & PS_NEED_MUTATIONS) ps_summary__visit_assignment(&k, n, true);
    } else if (s == self->s_attribute) {
      if (needs & PS_NEED_REFS) ps_summary__visit_attribute(&k, n);
    } else if (s == self->s_identifier) {
      if (needs & PS_NEED_REFS) ps_summary__visit_identifier(&k, n);
    } else if (s == self->s_for) {
      ps_summary__bind_targets(&k, ts_node_child_by_field_id(n, self->f_left), NULL, 0);
    } else if (s == self->s_as_pattern_target) {
      ps_summary__bind_targets(&k, n, NULL, 0);
    } else if (s == self->s_global && (needs & PS_NEED_MUTATIONS)) {
      uint32_t nc = ts_node_named_child_count(n);
      for (uint32_t i = 0; i < nc; i++) ps_summary__add_mutation(&k, PS_MUT_GLOBAL, ps_summary__dotted(&k, ts_node_named_child(n, i)), n);
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
  ps_summary__resolve_dynamic(&k);
  ps_summary__index_bindings(out);
}
