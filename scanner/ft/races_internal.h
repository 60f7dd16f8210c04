/* races_internal.h: what races.c (the races) and explain.c (their
 * explanation and output) share. Private to those two files. */
#ifndef PS_FT_RACES_INTERNAL_H
#define PS_FT_RACES_INTERNAL_H

#include "ft/graph.h"

/* Effects beyond the vocabulary's (FtEffect). */
enum { EF_REBIND = 20, EF_RMW, EF_TEST };

typedef struct Pair {
  const FtReach *ra, *rb;
  bool high;
  uint32_t inst_lock; /* the only common lock was made per instance (FT006), else FT_NONE */
} Pair;

typedef struct R {
  FtGraph *g;
  const PsFtOptions *opts;
  PsFtEmit emit;
  void *ctx;
  uint16_t *done; /* per access: a bit per race already reported there */
  bool *lock_done; /* per lock: FT006 per-instance reported */
  bool *main_only; /* per function: makes a main-only call (signal.signal): runs in the main thread alone */
  bool *confined;  /* per class: its instances are confined to an owner thread (a runtime owner check) */
  PsBuf scratch;
} R;

static inline const FtAcc *ft_acc(const R *r, uint32_t i) { return &r->g->accs.items[i]; }
static inline const FtObj *ft_obj_of(const R *r, const FtAcc *a) { return &r->g->objs.items[a->obj]; }
static inline const FtReach *ft_reach_of(const R *r, uint32_t fn, uint32_t *n) {
  *n = r->g->reach_first[fn + 1] - r->g->reach_first[fn];
  return r->g->reach + r->g->reach_first[fn];
}

/* A growing explained finding. */
typedef struct Out {
  PsFtFinding f;
  Array(PsFtLoc) related;
  Array(PsFtFlow) flows;
  Array(PsFtLoc) steps; /* all flows' steps, flows point in after building */
  Array(size_t) flow_first;
  Array(char *) strings; /* owned */
  Array(const char *) notes;
} Out;

/* races.c */
/* What access x does to its object: an FtEffect or an EF_* value. */
int ft_effect(const R *r, const FtAcc *x);
/* FT006: a lock made per instance that guards state every instance shares
 * (reported once per lock). */
void ft_per_instance_lock(R *r, uint32_t lock, const FtAcc *a, bool high);

/* explain.c */
/* The object's name for people: "cache", "Registry.items". */
const char *ft_display(R *r, const FtObj *o);
/* "path:line" of the definition (heap). */
char *ft_defined_at(const FtObj *o);
/* A function's qualified name without its module. */
const char *ft_fn_name(const R *r, uint32_t fn);
/* What an access does, as code (heap): "cache[...] = ...". */
char *ft_describe(R *r, const FtAcc *x);
/* "read", "write", "compound", ... for an effect. */
const char *ft_what_word(int e);
/* The locks of a lock set as "`a`, `b`" or "no lock" (heap). */
char *ft_locks_text(R *r, uint32_t ls);
/* Which thread a context is, in words (into buf). */
const char *ft_ctx_text(R *r, const FtCtx *c, char *buf, size_t n);
/* Keeps s (heap) until the finding is emitted. */
const char *ft_out_keep(Out *o, char *s);
void ft_out_init(Out *o, PsFtRace race, const FtAcc *at);
/* A related location with message msg (heap, kept). */
void ft_out_related(Out *o, const FtAcc *x, char *msg);
/* One thread's path: where it starts, the calls on the way, the access. */
void ft_out_flow(R *r, Out *o, const FtReach *re, const FtAcc *x, const char *role);
/* Emits the finding and frees what o holds. */
void ft_out_emit(R *r, Out *o, const FtObj *ob, const FtAcc *at, const char *detail, const char *fix, bool high);
void ft_explain_pair(R *r, Out *o, const FtAcc *a, const FtAcc *b, const Pair *p, uint32_t a_locks);
/* A lock that guards the object elsewhere, or NULL. */
const char *ft_guarding_lock(R *r, const FtObj *o);
/* A lock's name for people (into buf). */
const char *ft_lock_name(R *r, const char *key, char *buf, size_t n);
/* The fix "hold L around what" (or "guard every access with one lock"), into buf. */
void ft_fix_with_lock(R *r, const FtObj *o, char *buf, size_t n, const char *what);

#endif
