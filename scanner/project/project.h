/* project.h: what one run knows across files.
 *
 * The per-file pipeline forgets everything when a file's arena is reset.
 * The project stage keeps what whole-project analyses need:
 *
 *   - PsModules, from the walk's file list before anything is parsed: which
 *     top-level modules the scanned tree defines itself (first-party), and
 *     each file's dotted module name (`src/pkg/sub/mod.py` -> "pkg.sub.mod").
 *   - PsFileFacts, one per scanned file, built on the worker after the
 *     file's scan: the facts project analyses declared they need, copied out
 *     of the file arena into one heap-owned record whose strings are
 *     interned in the record's own pool and whose positions are resolved
 *     (line, column, UTF-16 column). No tree or arena pointer survives.
 *   - PsProjectIndex, on the main thread: each file's facts folded in path
 *     order (so the index is the same for any --jobs), then read by the
 *     analyses' join steps after the last file.
 *
 * Lifetimes: PsModules and PsProjectIndex live for the run and belong to
 * the main thread (workers only read PsModules, which is immutable once
 * built). A PsFileFacts is made by a worker and handed, with the file's
 * result, to the main thread, which folds it into the index: the index owns
 * it from then on.
 */
#ifndef PS_PROJECT_PROJECT_H
#define PS_PROJECT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "rules/rules.h"

/* ---- string set and pool ------------------------------------------------------ */

/* A string set, optionally with string values: a PsStrMap (core/strmap.h)
 * that owns heap copies of its keys and values. */
typedef struct PsStrSet {
  PsStrMap map;
} PsStrSet;

void ps_strset_init(PsStrSet *self);
void ps_strset_free(PsStrSet *self);
bool ps_strset_get(const PsStrSet *self, const char *s, size_t n, const char **value);
void ps_strset_put(PsStrSet *self, const char *s, size_t n, const char *value);

/* Interned strings: each distinct string stored once, in chunks that never
 * move, so the pointers returned stay valid until the pool is freed. */
typedef struct PsStrPool {
  Array(char *) chunks;
  size_t used;      /* bytes used in the last chunk */
  size_t chunk_cap; /* its size */
  PsStrMap index;   /* the strings stored */
  size_t bytes;     /* string bytes stored (for budgets and stats) */
} PsStrPool;

void ps_pool_init(PsStrPool *self);
void ps_pool_free(PsStrPool *self);
/* The interned copy of s[0..n) (NUL-terminated); NULL for NULL. */
const char *ps_pool_intern(PsStrPool *self, const char *s, size_t n);
const char *ps_pool_intern_cstr(PsStrPool *self, const char *s);

/* ---- the module layout --------------------------------------------------------- */

typedef struct PsModules {
  PsStrSet first_party; /* top-level module names defined in the scanned tree */
  PsStrSet dir_package; /* directory -> dotted package ("" at an import root) */
} PsModules;

/* Builds the layout from the walk's file list (paths as given). */
void ps_modules_build(PsModules *self, const char *const *paths, size_t n);
void ps_modules_free(PsModules *self);
/* True if `top` (a top-level module name) is first-party: the scanned tree
 * has its own module or package of that name at an import root. Stub files
 * (.pyi) and stub-only packages count for nothing. */
bool ps_modules_is_first_party(const PsModules *self, const char *top, size_t len);
/* The dotted module name of a file among the paths the layout was built
 * from ("pkg.sub.mod"; "pkg" for pkg/__init__.py; "mod" at an import root),
 * written into buf (heap). *is_package is set for __init__ files. NULL if
 * the path is not a Python file name. */
char *ps_modules_name(const PsModules *self, const char *path, bool *is_package);
/* The absolute module an import names, from inside `module` (a package if
 * `is_package`): `from ..a import b` in pkg.sub.mod (level 2, "a") ->
 * "pkg.a". NULL if the import climbs above the top-level package. Heap. */
char *ps_modules_resolve_relative(const char *module, bool is_package, int level, const char *name);

/* ---- per-file facts ------------------------------------------------------------- */

/* What a project analysis declares it needs from every file (the union
 * over the enabled analyses decides what is copied out). */
enum {
  PS_FACT_IMPORTS = 1u << 0,
  PS_FACT_DEFS = 1u << 1,
  PS_FACT_CALLS = 1u << 2,     /* calls with their keyword arguments */
  PS_FACT_BINDINGS = 1u << 3,  /* names bound at module and class level */
  PS_FACT_ACCESSES = 1u << 4,  /* writes to possibly shared state */
};

typedef struct PsFactImport {
  const char *module;  /* absolute dotted module (relative imports resolved; "" if unresolvable) */
  const char *name;    /* from-import: the imported name or "*"; else NULL */
  const char *alias;   /* the `as` name, or NULL */
  const char *scope;   /* qualified name of the enclosing def/class (the module's at module level) */
  PsPos pos;
  unsigned guards;     /* PS_GUARD_* of analysis.h */
  bool dynamic;        /* importlib.import_module("...") / __import__ */
} PsFactImport;

typedef enum PsFactDefKind { PS_FACT_FUNCTION, PS_FACT_CLASS, PS_FACT_ASSIGN } PsFactDefKind;

typedef struct PsFactDef {
  PsFactDefKind kind;
  const char *qualname; /* "pkg.mod.Class.method" */
  const char *bases;    /* class: base expressions as written, comma-joined */
  PsPos pos;
} PsFactDef;

typedef struct PsFactKwarg {
  const char *name;
  const char *value;    /* the value expression as written (at most PS_FACT_VALUE_MAX bytes) */
} PsFactKwarg;

#define PS_FACT_VALUE_MAX 256

typedef struct PsFactCall {
  const char *callee;   /* as written: "threading.Thread", "self.start" ("" if not a name chain) */
  const char *resolved; /* through the file's imports ("threading.Thread"), or NULL */
  const char *scope;    /* qualified name of the caller ("pkg.mod" at module level) */
  PsPos pos, end;       /* the callee (the whole call if it is not a name chain) */
  uint32_t first_kwarg, n_kwargs; /* into PsFileFacts.kwargs */
} PsFactCall;

typedef struct PsFactBinding {
  const char *name;
  const char *scope;    /* qualified name of the module or class that binds it */
  int kind;             /* PsBindingKind of analysis.h */
  const char *target;   /* import: the qualified name; call: the callee; else NULL */
} PsFactBinding;

typedef struct PsFactAccess {
  int kind;             /* PsMutationKind of analysis.h */
  const char *target;   /* "cache", "self.items", "Registry.seen" */
  const char *scope;    /* qualified name of the enclosing def ("pkg.mod" at module level) */
  PsPos pos;
} PsFactAccess;

typedef struct PsFactSuppression {
  uint32_t line;
  PsSuppressDirective d;
} PsFactSuppression;

typedef struct PsFileFacts {
  const char *path;     /* as displayed */
  const char *module;   /* dotted module name, "" if none */
  bool is_package, is_stub;
  PsStrPool strings;    /* every string of the record */
  Array(PsFactImport) imports;
  Array(PsFactDef) defs;
  Array(PsFactCall) calls;
  Array(PsFactKwarg) kwargs;
  Array(PsFactBinding) bindings;
  Array(PsFactAccess) accesses;
  Array(PsFactSuppression) suppressions;
} PsFileFacts;

PsFileFacts *ps_facts_new(const char *path, const char *module, bool is_package);
void ps_facts_delete(PsFileFacts *self);
/* Interns a string into the record (NULL stays NULL). */
const char *ps_facts_str(PsFileFacts *self, const char *s);
const char *ps_facts_strn(PsFileFacts *self, const char *s, size_t n);
/* The qualified name of a file-local name: "C.m" in pkg.mod -> "pkg.mod.C.m";
 * "" (module level) -> "pkg.mod". Interned. */
const char *ps_facts_qualify(PsFileFacts *self, const char *local);
/* True if a finding of rule `id` at `line` is suppressed by the file's own
 * directives (`# pyshift: ignore[...]`, `# noqa`, `ignore-file`). */
bool ps_facts_suppressed(const PsFileFacts *self, uint32_t line, const char *id);

/* ---- the project index ---------------------------------------------------------- */

/* Where a definition is: facts->defs.items[def]. */
typedef struct PsDefRef {
  const PsFileFacts *facts;
  uint32_t def;
} PsDefRef;

typedef struct PsProjectIndex PsProjectIndex;

PsProjectIndex *ps_project_index_new(void);
void ps_project_index_delete(PsProjectIndex *self);
/* Folds one file's facts (taking ownership). Call in path order. */
void ps_project_index_add(PsProjectIndex *self, PsFileFacts *facts);
size_t ps_project_index_files(const PsProjectIndex *self);
const PsFileFacts *ps_project_index_file(const PsProjectIndex *self, size_t i);
/* The facts of the file that is module `module`, or NULL. */
const PsFileFacts *ps_project_index_module(const PsProjectIndex *self, const char *module);
/* The facts of the file at `path` (as displayed), or NULL. */
const PsFileFacts *ps_project_index_path(const PsProjectIndex *self, const char *path);
/* The definition with qualified name `qualname` ("pkg.mod.C.m"), or
 * {NULL, 0}. With several (conditional definitions), the first in path and
 * file order. */
PsDefRef ps_project_index_def(const PsProjectIndex *self, const char *qualname);
/* Follows `from a import b` re-exports: the qualified name `name` stands
 * for once imports through first-party modules are followed
 * ("pkg.helpers.run" where pkg/__init__.py does `from .impl import run`
 * -> "pkg.impl.run"). Interned in the index; at most 16 hops. */
const char *ps_project_index_canonical(PsProjectIndex *self, const char *qualname);

#endif
