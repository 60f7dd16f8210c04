/* typing_internal.h: shared by the files of the `typing-modern` analysis
 * (the TY rules), private to them.
 *
 * typing_modern.c configures the analysis per rule (`kind:`) and runs one
 * kind per rule; each kind lives in a file of its own (typing_rename.c,
 * typing_pep604.c, typing_annotations.c, typing_pep695.c, typing_async.c)
 * over two helpers: typing_paths.c (where the summary's items sit in the
 * tree) and typing_names.c (what names stand for in the file).
 *
 * Lifetimes: the State is the rule's configuration (process, read-only);
 * a Ctx lives for one run of one rule over one file, and everything it
 * allocates goes to the file arena (PsFileContext.arena) or is freed when
 * the run ends.
 */
#ifndef PS_ANALYSIS_TYPING_INTERNAL_H
#define PS_ANALYSIS_TYPING_INTERNAL_H

#include <string.h>

#include "analysis/analysis_internal.h"

typedef enum Kind {
  K_RENAME,
  K_PEP604,
  K_DEPRECATED_IMPORT,
  K_QUOTED,
  K_TYPE_ALIAS,
  K_FUTURE,
  K_PEP695_CLASS,
  K_PEP695_FUNCTION,
  K_ASYNC_ITERATOR,
} Kind;

typedef struct Row {
  const char *name;        /* rename, pep604: qualified name; import: member */
  const char *module;      /* rename: module of the replacement or NULL; import: source module */
  const char *replacement; /* rename: replacement name; import: target module or "=name" */
  size_t index;
  char runtime;            /* rename: the fix outside type positions: 's' safe, 'u' unsafe, 'n' none */
} Row;

typedef struct State {
  Kind kind;
  bool optional;           /* pep604: Optional rather than Union */
  const char *member;      /* pep604: the typing member rewritten (Union, Optional), in the rule's table */
  bool future_ok;          /* rename, pep604: annotations under the future import */
  bool active;             /* pep604, quoted: min-python reaches the table's `since` */
  Row *rows;               /* rows that apply at min-python */
  size_t n_rows;
  Row *future_rows;        /* rows that apply only under the future import */
  size_t n_future_rows;
  PsPyVersion min_python;
  Row *std_typevars;       /* pep695: type variables a module defines (typing.AnyStr; name, bound) */
  size_t n_std_typevars;
} State;

/* ---- tree helpers ---------------------------------------------------------------- */

static inline bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type); }

typedef Array(TSNode) Nodes;

/* Where a node sits. */
typedef struct Where {
  bool annotation;    /* inside a parameter, return or variable annotation */
  bool runtime_annotation; /* ... one that Python evaluates (not a local variable's) */
  bool type_def;      /* annotation, type alias value, cast() target, TypeVar bound */
  bool in_string;     /* inside a string (a quoted annotation) */
  bool in_function;   /* inside a def body */
} Where;

/* Paths from the root. Each node on the way to a looked-up node is kept
 * once, with its parent and what its path says (Where), so a path costs
 * nothing to read and 12,000 nested `Union[` cost one walk, not one
 * descent from the root each (and no path is too deep to keep). */
typedef struct PathNode {
  TSNode node;
  uint32_t parent;  /* index, UINT32_MAX at the root */
  uint32_t depth;   /* 0 at the root */
  uint32_t top;     /* the node at depth 1 on the path (the statement), or this at depth 0 */
  bool in_def;      /* this node or one above is a function or class definition */
  bool fn_scope;    /* the innermost def or lambda at or above is not inside a class body */
  Where w;          /* of the path ending here */
} PathNode;

typedef Array(PathNode) PathNodes;

/* One path: a node and, through parents, its ancestors. */
typedef struct Path {
  const PathNodes *ns;
  uint32_t leaf;
  size_t len; /* nodes on the path, root included */
} Path;

/* The k-th ancestor on the path (0: the node itself); null past the root. */
static inline TSNode up(const Path *p, size_t k) {
  uint32_t i = p->leaf;
  for (; k && i != UINT32_MAX; k--) i = p->ns->items[i].parent;
  TSNode null = {0};
  return i == UINT32_MAX ? null : p->ns->items[i].node;
}

static inline const PathNode *path_at(const Path *p, size_t k) {
  uint32_t i = p->leaf;
  for (; k && i != UINT32_MAX; k--) i = p->ns->items[i].parent;
  return i == UINT32_MAX ? NULL : &p->ns->items[i];
}

/* The statement (the root's child) on the path, or null. */
static inline TSNode path_top(const Path *p) {
  TSNode null = {0};
  return p->len >= 2 ? p->ns->items[p->ns->items[p->leaf].top].node : null;
}

static inline Where where(const Path *p) { return p->ns->items[p->leaf].w; }

/* Module-level `T = TypeVar("T", ...)` (ParamSpec, TypeVarTuple). */
typedef struct TypeVarDef {
  const char *name;
  char kind;          /* 'T' TypeVar, 'P' ParamSpec, 'S' TypeVarTuple */
  const char *bound;  /* "int", "(int, str)" or NULL */
  bool has_default;
  bool variance;      /* covariant= / contravariant= / infer_variance= */
  uint32_t at;        /* where its statement starts: a use before it reads an older binding */
} TypeVarDef;

typedef Array(TypeVarDef) TypeVarDefs;
typedef Array(const TypeVarDef *) TypeVarRefs;

/* One run of one rule over one file. */
typedef struct Ctx {
  const PsAnalysis *self;
  const State *s;
  const PsFileContext *fc;
  const PsSource *src;
  const PsEmitter *emit;
  TSNode root;
  PsArena *arena;       /* the file arena (fc->arena) */
  PsDeadline *deadline; /* the file's budget, or NULL */
  bool future;  /* from __future__ import annotations */
  bool stub;    /* a stub file (.pyi): never evaluated */
  bool deferred; /* annotations are never evaluated: future || stub */
  Array(const char *) heads; /* see ps_typing__heads() */
  TypeVarDefs *typevars; /* collected on first use (typing_pep695.c) */
  TypeVarDefs *std_typevars; /* the State's std_typevars as definitions, likewise */
  uint32_t future_start, future_end; /* the future import statement */
  PathNodes paths; /* the nodes of every path looked up (see resolve_paths) */
  Array(const char *) def_names; /* see ps_typing__name_bound */
  Array(const char *) class_names; /* see class_scope */
  bool classes_sorted;
  uint32_t *ref_path, *import_path, *ann_path, *def_path; /* per summary item: its path's node or UINT32_MAX */
  Nodes scratch;
} Ctx;

/* The path to node index `leaf` of c->paths; false for UINT32_MAX. */
static inline bool path_of(const Ctx *c, uint32_t leaf, Path *p) {
  if (leaf == UINT32_MAX) return false;
  p->ns = &c->paths;
  p->leaf = leaf;
  p->len = c->paths.items[leaf].depth + 1;
  return true;
}

static inline TSNode node_of(const Ctx *c, uint32_t leaf) {
  TSNode null = {0};
  return leaf == UINT32_MAX ? null : c->paths.items[leaf].node;
}

static inline void emit(const Ctx *c, uint32_t start, uint32_t end, const PsVar *vars, size_t n,
                        const PsFixSpec *fix) {
  c->emit->emit_fix(c->emit->ctx, c->self->rule, start, end, vars, n, fix);
}

/* The node's text, in the arena. */
static inline const char *text_of(const Ctx *c, TSNode n) {
  uint32_t l;
  const char *t = ps_source_node_text(c->src, n, &l);
  return ps_arena_strndup(c->arena, t, l);
}

/* ---- typing_paths.c: the summary's items in the tree ------------------------------ */

/* The named children of n, in order (a cursor: ts_node_named_child is
 * linear in the index, so a loop over it is quadratic). */
void ps_typing__named_children(TSNode n, Nodes *out);
/* Steps a pre-order walk of the subtree rooted at `root` (the cursor
 * started there); `descend`: enter the current node. False at the end. */
bool ps_typing__subtree_next(TSTreeCursor *cur, TSNode root, bool descend);
/* ps_typing__subtree_next keeping the cursor's depth below `root` in *depth. */
bool ps_typing__subtree_step(TSTreeCursor *cur, TSNode root, bool descend, uint32_t *depth);
/* The innermost ancestor of the given type on the path, or null. */
TSNode ps_typing__find_up(const Path *p, const char *type);

typedef bool (*RefFilter)(const Ctx *c, const PsRef *ref);
/* Paths to the references `want` picks (the others get none: c->ref_path[i]
 * is UINT32_MAX), in one walk; once per run. */
void ps_typing__ref_paths(Ctx *c, RefFilter want);
/* Paths to every import (c->import_path), once per run. */
void ps_typing__import_paths(Ctx *c);
/* Paths to the annotations (quoted ones only when `quoted`; c->ann_path). */
void ps_typing__annotation_paths(Ctx *c, bool quoted);
/* Paths to the module-level functions (c->def_path). */
void ps_typing__def_paths(Ctx *c);

/* ---- typing_names.c: what names stand for ------------------------------------------ */

/* True if `name` is bound anywhere in the file other than by an import of
 * `target` (NULL: by anything). */
bool ps_typing__name_bound(Ctx *c, const char *name, const char *target);
/* True if a def, class or module-level assignment named `name` exists. */
bool ps_typing__name_bound_by_def(Ctx *c, const char *name);
/* ps_summary_resolve, and for a head that every binding imports as the same
 * typing object (two branches of a version test), that object. */
const char *ps_typing__resolve(Ctx *c, const char *chain, const char *scope);
/* True if `name` read in `scope` is bound there or in an enclosing scope
 * (class bodies are skipped on the way out, as Python does). */
bool ps_typing__bound_in_scope(Ctx *c, const char *name, const char *scope);
/* A module-level unguarded import binding `name` to `target`. */
bool ps_typing__imported_as(const PsSummary *sum, const char *name, const char *target);
/* Where a new module-level import goes (a byte offset at a line start). */
uint32_t ps_typing__import_insert_point(Ctx *c);
/* The file's `from __future__ import annotations` statement: true and its
 * bytes, or false. */
bool ps_typing__future_annotations(const PsSource *src, TSNode root, uint32_t *start, uint32_t *end);
/* Collects c->heads: the local names imports bind to typing or
 * typing_extensions (or their members). */
void ps_typing__heads(Ctx *c);
/* Can `chain` resolve into typing (its head is one of c->heads)? */
bool ps_typing__candidate(const Ctx *c, const char *chain);
/* A RefFilter: the references ps_typing__candidate admits. */
bool ps_typing__ref_candidate(const Ctx *c, const PsRef *ref);
/* Does refs[i] name typing.<name> (or typing_extensions.<name>)? Then *p
 * gets its path (ps_typing__ref_paths(c, ps_typing__ref_candidate) first). */
bool ps_typing__ref_named(Ctx *c, size_t i, const char *name, Path *p);
/* Is the string node a plain literal whose content is the source text (no
 * prefix, no escapes, no implicit concatenation)? Its content's bytes. */
bool ps_typing__plain_string(const Ctx *c, TSNode str, uint32_t *cs, uint32_t *ce);

/* A dotted name read inside a plain string annotation ("List[int]"): the
 * summary does not look into strings, so these are found here. */
typedef struct StrRef {
  const char *chain;
  uint32_t start, end;  /* bytes of the name in the file */
  uint32_t str_end;     /* end of the string's content */
  const char *scope;
  bool runtime;         /* the annotation is evaluated (without the future import) */
} StrRef;

typedef Array(StrRef) StrRefs;
/* The typing candidates read in plain strings of annotations and type
 * strings, in file order. */
void ps_typing__collect_string_refs(Ctx *c, StrRefs *out);

/* ---- one file per kind ---------------------------------------------------------------- */

void ps_typing__run_rename(Ctx *c);            /* typing_rename.c */
void ps_typing__run_deprecated_import(Ctx *c); /* typing_rename.c */
void ps_typing__run_pep604(Ctx *c);            /* typing_pep604.c */
void ps_typing__pep604_in_strings(Ctx *c);     /* typing_pep604.c */
void ps_typing__run_quoted(Ctx *c);            /* typing_annotations.c */
void ps_typing__run_future(Ctx *c);            /* typing_annotations.c */
void ps_typing__run_pep695_class(Ctx *c);      /* typing_pep695.c */
void ps_typing__run_pep695_function(Ctx *c);   /* typing_pep695.c */
void ps_typing__run_type_alias(Ctx *c);        /* typing_pep695.c */
void ps_typing__run_type_alias_type(Ctx *c);   /* typing_pep695.c */
void ps_typing__run_async_iterator(Ctx *c);    /* typing_async.c */

#endif
