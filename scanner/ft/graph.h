/* graph.h: the FT analysis' view of the program (graph.c), read by
 * races.c. Private to the ft module. */
#ifndef PS_FT_GRAPH_H
#define PS_FT_GRAPH_H

#include "ft/ft_internal.h"

#define FT_NONE UINT32_MAX

typedef enum FtCat {
  FT_CAT_SCALAR,    /* None, numbers, strings, tuples: only rebinding matters */
  FT_CAT_UNKNOWN,   /* no definition seen, or an expression */
  FT_CAT_INSTANCE,  /* an instance of a class of the tree */
  FT_CAT_CONTAINER, /* a mutable container (kind) */
  FT_CAT_ITER,      /* an iterator or generator */
  FT_CAT_LOCK,
  FT_CAT_SAFE,      /* threading.local, a queue, a ContextVar... */
} FtCat;

typedef struct FtFile {
  const PsFileFacts *f;
  uint32_t fn0;     /* global index of its first function */
  uint32_t *ls_map; /* its lock sets -> global lock sets (FT_NONE: not yet) */
  uint32_t acc0;    /* global index of its first access */
} FtFile;

typedef struct FtFn {
  uint32_t file;
  const PsFtFunc *f;
  uint32_t unused;
  bool library_root; /* library mode: a public function any caller may run */
  bool test;         /* in a test file (test_*.py, tests/) */
} FtFn;

typedef struct FtClass {
  const char *qualname;
  uint32_t file;
  const PsFtClass *c;
  uint32_t *bases; /* classes of the tree */
  uint32_t n_bases;
  const char **ext; /* bases outside the tree, by canonical name */
  uint32_t n_ext;
  uint32_t *subs;   /* every class deriving from it, transitively */
  uint32_t n_subs;
  bool shared;      /* a module- or class-level instance exists: threads that reach it share it */
  bool exported;    /* ... and its bound methods are module-level names (`seed = _inst.seed`):
                       any caller of the library shares it */
  uint32_t meta;    /* its metaclass in the tree, FT_NONE */
  bool is_meta;     /* it is some class's metaclass: its instances (classes) are shared */
} FtClass;

typedef struct FtObj {
  const char *key;
  FtCat cat;
  FtKind kind;      /* CONTAINER */
  uint32_t cls;     /* INSTANCE: its class */
  const char *ctor;
  uint8_t where;    /* 1 << PsFtWhere of its definitions */
  uint8_t markers;
  const char *guard;
  const PsFileFacts *def_file; /* the first definition (module or class level preferred) */
  PsPos def_pos;
  uint8_t def_where;
  bool via_self;    /* accessed through self somewhere */
  uint32_t *accs;   /* its accesses (indexes into FtGraph.accs, in file order; a slice of obj_accs) */
  uint32_t n_accs;
} FtObj;

typedef struct FtAcc {
  const FtFile *file;
  const PsFtAccess *a;
  uint32_t fn;
  uint32_t obj;
  uint32_t locks; /* global lock set */
  uint32_t index; /* in its file's accesses */
} FtAcc;

typedef struct FtEdge {
  uint32_t from, to;
  uint32_t locks;
  const FtFile *file;
  const PsFtCall *call;  /* the call, or NULL: */
  const PsFtAccess *acc; /* syntax that calls a special method (d[k] runs __getitem__) */
} FtEdge;

/* A context: a thread entry (or, in library mode, "any caller"). */
typedef struct FtCtx {
  uint32_t root;          /* the function the thread runs (FT_NONE: library) */
  const FtFile *file;     /* where it is started */
  const PsFtCall *call;
  bool multi;             /* runs in several threads at once (a pool, a loop, a function that can run again) */
  bool multi_same;        /* ... on one instance (started in a loop, executor.map): for bound methods */
  bool library;
  bool bound;             /* the callable is a bound method: its instance is shared by the thread */
  const char *api;        /* "threading.Thread" */
  uint32_t spawner;       /* the function that starts it, FT_NONE at module level */
  uint32_t hands;         /* the class of an object handed to it (args=(obj,)), FT_NONE */
} FtCtx;

typedef struct FtReach {
  uint32_t ctx;
  uint32_t held;  /* lock set held on every path from the context */
  uint32_t pred;  /* the edge it was first reached by (FT_NONE: a root) */
} FtReach;

typedef struct FtLock {
  const char *key;
  bool per_instance; /* an instance attribute (self._lock) of a class with many instances */
} FtLock;

typedef struct FtLockSet {
  uint32_t first, n; /* into ls_ids */
} FtLockSet;

typedef struct FtGraph {
  PsProjectIndex *ix;
  const PsFtVocab *vocab;
  PsStrPool pool;
  Array(FtFile) files;
  Array(FtFn) fns;
  Array(FtClass) classes;
  Array(FtObj) objs;
  Array(FtAcc) accs;
  Array(FtEdge) edges;
  Array(FtCtx) ctxs;
  Array(FtLock) locks;
  Array(FtLockSet) locksets; /* [0]: empty */
  Array(uint32_t) ls_ids;
  uint32_t *out_first, *out; /* edges by source function */
  uint32_t *obj_accs;        /* every object's accesses (FtObj.accs points in) */
  uint32_t *reach_first;     /* per function: its FtReach in reach[] */
  FtReach *reach;
  PsStrMap fn_by_name, cls_by_name, obj_by_key, lock_by_key, ls_map, canon, methods;
} FtGraph;

void ft_graph_build(FtGraph *g, PsProjectIndex *ix, const PsFtVocab *vocab);
/* Adds the library context and marks its roots (mode). */
void ft_graph_contexts(FtGraph *g, PsFtMode mode);
void ft_graph_reach(FtGraph *g);
/* The race analysis of ps_ft_analyze over a graph already built, with its
 * contexts and reach (races.c); it only reads the graph's facts (it
 * interns strings in its pool). */
void ft_graph_races(FtGraph *g, const PsFtVocab *vocab, const PsFtOptions *opts, PsFtEmit emit, void *ctx);
void ft_graph_free(FtGraph *g);

const char *ft_str(FtGraph *g, const char *s);
const char *ft_canon(FtGraph *g, const char *q);
uint32_t ft_fn_find(const FtGraph *g, const char *q);
uint32_t ft_cls_find(const FtGraph *g, const char *q);
uint32_t ft_obj_find(const FtGraph *g, const char *q);
uint32_t ft_ls_union(FtGraph *g, uint32_t a, uint32_t b);
uint32_t ft_ls_inter(FtGraph *g, uint32_t a, uint32_t b);
const char *ft_ls_first(const FtGraph *g, uint32_t ls);
uint32_t ft_mro_find(const FtGraph *g, uint32_t c, const char *name, int depth);
bool ft_derives(const FtGraph *g, uint32_t c, const char *base, int depth);
const struct VocabRow *ft_base_row(const FtGraph *g, uint32_t c, const char *kind, int depth);

#endif
