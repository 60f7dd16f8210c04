/* typing_pep695.c: type parameters (PEP 695): `kind: pep695-class` (TY046,
 * `class C(Generic[T])` -> `class C[T]`), `kind: pep695-function` (TY047,
 * `def f(x: T) -> T` -> `def f[T](x: T) -> T`) and `kind: type-alias`
 * (TY040, `X: TypeAlias = Y` and `X = TypeAliasType("X", Y)` -> `type X =
 * Y`), over the file's module-level TypeVar, ParamSpec and TypeVarTuple
 * definitions.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

/* `T = TypeVar("T", ...)` (ParamSpec, TypeVarTuple) among the statements
 * of `block`, and in the blocks of its if, try and with statements (under
 * `if TYPE_CHECKING:`, a version test or a try: a function at module level
 * reads the module's binding wherever it is made, as ruff resolves it);
 * never inside a def or class. */
static void collect_in(Ctx *c, TSNode block, TypeVarDefs *out, unsigned depth) {
  Nodes stmts, args;
  array_init(&stmts);
  array_init(&args);
  ps_typing__named_children(block, &stmts);
  for (size_t i = 0; i < stmts.size; i++) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode st = stmts.items[i];
    if (is(st, "if_statement") || is(st, "try_statement") || is(st, "with_statement") || is(st, "elif_clause") ||
        is(st, "else_clause") || is(st, "except_clause") || is(st, "finally_clause") || is(st, "block")) {
      if (depth < 16) collect_in(c, st, out, depth + 1);
      continue;
    }
    if (!is(st, "expression_statement") || ts_node_named_child_count(st) != 1) continue;
    TSNode asg = ts_node_named_child(st, 0);
    if (!is(asg, "assignment")) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4), right = ts_node_child_by_field_name(asg, "right", 5);
    if (!is(left, "identifier") || !is(right, "call")) continue;
    TSNode fn = ts_node_child_by_field_name(right, "function", 8);
    if (!is(fn, "identifier") && !is(fn, "attribute")) continue;
    const char *q = ps_typing__resolve(c, text_of(c, fn), "");
    if (!q) continue;
    const char *last = strrchr(q, '.');
    if (!last || (strncmp(q, "typing.", 7) && strncmp(q, "typing_extensions.", 18))) continue;
    last++;
    TypeVarDef d = {text_of(c, left), 0, NULL, false, false, ts_node_start_byte(st)};
    if (!strcmp(last, "TypeVar")) d.kind = 'T';
    else if (!strcmp(last, "ParamSpec")) d.kind = 'P';
    else if (!strcmp(last, "TypeVarTuple")) d.kind = 'S';
    else continue;
    ps_typing__named_children(ts_node_child_by_field_name(right, "arguments", 9), &args);
    /* The name comes first, as a string (as ruff requires). */
    size_t first = 0;
    while (first < args.size && is(args.items[first], "comment")) first++;
    if (first == args.size || !is(args.items[first], "string")) continue;
    PsBuf cons = PS_BUF_INIT;
    size_t n_cons = 0;
    for (size_t k = first + 1; k < args.size; k++) {
      TSNode a = args.items[k];
      if (is(a, "keyword_argument")) {
        const char *kn = text_of(c, ts_node_child_by_field_name(a, "name", 4));
        if (!strcmp(kn, "bound")) d.bound = text_of(c, ts_node_child_by_field_name(a, "value", 5));
        else if (!strcmp(kn, "default")) d.has_default = true;
        else d.variance = true;
      } else if (!is(a, "comment")) {
        ps_buf_printf(&cons, "%s%s", n_cons ? ", " : "", text_of(c, a));
        n_cons++;
      }
    }
    if (n_cons) d.bound = ps_arena_sprintf(c->arena, "(%s)", cons.data);
    ps_buf_free(&cons);
    array_push(out, d); /* in file order: find_typevar takes the last one before a use */
  }
  array_free(&stmts);
  array_free(&args);
}

static void collect_typevars(Ctx *c, TypeVarDefs *out) { collect_in(c, c->root, out, 0); }

/* The rule's table of type variables that modules define (typing.AnyStr), as
 * definitions, once per file. */
static const TypeVarDefs *std_typevars(Ctx *c) {
  if (!c->std_typevars) {
    TypeVarDefs *d = ps_arena_calloc(c->arena, sizeof *d);
    array_init(d);
    for (size_t i = 0; i < c->s->n_std_typevars; i++) {
      const Row *row = &c->s->std_typevars[i];
      array_push(d, ((TypeVarDef){strrchr(row->name, '.') + 1, 'T', row->replacement, false, false, 0}));
    }
    c->std_typevars = d;
  }
  return c->std_typevars;
}

/* The table's type variable that `chain` (a name or dotted name read at
 * module level) stands for, or NULL. */
static const TypeVarDef *std_typevar(Ctx *c, TSNode n) {
  if (!c->s->n_std_typevars) return NULL;
  const TypeVarDefs *defs = std_typevars(c);
  const char *q = ps_typing__resolve(c, text_of(c, n), "");
  if (!q) return NULL;
  for (size_t i = 0; i < c->s->n_std_typevars; i++) {
    const char *name = c->s->std_typevars[i].name, *last = strrchr(name, '.') + 1;
    /* typing.AnyStr, also through typing_extensions */
    if (!strcmp(q, name) || (!strncmp(q, "typing_extensions.", 18) && !strncmp(name, "typing.", 7) &&
                             !strcmp(q + 18, last)))
      return &defs->items[i];
  }
  return NULL;
}

/* The file's module-level type variables, collected once per file. */
static const TypeVarDefs *typevars(Ctx *c) {
  if (!c->typevars) {
    TypeVarDefs *d = ps_arena_calloc(c->arena, sizeof *d);
    array_init(d);
    collect_typevars(c, d);
    c->typevars = d;
  }
  return c->typevars;
}

/* The module's binding of `name` that a statement at `before` reads: the
 * last definition above it (ruff looks the name up where the def or class
 * statement is; a TypeVar defined below is not it). */
static const TypeVarDef *find_typevar(const TypeVarDefs *defs, const char *name, size_t len, uint32_t before) {
  const TypeVarDef *found = NULL;
  for (size_t i = 0; i < defs->size && defs->items[i].at < before; i++)
    if (strlen(defs->items[i].name) == len && !strncmp(defs->items[i].name, name, len)) found = &defs->items[i];
  return found;
}

static void param_text(PsBuf *b, const TypeVarDef *d) {
  if (b->len) ps_buf_puts(b, ", ");
  if (d->kind == 'P') ps_buf_printf(b, "**%s", d->name);
  else if (d->kind == 'S') ps_buf_printf(b, "*%s", d->name);
  else if (d->bound) ps_buf_printf(b, "%s: %s", d->name, d->bound);
  else ps_buf_puts(b, d->name);
}

/* Collects, in order of first use, the type variables named under n: the
 * file's (by name) and the table's (typing.AnyStr, through imports). The
 * attribute part of a dotted name (`x.T`) names no variable. */
static void used_typevars(Ctx *c, TSNode n, const TypeVarDefs *defs, uint32_t before, TypeVarRefs *out) {
  TSTreeCursor cur = ts_tree_cursor_new(n);
  for (;;) {
    if (ps_deadline_poll(c->deadline)) break;
    TSNode x = ts_tree_cursor_current_node(&cur);
    const char *field = ts_tree_cursor_current_field_name(&cur);
    bool descend = true;
    const TypeVarDef *d = NULL;
    if (is(x, "identifier") && !(field && !strcmp(field, "attribute"))) {
      uint32_t l;
      const char *t = ps_source_node_text(c->src, x, &l);
      d = find_typevar(defs, t, l, before);
      if (!d) d = std_typevar(c, x);
    } else if (is(x, "attribute")) {
      if ((d = std_typevar(c, x))) descend = false;
    } else if (is(x, "string")) {
      descend = false;
    }
    bool seen = false;
    for (size_t k = 0; d && k < out->size; k++) seen |= out->items[k] == d;
    if (d && !seen) array_push(out, d);
    if (!ps_typing__subtree_next(&cur, n, descend)) break;
  }
  ts_tree_cursor_delete(&cur);
}

void ps_typing__run_pep695_class(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ps_typing__ref_paths(c, ps_typing__ref_candidate);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!ps_typing__ref_named(c, i, "Generic", &p) || p.len < 4) continue;
    TSNode sub = up(&p, 1), args = up(&p, 2), cls = up(&p, 3);
    if (!is(sub, "subscript") || !is(args, "argument_list") || !is(cls, "class_definition")) continue;
    if (!ts_node_is_null(ts_node_child_by_field_name(cls, "type_parameters", 15))) continue;
    /* Only module-level classes (if/try blocks allowed): a class in a def
     * or in another class may use variables its enclosing scope binds. */
    const PathNode *above = path_at(&p, 4);
    if (above && above->in_def) continue;
    /* Generic's arguments: each a type variable of this file. */
    bool fixable = true, skip = false;
    PsBuf params = PS_BUF_INIT;
    TSTreeCursor cur = ts_tree_cursor_new(sub);
    if (ts_tree_cursor_goto_first_child(&cur)) do {
        const char *f = ts_tree_cursor_current_field_name(&cur);
        if (!f || strcmp(f, "subscript")) continue;
        TSNode a = ts_tree_cursor_current_node(&cur);
        uint32_t l;
        const char *t = ps_source_node_text(c->src, a, &l);
        const TypeVarDef *d = is(a, "identifier") ? find_typevar(typevars(c), t, l, ts_node_start_byte(cls)) : NULL;
        if (!d && (is(a, "identifier") || is(a, "attribute"))) d = std_typevar(c, a);
        if (!d) {
          fixable = false; /* Unpack[Ts], *Ts, imported variables */
          continue;
        }
        if (d->has_default) skip = true; /* PEP 696 defaults: ruff only in preview */
        if (d->kind == 'P' || d->kind == 'S') fixable = false;
        param_text(&params, d);
      } while (ts_tree_cursor_goto_next_sibling(&cur));
    ts_tree_cursor_delete(&cur);
    if (skip) {
      ps_buf_free(&params);
      continue;
    }
    const char *cname = text_of(c, ts_node_child_by_field_name(cls, "name", 4));
    /* Delete the base with its separating comma, or the whole base list. */
    PsByteEdit ed[2];
    uint32_t ds, de, bases = 0;
    ps_typing__named_children(args, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) bases += !is(c->scratch.items[k], "comment");
    if (bases == 1) {
      ds = ts_node_start_byte(args);
      de = ts_node_end_byte(args);
    } else {
      TSNode prev = ts_node_prev_sibling(sub), next = ts_node_next_sibling(sub);
      if (is(prev, ",")) {
        ds = ts_node_start_byte(prev);
        de = ts_node_end_byte(sub);
      } else {
        ds = ts_node_start_byte(sub);
        de = ts_node_start_byte(ts_node_next_sibling(next));
      }
    }
    TSNode nm = ts_node_child_by_field_name(cls, "name", 4);
    ed[0] = (PsByteEdit){ts_node_end_byte(nm), ts_node_end_byte(nm), ps_arena_sprintf(c->arena, "[%s]", params.data ? params.data : "")};
    ed[1] = (PsByteEdit){ds, de, ""};
    PsFixSpec fix = {"Use type parameters", ed, 2, false};
    PsVar vars[] = {{"used", text_of(c, sub)}, {"name", cname}};
    emit(c, ts_node_start_byte(sub), ts_node_end_byte(sub), vars, 2, fixable && params.len ? &fix : NULL);
    ps_buf_free(&params);
  }
}

void ps_typing__run_pep695_function(Ctx *c) {
  const TypeVarDefs *defs = typevars(c);
  if (!defs->size && !c->s->n_std_typevars) return;
  /* Module-level functions, also in if/try blocks (a method may use its
   * class's variables, a nested function its enclosing function's). */
  const PsSummary *sum = c->fc->summary;
  ps_typing__def_paths(c);
  for (size_t i = 0; i < sum->defs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    TSNode n = node_of(c, c->def_path[i]); /* null for the defs not wanted */
    if (!is(n, "function_definition")) continue;
    TSNode params = ts_node_child_by_field_name(n, "parameters", 10);
    TypeVarRefs used;
    array_init(&used);
    if (ts_node_is_null(ts_node_child_by_field_name(n, "type_parameters", 15)) && !ts_node_is_null(params))
      used_typevars(c, params, defs, ts_node_start_byte(n), &used);
    bool skip = !used.size;
    PsBuf pt = PS_BUF_INIT;
    for (size_t k = 0; k < used.size; k++) {
      if (used.items[k]->has_default) skip = true;
      param_text(&pt, used.items[k]);
    }
    if (!skip) {
      TSNode nm = ts_node_child_by_field_name(n, "name", 4);
      PsByteEdit ed = {ts_node_end_byte(nm), ts_node_end_byte(nm), ps_arena_sprintf(c->arena, "[%s]", pt.data)};
      PsFixSpec fix = {"Use type parameters", &ed, 1, false};
      PsVar vars[] = {{"used", text_of(c, nm)}, {"name", text_of(c, nm)}};
      emit(c, ts_node_start_byte(nm), ts_node_end_byte(nm), vars, 2, &fix);
    }
    ps_buf_free(&pt);
    array_free(&used);
  }
}

void ps_typing__run_type_alias(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ps_typing__ref_paths(c, ps_typing__ref_candidate);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!ps_typing__ref_named(c, i, "TypeAlias", &p) || p.len < 3) continue;
    /* X: TypeAlias = value, the annotation being exactly TypeAlias. */
    TSNode ty = up(&p, 1), asg = up(&p, 2);
    if (!is(ty, "type") || !is(asg, "assignment")) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4), right = ts_node_child_by_field_name(asg, "right", 5);
    if (!is(left, "identifier") || ts_node_is_null(right)) continue;
    if (!ts_node_eq(ts_node_child_by_field_name(asg, "type", 4), ty)) continue;
    TSNode stmt = up(&p, p.len >= 4 ? 3 : 2); /* the root when the path is shorter */
    bool fixable = is(stmt, "expression_statement") && ts_node_named_child_count(stmt) == 1;
    /* Comments in the value are kept: the value's text is copied whole. */
    const char *name = text_of(c, left), *value = text_of(c, right);
    /* The alias's own type variables become its parameters. */
    TypeVarRefs used;
    array_init(&used);
    used_typevars(c, right, typevars(c), ts_node_start_byte(asg), &used);
    PsBuf tp = PS_BUF_INIT;
    bool skip = false;
    for (size_t k = 0; k < used.size; k++) {
      if (used.items[k]->has_default) skip = true; /* PEP 696 defaults: as ruff, not reported */
      param_text(&tp, used.items[k]);
    }
    array_free(&used);
    if (skip) {
      ps_buf_free(&tp);
      continue;
    }
    char *repl = tp.len ? ps_arena_sprintf(c->arena, "type %s[%s] = %s", name, tp.data, value)
                        : ps_arena_sprintf(c->arena, "type %s = %s", name, value);
    ps_buf_free(&tp);
    PsByteEdit ed = {ts_node_start_byte(asg), ts_node_end_byte(asg), repl};
    /* Unsafe: a type statement is lazily evaluated and is a TypeAliasType,
     * not the value itself, so runtime uses (isinstance, calls) change. */
    /* In a stub nothing runs: safe there (as ruff). */
    PsFixSpec fix = {"Use the `type` statement", &ed, 1, c->stub};
    PsVar vars[] = {{"used", text_of(c, asg)}, {"name", name}, {"replacement", repl}};
    emit(c, ts_node_start_byte(asg), ts_node_end_byte(asg), vars, 3, fixable ? &fix : NULL);
  }
}

/* X = TypeAliasType("X", value, type_params=(T,)) -> type X[T] = value (TY040). */
void ps_typing__run_type_alias_type(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  ps_typing__ref_paths(c, ps_typing__ref_candidate);
  for (size_t i = 0; i < sum->refs.size; i++) {
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!ps_typing__ref_named(c, i, "TypeAliasType", &p) || p.len < 4) continue;
    TSNode call = up(&p, 1), asg = up(&p, 2), stmt = up(&p, 3);
    if (!is(call, "call") || !is(asg, "assignment") || !is(stmt, "expression_statement")) continue;
    if (!ts_node_eq(ts_node_child_by_field_name(asg, "right", 5), call)) continue;
    TSNode left = ts_node_child_by_field_name(asg, "left", 4);
    if (!is(left, "identifier") || !ts_node_is_null(ts_node_child_by_field_name(asg, "type", 4))) continue;
    TSNode args = ts_node_child_by_field_name(call, "arguments", 9);
    TSNode name_arg = {0}, value = {0}, params = {0};
    int pos = 0;
    bool odd = false;
    ps_typing__named_children(args, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) {
      TSNode a = c->scratch.items[k];
      if (is(a, "comment")) continue;
      if (is(a, "keyword_argument")) {
        const char *kn = text_of(c, ts_node_child_by_field_name(a, "name", 4));
        TSNode v = ts_node_child_by_field_name(a, "value", 5);
        if (!strcmp(kn, "name")) name_arg = v;
        else if (!strcmp(kn, "value")) value = v;
        else if (!strcmp(kn, "type_params")) params = v;
        else odd = true;
      } else if (pos == 0) {
        name_arg = a;
        pos++;
      } else if (pos == 1) {
        value = a;
        pos++;
      } else {
        odd = true;
      }
    }
    if (odd || ts_node_is_null(name_arg) || ts_node_is_null(value) || !is(name_arg, "string")) continue;
    const char *nm = text_of(c, left), *lit = text_of(c, name_arg);
    size_t nl = strlen(nm), ll = strlen(lit);
    if (ll != nl + 2 || strncmp(lit + 1, nm, nl) != 0) continue; /* the name must match the target */
    PsBuf tp = PS_BUF_INIT;
    bool fixable = true;
    if (!ts_node_is_null(params)) {
      if (!is(params, "tuple")) fixable = false;
      ps_typing__named_children(params, &c->scratch);
      for (size_t k = 0; fixable && k < c->scratch.size; k++) {
        TSNode t = c->scratch.items[k];
        uint32_t l;
        const char *tt = ps_source_node_text(c->src, t, &l);
        const TypeVarDef *d = is(t, "identifier") ? find_typevar(typevars(c), tt, l, ts_node_start_byte(asg)) : NULL;
        if (d) param_text(&tp, d);
        else if (is(t, "identifier")) {
          /* Not a module-level variable of this file (a function's own, an
           * imported one): its name alone, as ruff does. */
          TypeVarDef plain = {ps_arena_strndup(c->arena, tt, l), 'T', NULL, false, false, 0};
          param_text(&tp, &plain);
        } else
          fixable = false;
      }
    }
    const char *val = text_of(c, value);
    char *repl = tp.len ? ps_arena_sprintf(c->arena, "type %s[%s] = %s", nm, tp.data, val)
                        : ps_arena_sprintf(c->arena, "type %s = %s", nm, val);
    ps_buf_free(&tp);
    PsByteEdit ed = {ts_node_start_byte(asg), ts_node_end_byte(asg), repl};
    /* Unsafe (issue 12 item 12): the type statement creates a TypeAliasType
     * too, but evaluates its value lazily, on first access of __value__,
     * where the call evaluated it at once: a NameError or a side effect
     * moves, and names the value reads are looked up later. Comments
     * between the call's arguments, outside the value, are lost. */
    PsFixSpec fix = {"Use the `type` statement", &ed, 1, false};
    PsVar vars[] = {{"used", text_of(c, asg)}, {"name", nm}, {"replacement", repl}};
    emit(c, ts_node_start_byte(asg), ts_node_end_byte(asg), vars, 3, fixable ? &fix : NULL);
  }
}
