/* summary_internal.h: what the files of the summary walk share (not part
 * of analysis.h's interface).
 *
 * summary.c       the walker and summary lifecycle, the per-file budget and
 *                 the walk itself (dispatch on node symbols)
 * summary_scope.c context frames, bindings, dotted chains, string
 *                 literals, and imports
 * summary_guards.c try/except and version guards, the version masks of
 *                 if/elif/else branches (PsGuardRange), hasattr() tests
 * summary_defs.c  defs and parameters, calls, references, mutations,
 *                 assignments, dynamic imports and annotations
 */
#ifndef PS_ANALYSIS_SUMMARY_INTERNAL_H
#define PS_ANALYSIS_SUMMARY_INTERNAL_H

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
  PsStrMap imported_set;        /* the same names, for lookups by identifier */
  unsigned needs;     /* PS_NEED_* */
  Array(PsCall) dyn; /* candidate dynamic-import calls, resolved after the walk */
  Array(DynArg) dyn_arg; /* their string arguments */
  PsDeadline *deadline;
  PsFtWalker *ft;    /* PS_NEED_FT: made on first use */
};

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

/* ---- small helpers (inline: called per node) ---------------------------- */

static inline bool ps_summary__text_is(const Walk *k, TSNode n, const char *s) {
  uint32_t len;
  const char *t = ps_source_node_text(k->src, n, &len);
  return len == strlen(s) && memcmp(t, s, len) == 0;
}

/* True if a string literal's prefix (the letters before its quote) makes
 * it an f-string or a t-string. */
static inline bool ps_summary__is_interpolated(const char *t, uint32_t n) {
  for (uint32_t i = 0; i < n && i < 3 && t[i] != '"' && t[i] != '\''; i++)
    if (t[i] == 'f' || t[i] == 'F' || t[i] == 't' || t[i] == 'T') return true;
  return false;
}

/* The ancestor `up` levels above the node being visited (0: its parent). */
static inline TSNode ps_summary__ancestor(const Walk *k, size_t up) {
  const PsWalker *w = k->w;
  return up < w->path.size ? w->path.items[w->path.size - 1 - up] : (TSNode){0};
}

/* Drops the frames that end at or before `pos` (the stack top closes first). */
static inline void ps_summary__pop_frames(PsWalker *w, uint32_t pos) {
  while (w->frames.size && array_last(&w->frames)->end <= pos) w->frames.size--;
}

static inline uint32_t ps_summary__line_of(const Walk *k, TSNode n) { return ts_node_start_point(n).row + 1; }

/* ---- summary_scope.c -------------------------------------------------------- */

/* Dotted text of a dotted_name / identifier / attribute chain without
 * whitespace; NULL if the node is anything else. */
const char *ps_summary__dotted(const Walk *k, TSNode n);
/* The value of a plain string literal (no interpolation, no escapes
 * needed for module names), or NULL. */
const char *ps_summary__string_value(const Walk *k, TSNode n, uint32_t *start, uint32_t *end);
/* The guards, guard line, version bound and enclosing scope of the frames
 * active at `pos`. */
void ps_summary__active_context(const Walk *k, uint32_t pos, unsigned *guards, uint32_t *guard_line,
                                uint16_t *below, const char **scope, bool *module_level);
/* The enclosing def/class at `pos` ("" at module level). */
const char *ps_summary__scope_at(const Walk *k, uint32_t pos, bool *module_level);
/* Records a binding of `name` at `pos` (PS_NEED_BINDINGS), with the guards
 * and scope there (or `scope_override`). */
void ps_summary__add_binding(Walk *k, PsBindingKind kind, const char *name, const char *target, uint32_t pos,
                             const char *scope_override);
/* Binds every plain name a target binds: `a`, `a, b`, `(a, [b, *c])`. */
void ps_summary__bind_targets(Walk *k, TSNode t, const char *scope_override, int depth);
/* Pushes a frame covering node n's bytes (nothing for a null node). */
void ps_summary__push_frame(PsWalker *w, TSNode n, unsigned guards, uint32_t line, uint16_t below,
                            const char *scope, bool is_def);
/* `import a.b as c` and `from m import x as y`: imports and their bindings. */
void ps_summary__visit_import(Walk *k, TSNode n);
void ps_summary__visit_import_from(Walk *k, TSNode n);

/* ---- summary_guards.c ------------------------------------------------------- */

/* `a if cond else b` */
void ps_summary__visit_conditional(Walk *k, TSNode n);
/* `hasattr(m, "x") and m.x`: a feature test guarding the right operand. */
void ps_summary__visit_boolean(Walk *k, TSNode n);
/* A def inside a try body: a range saying its body is not protected. */
void ps_summary__def_leaves_try(Walk *k, TSNode def);
/* `@unittest.skipIf(cond, ...)`, `@pytest.mark.skipif(cond, ...)`, `@skipUnless(cond)` on a
 * test: its body runs only where the test is not skipped. */
void ps_summary__skip_decorators(Walk *k, TSNode def);
/* if/elif/else: guard frames and version ranges per branch. */
void ps_summary__visit_if(Walk *k, TSNode n);
/* The try body gets what all its handlers catch together. */
void ps_summary__visit_try(Walk *k, TSNode n);
void ps_summary__find_version_flags(Walk *k, TSNode root);

/* summary_fallback.c: code that runs only where an import or attribute
 * is missing (PsGuardRange.fallback_of). */
const char *ps_summary__hasattr_fallback(Walk *k, TSNode cond, bool *negated);
void ps_summary__add_fallback(Walk *k, TSNode n, const char *of);
const char *ps_summary__imports_only(Walk *k, TSNode body);

/* ---- summary_defs.c --------------------------------------------------------- */

/* A def or class: its record, its body's scope frame, its parameters. */
void ps_summary__visit_def(Walk *k, TSNode n, PsDefKind kind);
/* Records outermost attribute chains (`a.b.c`, not its inner `a.b`). */
void ps_summary__visit_attribute(Walk *k, TSNode n);
/* Records a bare name read (`fmt(...)`, `x = makeSuite`) when an import
 * bound that name earlier in the file: only such names can stand for a
 * removed API. Definitions, parameters, keyword names, attribute parts and
 * assignment targets are not reads. */
void ps_summary__visit_identifier(Walk *k, TSNode n);
/* A call: callee, keyword arguments, mutating methods, dynamic imports. */
void ps_summary__visit_call(Walk *k, TSNode n);
void ps_summary__add_mutation(Walk *k, PsMutationKind kind, const char *target, TSNode n);
/* `x = ...` / `x += ...`: bindings, module-level defs, mutations. */
void ps_summary__visit_assignment(Walk *k, TSNode n, bool augmented);
/* After the walk: the candidate dynamic imports whose callee resolves to
 * importlib.import_module / __import__ become imports. */
void ps_summary__resolve_dynamic(Walk *k);
/* A `type` node: a parameter, return or variable annotation? */
void ps_summary__visit_type(Walk *k, TSNode n);
/* A string that holds a type: the first argument of cast(), or the value
 * of `X: TypeAlias = "..."`. */
void ps_summary__visit_type_string(Walk *k, TSNode n);

#endif
