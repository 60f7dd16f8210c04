/* ft.h: the free-threading race analysis, run over the project index.
 *
 * Input: every scanned file's PsFtFacts (project.h), folded in path order,
 * and a vocabulary (PsFtVocab) read from the FT rules' tables and
 * `[tool.pyshift.ft]`: which constructors make containers, locks,
 * thread-safe objects and iterators, which calls start threads, and what
 * each container method does (an atomic read or write, a removal, a
 * non-atomic compound, a copy, an iteration).
 *
 * The analysis (ps_ft_analyze):
 *   1. builds a call graph across modules (functions by qualified name,
 *      methods through `self` and the classes' bases, constructors to
 *      __init__, re-exports through ps_project_index_canonical);
 *   2. finds the thread entries (Thread(target=...), Timer, executors,
 *      Thread subclasses' run, threading socketserver handlers), each a
 *      context; in library mode every public function is also reachable
 *      from one more context, "any caller", that runs many times at once;
 *   3. from each context computes the functions it reaches and the locks
 *      held on every path there (must-hold: the intersection over paths of
 *      the locks held at the call sites and inside);
 *   4. per shared object, looks for the races of the FT rules among the
 *      accesses: two accesses from concurrent contexts (two contexts, or
 *      one that runs several times), at least one a write or a compound,
 *      with no common lock.
 * Findings come out in a fixed order (files in path order, accesses in
 * file order), so the result is the same for any --jobs.
 *
 * Lifetimes: a vocabulary is built once per run and read-only while the
 * analysis runs; everything the analysis allocates is freed before it
 * returns; the PsFtFinding handed to the callback lives until it returns.
 * Main thread only.
 */
#ifndef PS_FT_FT_H
#define PS_FT_FT_H

#include <stdbool.h>
#include <stddef.h>

#include "project/project.h"

/* The races the analysis finds: one per FT rule. */
typedef enum PsFtRace {
  PS_FT_MUTATION = 1, /* FT001: a non-atomic mutation of a shared container */
  PS_FT_RMW,          /* FT002: read-modify-write of a module global or class attribute; publish before init */
  PS_FT_CHECK_ACT,    /* FT003: an act on the result of a test another thread can invalidate */
  PS_FT_ITERATION,    /* FT004: iteration over a container other threads mutate */
  PS_FT_CLASS_STATE,  /* FT005: a class-level container mutated through self/cls */
  PS_FT_LOCKING,      /* FT006: a lock made lazily or per call, or state guarded by different locks */
  PS_FT_INSTANCE,     /* FT007: compound update of instance state shared by threads */
  PS_FT_ITERATOR,     /* FT008: one iterator or generator consumed by several threads */
  PS_FT_N_RACES
} PsFtRace;

typedef enum PsFtMode {
  PS_FT_MODE_AUTO,    /* library for the top-level packages that start no thread */
  PS_FT_MODE_APP,     /* only thread entries in the tree */
  PS_FT_MODE_LIBRARY, /* also: any public function may run in several threads at once */
} PsFtMode;

/* ---- the vocabulary -------------------------------------------------------- */

typedef struct PsFtVocab PsFtVocab;

PsFtVocab *ps_ft_vocab_new(void);
void ps_ft_vocab_delete(PsFtVocab *self);
/* Adds one row: `kind` is one of
 *   container NAME KIND   a constructor of a mutable container; KIND is dict,
 *                         list, set, deque, defaultdict, counter, other or
 *                         buffer (a memoryview: item stores take no lock)
 *   lock NAME             a lock type (held by `with`)
 *   safe NAME WHAT        a type safe to share (threading.local, queues, ...)
 *   iterator NAME         a call returning an iterator (next() consumes it)
 *   entry NAME ARGS MANY  a call that runs a callable in another thread: ARGS
 *                         is `keyword,index` of the callable (either may be
 *                         `-`), MANY `many` if it runs it many times at once
 *                         (executor.map), else `once`; NAME is a qualified
 *                         name, or `.method` for a method of any receiver
 *   subclass NAME METHOD  subclasses of NAME run METHOD in a thread (Thread.run)
 *   server NAME ARGS      its instances run the handler class in ARGS once
 *                         per request, in threads (a ThreadingMixIn server);
 *                         a class deriving from NAME does too
 *   handler NAME          a method name of handler classes that the server runs
 *                         (`do_*` matches a prefix)
 *   method TYPE.NAME WHAT what a container method does: read, write, insert,
 *                         remove (never fails), take (fails when the item is
 *                         gone: pop, remove), compound, copy, iterate, consume,
 *                         once (setdefault)
 *   call NAME WHAT        a function applied to a container (its first
 *                         argument): read, copy, iterate, consume
 *   lock-like NAME        extra lock-like context managers ([tool.pyshift.ft])
 *   main-only NAME        a call only the main thread may make (signal.signal
 *                         raises ValueError in any other): the function that
 *                         makes it runs in the main thread alone
 *   thread-ident NAME     a call naming the calling thread (threading.get_ident):
 *                         a method that raises unless it equals a self
 *                         attribute (`if get_ident() != self._owner: raise`)
 *                         confines its class's instances to their owner thread
 * Returns 0, or -1 with a reason in why[0..n) for an unknown kind or value. */
int ps_ft_vocab_add(PsFtVocab *self, const char *kind, const char *name, const char *detail, const char *extra,
                    char *why, size_t n);

/* ---- findings ------------------------------------------------------------- */

typedef struct PsFtLoc {
  const char *path;
  PsPos start, end;
  const char *message;
} PsFtLoc;

typedef struct PsFtFlow {
  const char *message; /* "thread started by threading.Thread(target=worker) at app.py:12" */
  const PsFtLoc *steps;
  size_t n_steps;
} PsFtFlow;

typedef struct PsFtFinding {
  PsFtRace race;
  PsFtLoc at;              /* the primary location (message unused) */
  /* Message variables: the shared object ("cache", "Registry.items"),
   * where it is defined ("pkg/cache.py:3" or "outside the scanned tree"),
   * the operation at `at` ("cache[key] = ..."), a phrase on the rest
   * (what it conflicts with), and a short fix hint. */
  const char *object, *defined, *op, *detail, *fix;
  const PsFtLoc *related;  /* the conflicting accesses, the check, the definition */
  size_t n_related;
  const PsFtFlow *flows;   /* high confidence: one per thread */
  size_t n_flows;
  const char *const *notes;
  size_t n_notes;
  bool high;               /* confidence: both sides reached from thread entries in the tree */
} PsFtFinding;

typedef struct PsFtOptions {
  PsFtMode mode;
  bool races[PS_FT_N_RACES]; /* which to look for (index: PsFtRace) */
  int target_minor;          /* the target Python 3.N (3.15 names threading.serialize) */
} PsFtOptions;

typedef void (*PsFtEmit)(void *ctx, const PsFtFinding *f);

/* Runs the analysis over every file of `index` that has FT facts. */
void ps_ft_analyze(PsProjectIndex *index, const PsFtVocab *vocab, const PsFtOptions *opts, PsFtEmit emit,
                   void *ctx);

/* ---- thread entries, seen from outside (MP001) ------------------------------ */

/* A mutation of an object outside the tree's functions' locals: a store,
 * delete or read-modify-write (method NULL), or a method call (method). */
typedef struct PsFtWrite {
  const char *key;    /* the object's key ("sys.path", "os.environ", "pkg.mod.cache") */
  const char *method; /* METHOD accesses: the method's name; else NULL */
} PsFtWrite;

/* One thread entry the vocabulary's `entry` rows found, with what it runs. */
typedef struct PsFtEntry {
  const char *api;          /* the entry row matched ("concurrent.futures.ProcessPoolExecutor.map") */
  PsFtLoc at;               /* the call that starts it (message unused) */
  const char *caller;       /* the qualified name of the function making the call, NULL at module level */
  const char *callee;       /* the qualified name of the function it runs (in the tree) */
  PsFtLoc callee_at;        /* its definition */
  bool local;               /* the callee is a lambda, a nested function or a method: not importable by name */
  bool many;                /* runs in several threads at once */
  unsigned call_flags;      /* PS_FTC_* of the call (PS_FTC_SUPER: super().map(...) in a subclass) */
  const char *const *reached; /* every function of the tree it reaches, the callee first */
  size_t n_reached;
  const char *const *calls; /* callees (resolved, canonical) of the calls in those functions that are no
                               function or class of the tree, each once, in first-seen order */
  size_t n_calls;
  const PsFtWrite *writes;  /* the stores and method calls on non-local objects in those functions,
                               each once, in first-seen order */
  size_t n_writes;
  const PsFtFinding *const *races; /* the findings of the analysis (opts) with an access it reaches;
                                      only race, at, object, defined, op and high are set */
  size_t n_races;
} PsFtEntry;

typedef void (*PsFtEntryEmit)(void *ctx, const PsFtEntry *e);

/* Builds the call graph and runs the race analysis as ps_ft_analyze does,
 * then hands `emit` every thread entry matched by an `entry` row named in
 * apis[0..n_apis), in file and call order. Nothing is emitted for other
 * entries; `emit` receives no race findings of its own. */
void ps_ft_entries(PsProjectIndex *index, const PsFtVocab *vocab, const PsFtOptions *opts, const char *const *apis,
                   size_t n_apis, PsFtEntryEmit emit, void *ctx);

#endif
