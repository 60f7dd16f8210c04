/* ft_internal.h: what the files of the ft module share. */
#ifndef PS_FT_INTERNAL_H
#define PS_FT_INTERNAL_H

#include "ft/ft.h"

/* Container kinds (vocabulary `container` rows, literals). */
typedef enum FtKind {
  FK_NONE,
  FK_DICT,
  FK_LIST,
  FK_SET,
  FK_DEQUE,
  FK_DEFAULTDICT,
  FK_COUNTER,
  FK_OTHER, /* some other mutable container (bytearray, a weak dictionary) */
  FK_BUFFER, /* a view of another object's memory (memoryview): its writes take no lock */
  FK_N
} FtKind;

/* What an operation does to a container (`method` and `call` rows). */
typedef enum FtEffect {
  FE_NONE,     /* not an operation the analysis knows */
  FE_READ,     /* an atomic read: d.get(k), len(d), k in d */
  FE_WRITE,    /* an atomic write that keeps the size: d[k] = v on an existing key, update */
  FE_INSERT,   /* an atomic write that may grow it: append, add, d[k] = v */
  FE_REMOVE,   /* an atomic removal that cannot fail: discard, clear */
  FE_TAKE,     /* an atomic removal that fails when the item is gone: pop, popitem, remove, del d[k] */
  FE_COMPOUND, /* not atomic: insert, sort, d[k] += 1, a defaultdict's insert on a miss */
  FE_COPY,     /* an atomic snapshot: list(d), d.copy(), sorted(d) */
  FE_ITERATE,  /* an iteration that another thread's mutation breaks */
  FE_CONSUME,  /* advances an iterator: next(it) */
  FE_ONCE,     /* an atomic get-or-insert: setdefault */
} FtEffect;

struct PsFtVocab {
  PsStrMap map;          /* "kind\tname" -> row index */
  Array(char *) keys;    /* the map's keys (heap) */
  Array(const char *) handlers;  /* handler method names ("do_" prefixes end with '*') */
  Array(const char *) lock_like; /* names ([tool.pyshift.ft]) */
  PsStrMap entry_names;  /* last names of `entry` and `server` rows: a cheap first test */
  struct VocabRow {
    char *kind, *name, *detail, *extra;
  } *rows;
  size_t n_rows, cap_rows;
};

/* The row of `kind` named `name`, or NULL. */
const struct VocabRow *ps_ft__vocab_row(const PsFtVocab *v, const char *kind, const char *name);
FtKind ps_ft__container(const PsFtVocab *v, const char *ctor);
/* The effect of `method` on a container of kind k (dict methods for
 * defaultdict and Counter unless they have their own row). */
FtEffect ps_ft__method(const PsFtVocab *v, FtKind k, const char *method);
/* The effect of fn(x) on x, a container of kind k (a `NAME@KIND` row first). */
FtEffect ps_ft__call(const PsFtVocab *v, FtKind k, const char *fn);
const char *ps_ft__kind_name(FtKind k);

#endif
