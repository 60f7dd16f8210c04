/* mp_internal.h: the multiprocessing model the MP analyses share.
 *
 * Two parts:
 *
 *   - PsMpTable, from an MP rule's ```table (process lifetime): which
 *     qualified names create pools, processes, managers, thread starters
 *     and unpicklable objects, which pool methods take a callable and in
 *     which argument, the start-method APIs, and the default start method
 *     of the run's target (a `default` row per version). No name list is
 *     in C.
 *   - PsMpModel, one per file (file lifetime: arena strings and TSNodes of
 *     the file's tree): what the walk in walk_mp.c found, with each place's
 *     scope, whether it runs at import time, and the start method pinned
 *     for it (explicit get_context / mp_context / set_start_method).
 *
 * The MP analyses (mp_unpicklable.c, mp_unguarded.c, mp_main_global.c,
 * mp_fork.c: MP005 and MP006) build the model in their per-file step and read it.
 */
#ifndef PS_ANALYSIS_MP_INTERNAL_H
#define PS_ANALYSIS_MP_INTERNAL_H

#include "analysis/analysis_internal.h"

typedef enum PsMpRowKind {
  PS_MP_POOL,        /* a process pool or executor: its methods take callables */
  PS_MP_INTERP_POOL, /* InterpreterPoolExecutor: callables must not live in __main__ */
  PS_MP_PROCESS,     /* a Process: target and args at construction, `.start()` starts it */
  PS_MP_MANAGER,     /* starts a server process when created */
  PS_MP_METHOD,      /* a pool method (by name) that takes a callable */
  PS_MP_CONTEXT,     /* get_context(method): a context whose .Pool/.Process pin `method` */
  PS_MP_SET_START,   /* set_start_method(method) */
  PS_MP_UNPICKLABLE, /* a constructor whose result cannot be pickled */
  PS_MP_FORK,        /* os.fork() and friends */
  PS_MP_THREAD,      /* starts a thread */
  PS_MP_DEFAULT,     /* the default start method from version `since` on */
} PsMpRowKind;

/* Where a call puts something: keyword `kw` (NULL: none) or positional
 * `pos` (-1: none); `rest`: every positional argument from `pos` on. */
typedef struct PsMpSlot {
  const char *kw;
  int pos;
  bool rest;
} PsMpSlot;

#define PS_MP_MAX_SLOTS 3

typedef enum PsMpStarts { PS_MP_STARTS_NO, PS_MP_STARTS_NOW, PS_MP_STARTS_LATER } PsMpStarts;

typedef struct PsMpRow {
  PsMpRowKind kind;
  const char *name;  /* qualified name; PS_MP_METHOD: the method name */
  PsMpSlot callable[PS_MP_MAX_SLOTS];
  size_t n_callable;
  PsMpSlot args[PS_MP_MAX_SLOTS];
  size_t n_args;
  PsMpStarts starts; /* now: creating it starts processes; later: its first method call / .start() */
  const char *what;  /* prose for messages */
  int line;          /* in the rule file */
} PsMpRow;

typedef struct PsMpTable {
  PsMpRow *rows;
  size_t n_rows;
  const char *default_method; /* at the run's target: "fork", "forkserver", "spawn" */
  PsArena *keep;              /* the slots' keyword names */
  /* The run's MP analyses with the same default start method share one
   * table, the union of their rows (the first row of a kind and name
   * wins), and so one model per file (ps_mp_model_get). NULL: this table
   * alone (never linked). `owns_merged`: this analysis frees it. */
  struct PsMpTable *merged;
  bool owns_merged;
} PsMpTable;

/* Reads the rule's table (columns kind, name, callable, args, starts,
 * since, what; `-` for none) and picks the default start method for
 * `target`. PS_E_RULE pointing at the bad row. Strings point into the
 * rule's table. */
int ps_mp_table_load(PsMpTable *out, const PsRule *rule, PsPyVersion target, PsError *err);
void ps_mp_table_free(PsMpTable *self);
/* Word gates from the table: a file is read if it names the last part of
 * one of the listed names. */
void ps_mp_table_gates(const PsMpTable *self, PsAnalysis *a, unsigned kinds_mask);
/* Fact gates of the cross-module joins (MP003, MP004): the top-level
 * modules of the table's pools, processes, managers and start-method APIs
 * ("multiprocessing", "concurrent"), so a module that imports them for
 * anything (cpu_count, freeze_support) gives its facts too. */
void ps_mp_table_fact_gates(const PsMpTable *self, PsAnalysis *a);

/* ---- the per-file model ------------------------------------------------------- */

/* Something handed to another process: a callable or an argument. */
typedef struct PsMpHanded {
  const PsMpRow *row;   /* the pool, process or method row */
  const char *api;      /* as written: "pool.map", "Process" */
  TSNode expr;          /* the callable or argument expression */
  bool is_callable;
  const char *slot;     /* "target", "initializer", "args", "the callable" ... */
  const char *method;   /* pinned start method, or NULL (the default) */
  const char *scope;    /* where the call is */
  bool interp;          /* goes to an InterpreterPoolExecutor */
  const char *why;      /* why it cannot be pickled, or NULL */
  const char *module_def; /* a callable naming a module-level def of this file: its name */
  bool always;          /* a pool method's callable or argument: pickled whatever the start method */
  bool unstarted;       /* given to a Process this file never starts: never pickled */
} PsMpHanded;

/* A place where processes start (or a start method is set). */
typedef struct PsMpStart {
  uint32_t start, end;
  const char *api;      /* "multiprocessing.Pool()", "p.start()", "set_start_method" */
  const char *scope;    /* "" at module level */
  bool import_time;     /* runs when the module is imported: not in a def, not under the guard */
  const char *method;   /* pinned start method (set_start_method: its argument) or NULL */
  bool set_start;       /* a set_start_method call */
} PsMpStart;

/* A write to a module global (MP004). */
typedef enum PsMpWriteKind { PS_MP_W_ASSIGN, PS_MP_W_MUTATE, PS_MP_W_IMPORT } PsMpWriteKind;
typedef struct PsMpWrite {
  const char *name;
  uint32_t start, end;
  const char *scope;    /* "" at module level, else the def that declares it `global` */
  bool guarded;         /* under `if __name__ == "__main__":` */
  bool in_def;
  PsMpWriteKind kind;
} PsMpWrite;

/* A bare name read inside a def (MP004 reads of globals). */
typedef struct PsMpRead {
  const char *name;
  const char *scope;
  uint32_t start, end;
} PsMpRead;

/* A call made at module level or in the guard (for import-time reach). */
typedef struct PsMpTopCall {
  const char *callee;   /* as written */
  uint32_t start, end;
  bool guarded;
  bool import_time;
} PsMpTopCall;

/* os.fork(), a fork context, a thread start (MP005). */
typedef struct PsMpEvent {
  const PsMpRow *row;
  uint32_t start, end;
  const char *api;
  const char *scope;
} PsMpEvent;

typedef struct PsMpModel {
  Array(PsMpHanded) handed;
  Array(PsMpStart) starts;
  Array(PsMpWrite) writes;
  Array(PsMpRead) reads;
  Array(PsMpTopCall) top_calls;
  Array(PsMpEvent) forks;     /* os.fork, and fork contexts / set_start_method("fork") */
  Array(PsMpEvent) threads;
  Array(const char *) worker_defs; /* names of module-level defs handed as callables */
  Array(PsMpWrite) attr_writes; /* `mod.NAME = v` at module level (name: the chain as written) */
  const char *file_method;    /* set_start_method(...) anywhere in the file, or NULL */
  bool has_guard;             /* the file has an `if __name__ == "__main__":` */
  bool is_dunder_main;        /* the file is a package's __main__.py */
} PsMpModel;

/* Walks ctx's tree and fills `out` (strings in `arena`). Polls the
 * deadline. */
void ps_mp_model_build(PsMpModel *out, const PsMpTable *table, const PsFileContext *ctx, PsArena *arena);
void ps_mp_model_free(PsMpModel *self);

/* The model of ctx's file for the table `t` belongs to: built once per
 * text with the shared table and kept in ctx->share for the other MP
 * analyses of the file; without a share (or a free slot) it is built into
 * `own`. Release it with ps_mp_model_release. */
const PsMpModel *ps_mp_model_get(const PsMpTable *t, const PsFileContext *ctx, PsMpModel *own);
void ps_mp_model_release(const PsMpModel *m, PsMpModel *own);
/* The table a model is built with: t's shared one, else t. */
static inline const PsMpTable *ps_mp_table_of(const PsMpTable *t) { return t->merged ? t->merged : t; }
/* PsAnalysisClass.link of every MP class: the shared tables. */
void ps_mp__link(PsAnalysis *const *all, size_t n);
/* One file's shared MP model, with the table it was built from (the value
 * of the per-file share; walk_mp.c). */
typedef struct PsMpShared {
  PsMpModel m;
  const PsMpTable *t;
} PsMpShared;
/* The file-share export of the MP model (walk_mp_facts.c): its project
 * facts, PS_FACT_MP. */
void ps_mp__export_facts(void *v, const PsSource *src, const PsSummary *sum, unsigned what, PsArena *scratch,
                         PsFileFacts *f);

/* The start method that applies to a place: `pinned`, else the file's
 * set_start_method, else the target's default. */
const char *ps_mp_effective_method(const PsMpTable *t, const PsMpModel *m, const char *pinned);
/* True if children started by `method` import the main module afresh
 * (spawn, forkserver) rather than inheriting the parent (fork). */
bool ps_mp_method_reimports(const char *method);

/* The def of the file named `name` as seen from `scope`: the innermost
 * enclosing function scope that defines it, else module level. NULL if
 * none. *kind gets its PsDefKind. */
const PsDef *ps_mp_find_def(const PsSummary *s, const char *scope, const char *name);
/* True if `scope` (a def's qualified name) is a function (not a class). */
bool ps_mp_is_function(const PsSummary *s, const char *scope);

/* The MP analyses' shared configure step: loads the table into
 * self->state and adds word gates for the rows of `gate_kinds` (a mask of
 * 1 << PsMpRowKind). */
int ps_mp__configure(PsAnalysis *self, PsPyVersion target, unsigned gate_kinds, PsError *err);
void ps_mp__free_state(void *state);
#define PS_MP_KIND(k) (1u << (k))

/* The joins of MP003 and MP004 across modules (mp_project.c). */
void ps_mp__join_unguarded(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx,
                           const PsProjectEmitter *emit);
void ps_mp__join_main_global(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx,
                             const PsProjectEmitter *emit);

extern const PsAnalysisClass ps_analysis__mp_unpicklable;
extern const PsAnalysisClass ps_analysis__mp_unguarded_start;
extern const PsAnalysisClass ps_analysis__mp_main_only_global;
extern const PsAnalysisClass ps_analysis__mp_fork_with_threads;
extern const PsAnalysisClass ps_analysis__mp_fork_start_method;
extern const PsAnalysisClass ps_analysis__mp_thread_candidate;

#endif
