/* walk_ft.h: the free-threading part of the summary walk (private to the
 * analysis module).
 *
 * summary.c hands every node of its one pre-order walk to
 * ps_ft_walk__node when PS_NEED_FT is on; nothing here walks the tree
 * again. Context (the enclosing function or class, the locks held, the
 * if/while whose condition an act depends on, a try that catches
 * KeyError, loops) is a stack of byte-range frames popped by position, as
 * in summary.c: a frame is pushed at the node whose range it covers, so
 * frames always nest.
 *
 * The result, PsFtRaw, is what the file says as written: object
 * expressions as text ("self._cache", "cache"), byte offsets, scopes as
 * file-local names. ps_ft__copy_facts (ft_facts.c) resolves it into the
 * file's PsFtFacts (project.h). Strings live in the file arena; the arrays
 * are heap, owned by the PsSummary and cleared per file.
 */
#ifndef PS_ANALYSIS_WALK_FT_H
#define PS_ANALYSIS_WALK_FT_H

#include "analysis/analysis.h"

typedef struct PsFtRawFunc {
  const char *local;     /* "f", "C.m", "f.<lambda:12>" */
  const char *scope;     /* the summary scope its names are bound in (the nearest def: "C.m") */
  int32_t parent;        /* the enclosing function, or -1 */
  int32_t cls;           /* METHOD: the class (index into classes), else -1 */
  const char *self_name; /* the name that stands for the instance (or the class): a method's
                            first parameter, inherited by the functions nested in it; else NULL */
  int32_t self_cls;      /* the class self_name stands for, or -1 */
  const char *returns;   /* the chain every `return` returns ("_seq"), "" if they differ, NULL if none */
  uint32_t first_bind;   /* binds of this function start at or after this index */
  uint32_t bind_end;     /* ... and end before this one (its last bind + 1) */
  int32_t local_calls;   /* its LOCAL binds of calls (a list through next_local), -1 */
  uint32_t start;
  uint16_t flags;        /* PS_FTF_* */
} PsFtRawFunc;

typedef struct PsFtRawClass {
  const char *local;     /* "C", "Outer.Inner" */
  const char *bases;     /* base expressions as written, comma-joined, or "" */
  const char *scope;     /* where the bases are looked up */
  int32_t func;          /* the function it is defined in, or -1 */
  uint32_t start;
} PsFtRawClass;

typedef struct PsFtRawBind {
  const char *name;      /* the bound name (attribute name for CLASS and INSTANCE) */
  const char *ctor;      /* CALL: the callee as written */
  int32_t cls;           /* CLASS, INSTANCE: the class */
  int32_t func;          /* INSTANCE, LOCAL: the function */
  uint32_t start;
  uint8_t where, value;  /* PsFtWhere, PsFtValue (LOCAL also FTV_DERIVED, FTV_KEYS) */
  bool escapes;          /* LOCAL: the name is used other than in `with`/acquire()/release() */
  bool locked;           /* LOCAL: used in `with name:` */
  int32_t next_local;    /* LOCAL call binds of one function, newest first (see PsFtRawFunc.local_calls) */
} PsFtRawBind;

/* LOCAL bind values beyond PsFtValue: `x = d.get(k)` / `x = d[k]`
 * (derived from d: ctor is d), `xs = list(d.keys())` (d's keys). */
enum { FTV_DERIVED = 0x40, FTV_KEYS = 0x41 };

typedef struct PsFtRawAccess {
  const char *ref;       /* the object as written: "cache", "self.items", "Cls.n", "mod.state" */
  const char *name;      /* METHOD, ARG, ITER: see PsFtAccess; WRITE/ITEM_STORE: the value's callee or chain */
  int32_t func;
  uint32_t locks;        /* lock node (index into lock_nodes; 0: none) */
  int32_t test_frame;    /* in the condition of this check frame: a test of it, else -1 */
  int32_t act_frame;     /* the innermost check frame it is an act of (not in its condition), -1 */
  int32_t check;         /* after the walk: the test this act depends on, or -1 */
  int32_t next_test;     /* the next test of test_frame, -1 */
  uint32_t start, end;
  uint32_t shown_start, shown_end; /* the code shown in messages (the statement) */
  uint8_t kind, flags, value;
  bool inverted;         /* after the walk: check is a guard clause's test (PsFtAccess.inverted) */
} PsFtRawAccess;

typedef struct PsFtRawArg {
  const char *kw;        /* NULL: positional */
  const char *text;      /* the callable as written ("self.work", "worker"; for partial: its first argument) */
  int8_t index;
  uint8_t how;           /* PsFtArgHow (LAMBDA: text is the lambda's local name) */
} PsFtRawArg;

typedef struct PsFtRawCall {
  const char *callee;    /* dotted, as written; "super" calls: the method name */
  int32_t func;
  uint32_t locks;
  uint32_t start, end;   /* the callee */
  uint32_t first_arg, n_args;
  uint8_t flags;         /* PS_FTC_* */
  uint8_t loops;         /* the loops of its function around it (a comprehension counts its for clauses) */
} PsFtRawCall;

/* A name that stands for a collection of callables: bound to a list,
 * tuple, set or dict literal (`targets = [reader, writer]`), a loop
 * variable over one (`for f in (a, b)`, `for t in targets`,
 * `for k, f in handlers.items()`, `for i, f in enumerate(fns)`), or a
 * map's lambda parameter (`pool.map(lambda f: f(), fns)`). The copy-out
 * resolves a thread target or callee written as that name into the
 * collection's callables. */
typedef struct PsFtRawSeq {
  const char *name;      /* the bound name */
  const char *of;        /* a loop over a named collection: its name ("targets"), else NULL */
  const char *lambda;    /* a map's lambda parameter: the lambda's local name, else NULL */
  int32_t func;          /* where the name (and `of`) is bound: -1 at module level */
  uint32_t start, end;   /* a loop: its byte range (a comprehension: the whole comprehension) */
  uint32_t first, n;     /* its literal elements, callables as written (into seq_elems) */
  bool loop;             /* a loop variable or lambda parameter, else a binding */
  bool dict;             /* a binding to a dict literal (the elements are its values) */
  bool values;           /* a loop over .values(), .items() or enumerate(): the elements, not dict keys */
} PsFtRawSeq;

/* A lock held from a with statement or an acquire(): lock nodes form a
 * tree (each points at the set held around it), so a lock set is a node. */
typedef struct PsFtLockNode {
  const char *text;      /* the lock as written: "self._lock" */
  int32_t func;
  uint32_t parent;       /* 0: none */
} PsFtLockNode;

typedef struct PsFtCheckFrame {
  uint32_t start, end;   /* the if/while/conditional expression */
  uint32_t cond_start, cond_end;
  int32_t parent;        /* the enclosing check frame, -1 */
  int32_t first_test;    /* its tests (accesses), -1 */
  bool once;             /* a once-guard: `if not X:` / `if X is None:` under a lock, whose body sets X
                            (X not an attribute of self) */
  uint32_t guard_from;   /* a guard clause (`if not q: continue`): the end of its if statement; its
                            acts follow it to the end of its block and run when the test fails; else 0 */
} PsFtCheckFrame;

typedef struct PsFtRawDecl {
  const char *name;
  int32_t func;
  bool nonlocal;
} PsFtRawDecl;

typedef struct PsFtRawMarker {
  uint32_t line;
  uint8_t markers;       /* PS_FTM_* */
  const char *guard;
} PsFtRawMarker;

typedef struct PsFtRaw {
  Array(PsFtRawFunc) funcs;
  Array(PsFtRawClass) classes;
  Array(PsFtRawBind) binds;
  Array(PsFtRawAccess) accesses;
  Array(PsFtRawCall) calls;
  Array(PsFtRawArg) args;
  Array(PsFtLockNode) lock_nodes;  /* [0] is the empty set */
  Array(PsFtCheckFrame) checks;
  Array(PsFtRawDecl) decls;        /* global / nonlocal */
  Array(PsFtRawDecl) locals;       /* names bound in a function that the summary does not see:
                                      lambda parameters, comprehension variables */
  Array(PsFtRawMarker) markers;
  Array(PsFtRawDecl) params;       /* parameter names (not self) */
  Array(PsFtRawSeq) seqs;          /* names of collections of callables */
  Array(PsFtRawArg) seq_elems;     /* their elements (kw NULL, index -1) */
} PsFtRaw;

typedef struct PsFtWalker PsFtWalker;

PsFtWalker *ps_ft_walk__new(const TSLanguage *lang);
void ps_ft_walk__delete(PsFtWalker *self);
/* Starts a file: clears raw (allocating it if NULL) and remembers the
 * source and arena. */
void ps_ft_walk__begin(PsFtWalker *self, const PsSource *src, PsArena *arena, PsFtRaw **raw);
/* One node of the walk, with its ancestors (root first). */
void ps_ft_walk__node(PsFtWalker *self, TSNode n, TSSymbol s, const TSNode *path, size_t depth);
/* After the last node: links acts to their checks. */
void ps_ft_walk__end(PsFtWalker *self);
void ps_ft_raw__free(PsFtRaw *raw); /* NULL ok */

/* Copies the raw facts of `s` (s->ft) into f->ft: names resolved through
 * the file's bindings and imports, strings interned in f, positions
 * resolved. `arena` is scratch. */
void ps_ft__copy_facts(const PsSummary *s, const PsSource *src, PsArena *arena, PsFileFacts *f);

#endif
