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
  size_t alloc;     /* bytes of the chunks (stats) */
} PsStrPool;

void ps_pool_init(PsStrPool *self);
void ps_pool_free(PsStrPool *self);
/* The interned copy of s[0..n) (NUL-terminated); NULL for NULL. */
const char *ps_pool_intern(PsStrPool *self, const char *s, size_t n);
const char *ps_pool_intern_cstr(PsStrPool *self, const char *s);
/* Drops the deduplication index (the strings stay): for a pool that is
 * done growing. Later interning still works but does not deduplicate
 * against the strings stored before. */
void ps_pool_seal(PsStrPool *self);

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
  PS_FACT_FT = 1u << 5,        /* the free-threading facts (PsFtFacts) */
  PS_FACT_CLASSES = 1u << 6,   /* classes with bases, and uses of methods through self (PsFactClass, PsFactMethodUse) */
  PS_FACT_MP = 1u << 7,        /* the multiprocessing facts (PsMpFacts), from the MP model */
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

/* A class with bases (PS_FACT_CLASSES): what the removed-APIs join needs
 * to follow base chains across modules. */
typedef struct PsFactClass {
  const char *qualname; /* "pkg.mod.Cls" */
  const char *bases;    /* each base as it resolves (through imports, relative ones made absolute; an
                           in-file class qualified) or else as written, comma-joined */
  const char *written;  /* the last name of each base as written, comma-joined (same order) */
  const char *defines;  /* the methods it defines that some method row names, comma-joined ("" if none) */
  PsPos pos;
} PsFactClass;

/* A use of a row's method through self/cls (PS_FACT_CLASSES) that the
 * per-file pass could not decide (the class's bases do not reach the
 * row's class in the file) and would report if they did: guards, version
 * tests and feature tests already applied. */
typedef struct PsFactMethodUse {
  const void *owner;    /* the analysis that recorded it */
  uint32_t row;         /* its row */
  const char *cls;      /* qualified class name */
  const char *used;     /* the chain as written ("self.assertEquals") */
  PsPos pos, end;
} PsFactMethodUse;

typedef struct PsFactSuppression {
  uint32_t line;
  PsSuppressDirective d;
} PsFactSuppression;

/* ---- free-threading facts (PS_FACT_FT) ----------------------------------------
 * What the free-threading analysis (scanner/ft/) reads from a file: its
 * functions, the shared state it defines (module- and class-level names,
 * instance attributes), every access to that state from inside a function
 * with the locks held there, the calls functions make (with the callables
 * passed to them: thread targets) and the lock sets. Names are resolved
 * through the file's imports and scopes before the copy: locals are gone,
 * a module global is "pkg.mod.name", a class or instance attribute
 * "pkg.mod.Cls.name", a name imported from another module the qualified
 * name it stands for. Indexes are into the same PsFtFacts. */

/* What a name is bound to where it is defined. */
typedef enum PsFtValue {
  PS_FTV_UNKNOWN, /* a name, an expression, several values */
  PS_FTV_DICT,    /* {...}, dict comprehension */
  PS_FTV_LIST,    /* [...], list comprehension */
  PS_FTV_SET,     /* {a, b}, set comprehension */
  PS_FTV_GENEXP,  /* (x for x in y) */
  PS_FTV_NONE,
  PS_FTV_CONST,   /* numbers, strings, tuples of them */
  PS_FTV_CALL,    /* a call: PsFtObject.ctor is the callee */
  PS_FTV_FUNC,    /* a lambda or a function */
  PS_FTV_ALIAS,   /* another name: `start = _thread.start_new_thread`, `seed = _inst.seed` (ctor: what it names) */
  PS_FTV_FLAG,    /* True, False */
} PsFtValue;

typedef enum PsFtWhere {
  PS_FTW_MODULE,   /* module level */
  PS_FTW_CLASS,    /* class body */
  PS_FTW_INSTANCE, /* `self.x = ...` in a method */
  PS_FTW_LOCAL,    /* a function's local (locks made per call) */
} PsFtWhere;

/* Markers in a comment on the defining line (`# pyshift: benign`). */
enum {
  PS_FTM_CONFINED = 1u << 0,  /* thread-confined */
  PS_FTM_INIT_ONLY = 1u << 1, /* init-only: written only at import */
  PS_FTM_GUARDED = 1u << 2,   /* guarded-by=NAME (PsFtObject.guard) */
  PS_FTM_BENIGN = 1u << 3,    /* benign: races accepted (statistics) */
  PS_FTM_LOCKED = 1u << 6,    /* not a marker: a LOCAL object used in `with name:` */
  PS_FTM_ESCAPES = 1u << 7,   /* not a marker: a LOCAL object passed on (an argument, stored) */
};

typedef struct PsFtObject {
  const char *key;   /* "pkg.mod.cache", "pkg.mod.Cls.items", LOCAL: "pkg.mod.f:lock" */
  const char *ctor;  /* CALL: the callee resolved ("collections.defaultdict", "pkg.mod.Cls") or as written */
  const char *guard; /* guarded-by=NAME: NAME as written */
  uint32_t func;     /* INSTANCE and LOCAL: the function that binds it (index into funcs) */
  PsPos pos;
  uint8_t where;     /* PsFtWhere */
  uint8_t value;     /* PsFtValue */
  uint8_t markers;   /* PS_FTM_* */
} PsFtObject;

enum {
  PS_FTF_LAMBDA = 1u << 0,
  PS_FTF_METHOD = 1u << 1,    /* defined in a class body */
  PS_FTF_GENERATOR = 1u << 2, /* holds a yield: a call makes a generator */
  PS_FTF_CACHED = 1u << 3,    /* @lru_cache / @cache */
  PS_FTF_INIT = 1u << 4,      /* __init__, __new__, __post_init__, setUp */
  PS_FTF_STATIC = 1u << 5,
  PS_FTF_CLASSMETHOD = 1u << 6,
  PS_FTF_NESTED = 1u << 7,    /* inside another function */
  PS_FTF_DECORATED = 1u << 8, /* has a decorator besides staticmethod/classmethod/property */
  PS_FTF_ACQUIRES = 1u << 9,  /* calls some .acquire() as a statement (an __enter__ that takes a lock) */
  PS_FTF_OWNER_CHECK = 1u << 10, /* raises unless a call (`get_ident()`) equals a self attribute: an owner
                                    check when the call is a `thread-ident` row (races.c) */
};

typedef struct PsFtFunc {
  const char *qualname; /* "pkg.mod.Cls.m", lambdas "pkg.mod.f.<lambda:12>" */
  const char *cls;      /* METHOD: the class's qualified name, else NULL */
  PsPos pos;
  uint16_t flags;       /* PS_FTF_* */
} PsFtFunc;

typedef struct PsFtClass {
  const char *qualname;
  const char *bases;    /* resolved base names, comma-joined ("threading.Thread,pkg.mod.Base"), or "" */
  PsPos pos;
} PsFtClass;

typedef enum PsFtAccessKind {
  PS_FTA_WRITE,      /* rebinding: `global x; x = v`, `self.x = v`, `Cls.x = v` */
  PS_FTA_RMW,        /* x += 1, x = x + [v]: rebinding from its own value */
  PS_FTA_DEL,        /* del x */
  PS_FTA_ITEM_READ,  /* x[k] */
  PS_FTA_ITEM_STORE, /* x[k] = v */
  PS_FTA_ITEM_DEL,   /* del x[k] */
  PS_FTA_ITEM_RMW,   /* x[k] += v, x[k] = x[k] + v */
  PS_FTA_METHOD,     /* x.name(...) */
  PS_FTA_ARG,        /* name(x, ...): len, sorted, list, next, ... */
  PS_FTA_ITER,       /* for _ in x, comprehension over x; name: "items" for x.items() */
  PS_FTA_TEST_IN,    /* k in x, k not in x */
  PS_FTA_TEST_TRUTH, /* if x:, not x, while x: */
  PS_FTA_TEST_NONE,  /* x is None, x is not None, x == None */
  PS_FTA_READ,       /* x.attr, x passed on or returned */
} PsFtAccessKind;

/* How the access names its object. */
typedef enum PsFtVia { PS_FTVIA_NAME, PS_FTVIA_SELF, PS_FTVIA_CLS, PS_FTVIA_CLASS, PS_FTVIA_MODULE } PsFtVia;

enum {
  PS_FTX_EAFP = 1u << 0,         /* in a try body whose handler catches KeyError/IndexError/LookupError */
  PS_FTX_CHECK_LOCKED = 1u << 1, /* the act and its check hold one lock region throughout */
  PS_FTX_NEGATED = 1u << 2,      /* a test that passes when the key is absent / the value None / empty */
  PS_FTX_SELF_RHS = 1u << 3,     /* RMW: the right-hand side reads the object */
  PS_FTX_DEFAULT = 1u << 4,      /* METHOD: called with two or more arguments (d.pop(k, None)) */
  PS_FTX_EAFP_ITER = 1u << 5,    /* in a try body whose handler catches RuntimeError (or any exception) */
  PS_FTX_SAVED = 1u << 6,        /* RMW: restores a value saved from the object (old = X; ...; X = old) */
  PS_FTX_SNAPSHOT = 1u << 7,     /* TEST_IN: the keys of a snapshot being iterated (for k in list(d)) */
  PS_FTX_ELEMENT = 1u << 6,      /* ITEM_READ: the item is then changed in place (d[k].append(x)); shares
                                    SAVED's bit (SAVED is for RMW only) */
};

typedef struct PsFtAccess {
  const char *key;   /* the object's key (as in PsFtObject) */
  const char *text;  /* the code, for messages: "cache[key] = compute(key)" (one line, at most ~72 bytes) */
  const char *name;  /* METHOD, ARG: the method or function; ITER: the view ("items") or NULL;
                        WRITE, ITEM_STORE of a call: the callee, resolved */
  uint32_t func;     /* index into funcs */
  uint32_t locks;    /* index into locksets (0: none held) */
  int32_t check;     /* the test (index into accesses) this act depends on, or -1 */
  PsPos pos, end;
  uint8_t kind;      /* PsFtAccessKind */
  uint8_t via;       /* PsFtVia */
  uint8_t flags;     /* PS_FTX_* */
  uint8_t value;     /* WRITE, ITEM_STORE: PsFtValue of the value stored */
  bool inverted;     /* its check is a guard clause before it (`if not q: continue` ... `q.pop()`): the
                        act runs when the test fails */
} PsFtAccess;

/* A callable handed to a call (a thread target). */
typedef enum PsFtArgHow {
  PS_FTARG_FUNC,    /* a function: `worker`, `mod.worker` */
  PS_FTARG_BOUND,   /* a bound method: `self.run_job`, `obj.m` */
  PS_FTARG_LAMBDA,  /* target: the lambda's qualified name */
  PS_FTARG_PARTIAL, /* functools.partial(f, ...): target is f */
  PS_FTARG_CLASS,   /* a class (a request handler class) */
  PS_FTARG_VALUE,   /* an object handed to the thread (args=(obj,)): target is its class */
  PS_FTARG_METHOD,  /* p.m with p of unknown type: target is "?m" (the method by name) */
} PsFtArgHow;

typedef struct PsFtArg {
  const char *kw;     /* the keyword, or NULL */
  const char *target; /* the callable's qualified name ("pkg.mod.C.m" for a bound method) */
  int8_t index;       /* positional index, -1 for a keyword */
  uint8_t how;        /* PsFtArgHow */
} PsFtArg;

enum {
  PS_FTC_IN_LOOP = 1u << 0, /* inside a loop or comprehension of its function: may run many times */
  PS_FTC_SELF = 1u << 1,    /* self.m(...) / cls.m(...): target is "Cls.m" of the caller's class */
  PS_FTC_WITH = 1u << 2,    /* `with f(...):` (a lock made for one with statement) */
  PS_FTC_SUPER = 1u << 3,   /* super().m(...) */
  PS_FTC_DECORATOR = 1u << 4, /* `@name` on a def: the decorator applied (not a call in the body) */
  PS_FTC_IMPLICIT = 1u << 5,  /* a dunder the syntax calls: `with x:` calls x.__enter__ and x.__exit__ */
  PS_FTC_ONCE = 1u << 6,      /* in the body of a once-guard under a lock (`if not X: X = True`, X not
                                 self's): runs once per process */
};

typedef struct PsFtCall {
  const char *target; /* resolved callee: "pkg.mod.f", "threading.Thread", "pkg.mod.Cls.m" */
  const char *recv;   /* x.m(...) with x a known object: its key; else NULL */
  const char *name;   /* the last name of the callee ("submit") */
  uint32_t func;      /* caller (index into funcs), UINT32_MAX at module or class level */
  uint32_t locks;
  uint32_t first_arg, n_args; /* into args */
  PsPos pos, end;
  uint8_t flags;      /* PS_FTC_* */
} PsFtCall;

typedef struct PsFtLockSet {
  uint32_t first, n; /* into lock_keys */
} PsFtLockSet;

typedef struct PsFtFacts {
  Array(PsFtFunc) funcs;
  Array(PsFtClass) classes;
  Array(PsFtObject) objects;
  Array(PsFtAccess) accesses;
  Array(PsFtCall) calls;
  Array(PsFtArg) args;
  Array(PsFtLockSet) locksets;      /* [0] is the empty set */
  Array(const char *) lock_keys;    /* object keys of held locks ("pkg.mod.f:lock" for locals) */
} PsFtFacts;

void ps_ft_facts_free(PsFtFacts *self); /* frees members and self; NULL ok */

/* ---- multiprocessing facts (PS_FACT_MP) --------------------------------------
 * What the MP rules' joins (MP003, MP004 across modules) read from a file
 * the MP rules' word gates admit: made from the file's MP model
 * (analysis/mp_internal.h) by walk_mp.c. Qualified names are resolved
 * through the file's imports (not yet through re-exports). */
typedef struct PsMpFactStarter {
  const char *function; /* a module-level function that starts processes: "pkg.b.run" */
  const char *api;      /* the start as written: "multiprocessing.Pool()" */
  const char *method;   /* the start method pinned for it, or NULL */
  PsPos pos, end;       /* the start */
} PsMpFactStarter;

typedef struct PsMpFactCall {
  const char *callee;   /* qualified: "pkg.b.run" */
  const char *written;  /* as written: "b.run" */
  PsPos pos, end;
} PsMpFactCall;

typedef struct PsMpFactWorker {
  const char *function; /* a callable handed to a pool or Process, qualified */
  const char *method;   /* the start method that applies there (already resolved) */
  PsPos pos, end;
} PsMpFactWorker;

typedef struct PsMpFactWrite {
  const char *target;   /* the global written: "pkg.b.CONFIG" (`b.CONFIG = ...`) or "pkg.a.G" */
  const char *where;    /* prose: "under `if __name__ == ...`" */
  PsPos pos, end;
} PsMpFactWrite;

typedef struct PsMpFactRead {
  const char *function; /* the module-level function that reads it: "pkg.b.work" */
  const char *target;   /* the global: "pkg.b.CONFIG" */
  bool at_import;       /* it has an import-time value (a module-level binding) */
  bool write;           /* a write (`global G; G = ...`, a mutation), not a read */
  PsPos pos, end;
} PsMpFactRead;

typedef struct PsMpFacts {
  bool dunder_main;        /* a package's __main__.py (not re-imported by children) */
  const char *file_method; /* set_start_method(...) in the file, or NULL */
  Array(PsMpFactStarter) starters;
  Array(PsMpFactCall) import_calls; /* calls made at import time, outside the guard */
  Array(PsMpFactCall) fn_calls;     /* module-level function -> callee (`written` holds the caller) */
  Array(PsMpFactWorker) workers;
  Array(PsMpFactWrite) writes;      /* run-time writes under the guard */
  Array(PsMpFactRead) reads;        /* globals read (or written) by module-level functions */
} PsMpFacts;

void ps_mp_facts_free(PsMpFacts *self);

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
  Array(PsFactClass) classes;          /* PS_FACT_CLASSES */
  Array(PsFactMethodUse) method_uses;  /* PS_FACT_CLASSES */
  bool classes_copied;  /* PS_FACT_CLASSES: `classes` (and the module-level imports) were copied */
  PsFtFacts *ft;        /* PS_FACT_FT, else NULL */
  PsMpFacts *mp;        /* PS_FACT_MP on a file the MP analyses ran on, else NULL */
} PsFileFacts;

PsFileFacts *ps_facts_new(const char *path, const char *module, bool is_package);
void ps_facts_delete(PsFileFacts *self);
/* Done filling: frees what only filling needed (the string pool's index,
 * the arrays' spare capacity). The facts then live as long as the run. */
void ps_facts_seal(PsFileFacts *self);
/* The heap bytes a (sealed) record holds: its string chunks and arrays
 * (PYSHIFT_TIMING's "facts" figure). */
size_t ps_facts_bytes(const PsFileFacts *self);
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
/* ps_facts_bytes over the files folded in. */
size_t ps_project_index_bytes(const PsProjectIndex *self);
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
