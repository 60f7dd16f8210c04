/* walk_ft_internal.h: what the files of the free-threading walk share:
 * walk_ft.c (the walker's life: make, begin, end), walk_ft_visit.c (the
 * visitor of each node kind), walk_ft_calls.c (calls) and walk_ft_state.c (text helpers, the frame
 * stack, the access and lock-region bookkeeping, check frames, binds).
 * Private to those four files. */
#ifndef PS_WALK_FT_INTERNAL_H
#define PS_WALK_FT_INTERNAL_H

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
      s_argument_list, s_with_clause, s_expression_statement, s_binary, s_comment, s_pair, s_comparison;
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

/* walk_ft_state.c */
/* The named children of n (at most max) in w->kids: one cursor pass, where
 * ts_node_named_child(n, i) would walk from the first child every time. */
size_t ftw_named_children(PsFtWalker *w, TSNode n, size_t max);
/* memmem without _GNU_SOURCE. */
const char *ftw_find_bytes(const char *h, size_t hn, const char *nd, size_t nn);
/* Is the text of n exactly s? */
bool ftw_text_eq(PsFtWalker *w, TSNode n, const char *s);
/* The dotted text of an identifier or attribute chain (`self._cache`), in
 * the arena; NULL for anything else (calls, subscripts inside). */
const char *ftw_chain(PsFtWalker *w, TSNode n);
/* Is n an identifier or a chain of attributes on one? */
bool ftw_is_chain(PsFtWalker *w, TSNode n);
/* The innermost frame of `type` inside the current function (the search
 * stops at a function or class frame), or NULL. */
const Frame *ftw_frame_in_func(const PsFtWalker *w, uint8_t type);
/* The function the current node is in (-1: module or class level). */
int32_t ftw_cur_func(const PsFtWalker *w);
/* The class whose body the current node is directly in, or -1. */
int32_t ftw_cur_class_body(const PsFtWalker *w);
/* Outside every def and class (lambdas aside)? */
bool ftw_at_module_level(const PsFtWalker *w);
/* The file-local name of the innermost def or class ("" at module level):
 * the summary's scope names. Lambdas do not count. */
const char *ftw_cur_scope(const PsFtWalker *w);
/* What kind of value v is (PsFtValue). */
uint8_t ftw_value_kind(PsFtWalker *w, TSNode v);
/* What a stored value names, for the facts: a call's callee, or a chain. */
const char *ftw_value_text(PsFtWalker *w, TSNode v);
/* Does the subtree at n read `ref` (as a whole chain, or subscripted:
 * ref[...], or through ref.get(...))? A bounded look: right-hand sides. */
bool ftw_mentions(PsFtWalker *w, TSNode n, const char *ref);
/* Records an access of `ref` at node n, inside a function; the frames give
 * the locks held, the check it tests or acts under, and EAFP. */
int32_t ftw_add_access_shown(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n,
                                uint8_t flags, uint8_t value, uint32_t shown_start, uint32_t shown_end);
/* The innermost lock held at byte pos of the current function (0: none).
 * A with statement's lock frame covers its body only. */
uint32_t ftw_cur_locks_at(const PsFtWalker *w, uint32_t pos);
/* Pushes a check frame for the if/elif/while/conditional n with condition
 * cond (-1 for none): accesses in cond are its tests, the others its acts. */
int32_t ftw_push_check(PsFtWalker *w, TSNode n, TSNode cond);
/* Is n inside the condition of an enclosing check frame? */
bool ftw_in_condition(const PsFtWalker *w, TSNode n);
/* A lock node for a region holding `text`, inside those held now. */
uint32_t ftw_add_lock(PsFtWalker *w, const char *text);
/* Records the names target binds as locals of the current function. */
void ftw_add_local(PsFtWalker *w, TSNode target);
/* list(d), sorted(d.keys()), tuple(d.items()): the chain d whose keys a
 * snapshot call copies, or NULL. (A call node of list/tuple/sorted/set.) */
const char *ftw_snapshot_source(PsFtWalker *w, TSNode call);
/* Records what `name` is bound to (where: PsFtWhere), with a local's
 * derivation (x = d.get(k), xs = list(d)). */
void ftw_add_bind(PsFtWalker *w, uint8_t where, const char *name, int32_t cls, int32_t func, TSNode value,
                     uint32_t start);
/* The LOCAL bind of `name` in the current function (the latest), or NULL. */
const PsFtRawBind *ftw_local_bind(const PsFtWalker *w, const char *name, size_t n);
/* A test of a local derived from a container (`x = d.get(k)` ... `if not
 * x:`) tests the container: recorded as a membership test of d. */
bool ftw_derived_test(PsFtWalker *w, TSNode n, TSNode x, bool absent);

/* walk_ft_calls.c */
/* `name = [f, g]` (or a tuple, set, dict literal) in a function or at
 * module level. */
void ftw_note_seq_bind(PsFtWalker *w, const char *name, TSNode value, int32_t func);
/* A loop variable over a collection of callables: `target` the loop's
 * target, `iter` what it iterates, [start, end) the loop. */
void ftw_note_seq_loop(PsFtWalker *w, TSNode target, TSNode iter, int32_t func, uint32_t start, uint32_t end,
                       const char *lambda);
/* A call: thread entries and the callables handed to them, its arguments,
 * lock methods, accesses through container methods. */
void ftw_visit_call(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth);

static inline const char *ftw_text_of(PsFtWalker *w, TSNode n, uint32_t *len) { return ps_source_node_text(w->src, n, len); }

static inline TSNode ftw_parent_of(const TSNode *path, size_t depth, size_t up) {
  return up < depth ? path[depth - 1 - up] : (TSNode){0};
}

static inline void ftw_push_frame(PsFtWalker *w, uint32_t start, uint32_t end, uint8_t type, int32_t idx) {
  array_push(&w->frames, ((Frame){start, end, type, idx}));
}

static inline int32_t ftw_add_access(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n, uint8_t flags,
                          uint8_t value) {
  return ftw_add_access_shown(w, kind, ref, name, n, flags, value, 0, 0);
}

/* add_access, shown in messages as the text of node `shown`. */
static inline int32_t ftw_add_access_in(PsFtWalker *w, uint8_t kind, const char *ref, const char *name, TSNode n, uint8_t flags,
                             uint8_t value, TSNode shown) {
  return ftw_add_access_shown(w, kind, ref, name, n, flags, value, ts_node_start_byte(shown), ts_node_end_byte(shown));
}

#endif
