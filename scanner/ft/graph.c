/* graph.c: the program the FT analysis sees: functions, classes and
 * shared objects of every file, the call graph across modules, the thread
 * entries (contexts) and what each context reaches with which locks held.
 * See ft.h for the steps; races.c reads the result. */
#include <stdlib.h>
#include <string.h>

#include "ft/graph.h"

/* ---- interning and lock sets ----------------------------------------------------- */

const char *ft_str(FtGraph *g, const char *s) { return s ? ps_pool_intern_cstr(&g->pool, s) : NULL; }

/* ps_project_index_canonical, memoised (interned). */
const char *ft_canon(FtGraph *g, const char *q) {
  if (!q) return NULL;
  uint64_t v;
  if (ps_strmap_find(&g->canon, q, strlen(q), &v)) return (const char *)(uintptr_t)v;
  /* Keys are the facts' own strings (alive through the join); the result
   * is interned in the index. */
  const char *c = ps_project_index_canonical(g->ix, q);
  ps_strmap_put(&g->canon, q, (uint64_t)(uintptr_t)c, false);
  return c;
}

static uint32_t map_get(const PsStrMap *m, const char *k) {
  uint64_t v;
  return k && ps_strmap_find(m, k, strlen(k), &v) ? (uint32_t)v : FT_NONE;
}

uint32_t ft_fn_find(const FtGraph *g, const char *q) { return map_get(&g->fn_by_name, q); }
uint32_t ft_cls_find(const FtGraph *g, const char *q) { return map_get(&g->cls_by_name, q); }
uint32_t ft_obj_find(const FtGraph *g, const char *q) { return map_get(&g->obj_by_key, q); }

/* snprintf(buf, cap, "%.*s", n, s), without the format interpreter: the
 * graph builds hundreds of thousands of keys. */
static void put_n(char *buf, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
}

/* snprintf(buf, cap, "%s%s%s", a, b, c): the length it would have written. */
static size_t put3(char *buf, size_t cap, const char *a, const char *b, const char *c) {
  const char *parts[3] = {a, b, c};
  size_t at = 0, total = 0;
  for (int i = 0; i < 3; i++) {
    size_t k = strlen(parts[i]);
    total += k;
    if (at + k > cap - 1) k = cap - 1 - at;
    memcpy(buf + at, parts[i], k);
    at += k;
  }
  buf[at] = '\0';
  return total;
}

/* A lock set is a sorted array of lock ids, interned by its text. */
static uint32_t ls_make(FtGraph *g, uint32_t *ids, size_t n) {
  /* sort (small) and dedupe */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
      uint32_t t = ids[j];
      ids[j] = ids[j - 1];
      ids[j - 1] = t;
    }
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || ids[u - 1] != ids[i]) ids[u++] = ids[i];
  if (!u) return 0;
  char key[512];
  size_t kl = 0;
  for (size_t i = 0; i < u && kl < sizeof key - 12; i++) {
    char digits[10];
    size_t nd = 0;
    for (uint32_t v = ids[i]; nd == 0 || v; v /= 10) digits[nd++] = (char)('0' + v % 10);
    while (nd) key[kl++] = digits[--nd];
    key[kl++] = ',';
  }
  key[kl] = '\0';
  uint64_t v;
  if (ps_strmap_find(&g->ls_map, key, kl, &v)) return (uint32_t)v;
  FtLockSet ls = {(uint32_t)g->ls_ids.size, (uint32_t)u};
  for (size_t i = 0; i < u; i++) array_push(&g->ls_ids, ids[i]);
  array_push(&g->locksets, ls);
  const char *k = ps_pool_intern(&g->pool, key, kl);
  ps_strmap_put(&g->ls_map, k, g->locksets.size - 1, false);
  return (uint32_t)g->locksets.size - 1;
}

uint32_t ft_ls_union(FtGraph *g, uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b || a == b) return a;
  uint32_t ids[64];
  size_t n = 0;
  const FtLockSet *x = &g->locksets.items[a], *y = &g->locksets.items[b];
  for (uint32_t i = 0; i < x->n && n < 64; i++) ids[n++] = g->ls_ids.items[x->first + i];
  for (uint32_t i = 0; i < y->n && n < 64; i++) ids[n++] = g->ls_ids.items[y->first + i];
  return ls_make(g, ids, n);
}

uint32_t ft_ls_inter(FtGraph *g, uint32_t a, uint32_t b) {
  if (!a || !b) return 0;
  if (a == b) return a;
  uint32_t ids[64];
  size_t n = 0;
  const FtLockSet *x = &g->locksets.items[a], *y = &g->locksets.items[b];
  for (uint32_t i = 0; i < x->n; i++)
    for (uint32_t j = 0; j < y->n; j++)
      if (g->ls_ids.items[x->first + i] == g->ls_ids.items[y->first + j] && n < 64) ids[n++] = g->ls_ids.items[x->first + i];
  return ls_make(g, ids, n);
}

const char *ft_ls_first(const FtGraph *g, uint32_t ls) {
  if (!ls) return NULL;
  return g->locks.items[g->ls_ids.items[g->locksets.items[ls].first]].key;
}

/* ---- building --------------------------------------------------------------------- */

static uint32_t lock_id(FtGraph *g, const char *key) {
  uint32_t id = map_get(&g->lock_by_key, key);
  if (id != FT_NONE) return id;
  FtLock l = {ft_str(g, key), false};
  uint32_t o = ft_obj_find(g, key);
  if (o != FT_NONE) {
    const FtObj *ob = &g->objs.items[o];
    const char *dot = strrchr(key, '.');
    char cls[1024];
    put_n(cls, sizeof cls, key, dot ? (size_t)(dot - key) : 0);
    uint32_t k = dot ? ft_cls_find(g, cls) : FT_NONE;
    l.per_instance = ob->where == (1u << PS_FTW_INSTANCE) && k != FT_NONE && !g->classes.items[k].shared;
  }
  array_push(&g->locks, l);
  ps_strmap_put(&g->lock_by_key, l.key, g->locks.size - 1, false);
  return (uint32_t)g->locks.size - 1;
}

/* The key of an attribute as its class or a base defines it: `self._cond`
 * in BoundedSemaphore is Semaphore's _cond. Interned; k itself if none. */
static const char *canon_key(FtGraph *g, const char *k) {
  if (ft_obj_find(g, k) != FT_NONE) return k;
  const char *dot = strrchr(k, '.');
  if (!dot) return k;
  char cls[1024];
  put_n(cls, sizeof cls, k, (size_t)(dot - k));
  uint32_t c = ft_cls_find(g, cls);
  for (int depth = 0; c != FT_NONE && depth < 8; depth++) {
    const FtClass *kc = &g->classes.items[c];
    c = FT_NONE;
    for (uint32_t b = 0; b < kc->n_bases; b++) {
      char buf[1024];
      put3(buf, sizeof buf, g->classes.items[kc->bases[b]].qualname, dot, "");
      uint32_t o = ft_obj_find(g, buf);
      if (o != FT_NONE) return g->objs.items[o].key;
      if (c == FT_NONE) c = kc->bases[b];
    }
  }
  return k;
}

/* Is the object behind lock key k a lock? Liberal: anything used in a
 * `with` counts, unless it is known to be something else. */
static bool is_lock_key(FtGraph *g, const char *k) {
  if (!strncmp(k, "call:", 5)) return true; /* _acquireLock() ... _releaseLock() */
  if (!strncmp(k, "with:", 5)) {
    /* with Guard(...): a lock-like context manager ([tool.pyshift.ft]),
     * or a class of the tree whose __enter__ takes a lock. */
    const char *name = ft_canon(g, k + 5);
    if (ps_ft__vocab_row(g->vocab, "lock-like", name) || ps_ft__vocab_row(g->vocab, "lock-like", k + 5)) return true;
    uint32_t c = ft_cls_find(g, name);
    uint32_t e = c != FT_NONE ? ft_mro_find(g, c, "__enter__", 0) : FT_NONE;
    return e != FT_NONE && (g->fns.items[e].f->flags & PS_FTF_ACQUIRES);
  }
  uint32_t o = ft_obj_find(g, k);
  if (o == FT_NONE) return true;
  FtObj *ob = &g->objs.items[o];
  return ob->cat == FT_CAT_LOCK || ob->cat == FT_CAT_UNKNOWN || ob->cat == FT_CAT_INSTANCE;
}

/* The global lock set of a file's lock set (only locks; memoised). */
static uint32_t file_lockset(FtGraph *g, FtFile *ff, uint32_t local) {
  if (!local) return 0;
  if (ff->ls_map[local] != FT_NONE) return ff->ls_map[local];
  const PsFtFacts *ft = ff->f->ft;
  const PsFtLockSet *ls = &ft->locksets.items[local];
  uint32_t ids[64];
  size_t n = 0;
  for (uint32_t i = 0; i < ls->n && n < 64; i++) {
    const char *k = canon_key(g, ft->lock_keys.items[ls->first + i]);
    if (is_lock_key(g, k)) ids[n++] = lock_id(g, k);
  }
  return ff->ls_map[local] = ls_make(g, ids, n);
}

static int cat_rank(FtCat c) {
  switch (c) {
  case FT_CAT_SAFE: return 6;
  case FT_CAT_LOCK: return 5;
  case FT_CAT_ITER: return 4;
  case FT_CAT_CONTAINER: return 3;
  case FT_CAT_INSTANCE: return 2;
  case FT_CAT_UNKNOWN: return 1;
  default: return 0;
  }
}

/* What a constructor call makes, by the vocabulary and the tree. */
static FtCat ctor_cat(FtGraph *g, const char *ctor, FtKind *kind, uint32_t *cls) {
  *kind = FK_NONE;
  *cls = FT_NONE;
  if (!ctor) return FT_CAT_UNKNOWN;
  const char *canon = ft_canon(g, ctor);
  const char *names[2] = {ctor, canon};
  for (int i = 0; i < 2; i++) {
    const char *c = names[i];
    if (!c) continue;
    if ((*kind = ps_ft__container(g->vocab, c)) != FK_NONE) return FT_CAT_CONTAINER;
    if (ps_ft__vocab_row(g->vocab, "lock", c)) return FT_CAT_LOCK;
    if (ps_ft__vocab_row(g->vocab, "safe", c)) return FT_CAT_SAFE;
    if (ps_ft__vocab_row(g->vocab, "iterator", c)) return FT_CAT_ITER;
  }
  uint32_t fn = ft_fn_find(g, canon);
  /* A generator function (a decorator may wrap it in something safe). */
  if (fn != FT_NONE && (g->fns.items[fn].f->flags & PS_FTF_GENERATOR) && !(g->fns.items[fn].f->flags & PS_FTF_DECORATED))
    return FT_CAT_ITER;
  uint32_t c = ft_cls_find(g, canon);
  if (c != FT_NONE) {
    *cls = c;
    /* A class deriving from a safe type (threading.local) or a lock. */
    for (uint32_t k = 0; k < g->classes.items[c].n_ext; k++) {
      const char *b = g->classes.items[c].ext[k];
      if (ps_ft__vocab_row(g->vocab, "safe", b)) return FT_CAT_SAFE;
      if (ps_ft__vocab_row(g->vocab, "lock", b)) return FT_CAT_LOCK;
      if ((*kind = ps_ft__container(g->vocab, b)) != FK_NONE) return FT_CAT_CONTAINER;
    }
    return FT_CAT_INSTANCE;
  }
  return FT_CAT_UNKNOWN;
}

static void merge_value(FtGraph *g, FtObj *o, uint8_t value, const char *ctor) {
  FtCat c = FT_CAT_UNKNOWN;
  FtKind k = FK_NONE;
  uint32_t cls = FT_NONE;
  switch (value) {
  case PS_FTV_DICT: c = FT_CAT_CONTAINER, k = FK_DICT; break;
  case PS_FTV_LIST: c = FT_CAT_CONTAINER, k = FK_LIST; break;
  case PS_FTV_SET: c = FT_CAT_CONTAINER, k = FK_SET; break;
  case PS_FTV_GENEXP: c = FT_CAT_ITER; break;
  case PS_FTV_NONE:
  case PS_FTV_CONST: c = FT_CAT_SCALAR; break;
  case PS_FTV_CALL: c = ctor_cat(g, ctor, &k, &cls); break;
  case PS_FTV_FUNC: c = FT_CAT_SCALAR; break;
  case PS_FTV_ALIAS: return;
  default: c = FT_CAT_UNKNOWN;
  }
  if (cat_rank(c) > cat_rank(o->cat)) {
    o->cat = c;
    o->kind = k;
    o->cls = cls;
    if (ctor) o->ctor = ft_str(g, ctor);
  }
}

static uint32_t obj_get(FtGraph *g, const char *key) {
  uint32_t id = ft_obj_find(g, key);
  if (id != FT_NONE) return id;
  FtObj o = {0};
  o.key = ft_str(g, key);
  o.cls = FT_NONE;
  o.def_file = NULL;
  array_push(&g->objs, o);
  ps_strmap_put(&g->obj_by_key, o.key, g->objs.size - 1, false);
  return (uint32_t)g->objs.size - 1;
}

/* The method `name` of class c or of the first base (depth first, left to
 * right: an approximation of the MRO) that defines it. */
uint32_t ft_mro_find(const FtGraph *g, uint32_t c, const char *name, int depth) {
  if (c == FT_NONE || depth > 12) return FT_NONE;
  const FtClass *k = &g->classes.items[c];
  char buf[1024];
  size_t ql = strlen(k->qualname), nl = strlen(name);
  if (ql + nl + 2 > sizeof buf) return FT_NONE;
  memcpy(buf, k->qualname, ql);
  buf[ql] = '.';
  memcpy(buf + ql + 1, name, nl + 1);
  uint32_t f = ft_fn_find(g, buf);
  if (f != FT_NONE) return f;
  for (uint32_t i = 0; i < k->n_bases; i++) {
    f = ft_mro_find(g, k->bases[i], name, depth + 1);
    if (f != FT_NONE) return f;
  }
  return FT_NONE;
}

/* Does class c derive (in the tree, then by name) from `base`? */
bool ft_derives(const FtGraph *g, uint32_t c, const char *base, int depth) {
  if (c == FT_NONE || depth > 12) return false;
  const FtClass *k = &g->classes.items[c];
  if (!strcmp(k->qualname, base)) return true;
  for (uint32_t i = 0; i < k->n_ext; i++)
    if (!strcmp(k->ext[i], base)) return true;
  for (uint32_t i = 0; i < k->n_bases; i++)
    if (ft_derives(g, k->bases[i], base, depth + 1)) return true;
  return false;
}

/* The vocabulary row of `kind` naming one of c's bases (through the tree). */
const struct VocabRow *ft_base_row(const FtGraph *g, uint32_t c, const char *kind, int depth) {
  if (c == FT_NONE || depth > 12) return NULL;
  const FtClass *k = &g->classes.items[c];
  for (uint32_t i = 0; i < k->n_ext; i++) {
    const struct VocabRow *r = ps_ft__vocab_row(g->vocab, kind, k->ext[i]);
    if (r) return r;
  }
  for (uint32_t i = 0; i < k->n_bases; i++) {
    const struct VocabRow *r = ft_base_row(g, k->bases[i], kind, depth + 1);
    if (r) return r;
  }
  return NULL;
}

/* "?m" (a method called on an object of unknown type): the method m when
 * exactly one class of the caller's module defines one. */
static uint32_t method_by_name(FtGraph *g, const FtFile *ff, const char *name) {
  char key[1024];
  size_t k = put3(key, sizeof key, ff->f->module, "\t", name);
  if (k >= sizeof key) return FT_NONE;
  uint64_t v;
  if (!ps_strmap_find(&g->methods, key, (size_t)k, &v)) return FT_NONE;
  return (uint32_t)v;
}

/* The special method an access runs on an instance of ours, or NULL. */
static const char *dunder(const PsFtAccess *a) {
  switch (a->kind) {
  case PS_FTA_ITEM_READ: return "__getitem__";
  case PS_FTA_ITEM_STORE: return "__setitem__";
  case PS_FTA_ITEM_DEL: return "__delitem__";
  case PS_FTA_ITER: return a->name ? NULL : "__iter__";
  case PS_FTA_TEST_IN: return a->flags & PS_FTX_SNAPSHOT ? NULL : "__contains__";
  case PS_FTA_ARG:
    if (!a->name) return NULL;
    if (!strcmp(a->name, "len")) return "__len__";
    if (!strcmp(a->name, "iter")) return "__iter__";
    if (!strcmp(a->name, "next")) return "__next__";
    return NULL;
  default: return NULL;
  }
}

/* The functions a call may run: its target, the method through the MRO,
 * the overrides in subclasses for self.m(), __init__ for a class. */
static void call_targets(FtGraph *g, const FtFile *ff, const PsFtCall *c, uint32_t *out, size_t *n, size_t cap,
                         uint32_t *inst_cls) {
  *n = 0;
  *inst_cls = FT_NONE;
  const char *t = c->target;
  if (t && t[0] == '?') {
    uint32_t f = method_by_name(g, ff, t + 1);
    if (f != FT_NONE) out[(*n)++] = f;
    return;
  }
  if (!t && c->recv) {
    uint32_t o = ft_obj_find(g, c->recv);
    if (o != FT_NONE && g->objs.items[o].cls != FT_NONE) {
      uint32_t f = ft_mro_find(g, g->objs.items[o].cls, c->name, 0);
      if (f != FT_NONE) out[(*n)++] = f;
    }
    return;
  }
  if (!t) return;
  const char *canon = ft_canon(g, t);
  if (c->flags & PS_FTC_SUPER) {
    /* target is "Cls.m": look in Cls's bases. */
    const char *dot = strrchr(t, '.');
    char cls[1024];
    put_n(cls, sizeof cls, t, (size_t)(dot - t));
    uint32_t k = ft_cls_find(g, cls);
    if (k == FT_NONE) return;
    for (uint32_t i = 0; i < g->classes.items[k].n_bases && !*n; i++) {
      uint32_t f = ft_mro_find(g, g->classes.items[k].bases[i], dot + 1, 0);
      if (f != FT_NONE) out[(*n)++] = f;
    }
    return;
  }
  uint32_t f = ft_fn_find(g, canon);
  if (f == FT_NONE) f = ft_fn_find(g, t);
  uint32_t k = ft_cls_find(g, canon);
  if (k != FT_NONE) {
    *inst_cls = k;
    static const char *const RUN[] = {"__init__", "__new__", "__post_init__", NULL};
    for (const char *const *m = RUN; *m && *n < cap; m++) {
      uint32_t fi = ft_mro_find(g, k, *m, 0);
      if (fi != FT_NONE) out[(*n)++] = fi;
    }
    /* `with C():` enters the new instance too. */
    for (int e = 0; e < 2 && (c->flags & PS_FTC_WITH) && *n < cap; e++) {
      uint32_t fe = ft_mro_find(g, k, e ? "__exit__" : "__enter__", 0);
      if (fe != FT_NONE) out[(*n)++] = fe;
    }
    /* A metaclass's __call__ runs first. */
    uint32_t meta = g->classes.items[k].meta;
    uint32_t fc = meta != FT_NONE ? ft_mro_find(g, meta, "__call__", 0) : FT_NONE;
    if (fc != FT_NONE && *n < cap) out[(*n)++] = fc;
    return;
  }
  const char *dot = strrchr(canon, '.');
  uint32_t owner = FT_NONE;
  if (dot) {
    char cls[1024];
    put_n(cls, sizeof cls, canon, (size_t)(dot - canon));
    owner = ft_cls_find(g, cls);
    if (f == FT_NONE && owner != FT_NONE) f = ft_mro_find(g, owner, dot + 1, 0);
  }
  if (f != FT_NONE) out[(*n)++] = f;
  /* self.m(): a subclass may override m. */
  if ((c->flags & PS_FTC_SELF) && owner != FT_NONE && dot) {
    const FtClass *oc = &g->classes.items[owner];
    for (uint32_t i = 0; i < oc->n_subs && *n < cap; i++) {
      char buf[1024];
      put3(buf, sizeof buf, g->classes.items[oc->subs[i]].qualname, ".", dot + 1);
      uint32_t s = ft_fn_find(g, buf);
      if (s != FT_NONE && s != f) out[(*n)++] = s;
    }
  }
  (void)ff;
}

static void add_sub(FtGraph *g, uint32_t base, uint32_t sub, int depth) {
  if (base == FT_NONE || depth > 12) return;
  FtClass *b = &g->classes.items[base];
  for (uint32_t i = 0; i < b->n_subs; i++)
    if (b->subs[i] == sub) return;
  b->subs = ps_xrealloc(b->subs, (b->n_subs + 1) * sizeof(uint32_t));
  b->subs[b->n_subs++] = sub;
  for (uint32_t i = 0; i < b->n_bases; i++) add_sub(g, b->bases[i], sub, depth + 1);
}

/* The callable an entry call hands to its thread: the argument at
 * keyword kw or position index. */
static const PsFtArg *entry_arg(const PsFtFacts *ft, const PsFtCall *c, const char *spec) {
  const char *comma = strchr(spec, ',');
  char kw[64] = "";
  if (comma && comma > spec) put_n(kw, sizeof kw, spec, (size_t)(comma - spec));
  int index = comma && comma[1] && comma[1] != '-' ? atoi(comma + 1) : -1;
  for (uint32_t i = 0; i < c->n_args; i++) {
    const PsFtArg *a = &ft->args.items[c->first_arg + i];
    if ((a->kw && *kw && !strcmp(a->kw, kw)) || (!a->kw && index >= 0 && a->index == index)) return a;
  }
  return NULL;
}

static uint32_t callable_fn(FtGraph *g, const FtFile *ff, const PsFtArg *a) {
  if (a->target[0] == '?') return method_by_name(g, ff, a->target + 1);
  const char *canon = ft_canon(g, a->target);
  uint32_t f = ft_fn_find(g, canon);
  if (f != FT_NONE) return f;
  const char *dot = strrchr(canon, '.');
  if (!dot) return FT_NONE;
  char cls[1024];
  put_n(cls, sizeof cls, canon, (size_t)(dot - canon));
  uint32_t k = ft_cls_find(g, cls);
  return k == FT_NONE ? FT_NONE : ft_mro_find(g, k, dot + 1, 0);
}

/* A thread entry. `many`: the same callable runs in several threads at
 * once (a loop, executor.map, a server's handler). Started from a
 * function, it starts again whenever that function runs again, so it runs
 * in several threads at once too, though on different instances for a
 * bound method; unless it is started in a once-guard (PS_FTC_ONCE). */
static void add_ctx(FtGraph *g, uint32_t root, const FtFile *ff, const PsFtCall *c, bool many, bool bound,
                    const char *api) {
  if (root == FT_NONE) return;
  bool in_func = c && c->func != UINT32_MAX;
  /* A lambda or nested function working on its method's self is bound too. */
  const PsFtFunc *rf = g->fns.items[root].f;
  if (rf->cls && !(rf->flags & PS_FTF_METHOD)) bound = true;
  /* Started in a once-guard under a lock (`if not X: X = True`): once. */
  bool once = c && (c->flags & PS_FTC_ONCE) && !(c->flags & PS_FTC_IN_LOOP);
  FtCtx x = {root, ff, c, many || (in_func && !once), many, false, bound, ft_str(g, api),
             in_func ? ff->fn0 + c->func : FT_NONE, FT_NONE};
  /* args=(obj,), submit(fn, obj): the threads share obj. */
  const PsFtFacts *ft = ff->f->ft;
  for (uint32_t i = 0; c && i < c->n_args && x.hands == FT_NONE; i++) {
    const PsFtArg *a = &ft->args.items[c->first_arg + i];
    if (a->how == PS_FTARG_VALUE) x.hands = ft_cls_find(g, ft_canon(g, a->target));
  }
  array_push(&g->ctxs, x);
}

static bool handler_name(const FtGraph *g, const char *method) {
  for (size_t i = 0; i < g->vocab->handlers.size; i++) {
    const char *h = g->vocab->handlers.items[i];
    size_t hl = strlen(h);
    if (hl && h[hl - 1] == '*' ? !strncmp(method, h, hl - 1) : !strcmp(method, h)) return true;
  }
  return false;
}

/* Thread entries started by call c of file ff. */
static void find_entries(FtGraph *g, FtFile *ff, const PsFtCall *c, uint32_t inst_cls) {
  const PsFtFacts *ft = ff->f->ft;
  if (inst_cls == FT_NONE && (!c->name || !ps_strmap_find(&g->vocab->entry_names, c->name, strlen(c->name), NULL)))
    return; /* neither a class nor a name any thread-starting API has */
  bool loop = c->flags & PS_FTC_IN_LOOP;
  const struct VocabRow *row = NULL;
  const char *api = NULL;
  if (c->target) {
    api = ft_canon(g, c->target);
    row = ps_ft__vocab_row(g->vocab, "entry", api);
    if (!row) row = ps_ft__vocab_row(g->vocab, "entry", c->target), api = c->target;
  }
  if (!row && c->recv) {
    uint32_t o = ft_obj_find(g, c->recv);
    if (o != FT_NONE && g->objs.items[o].ctor) {
      char buf[1024];
      put3(buf, sizeof buf, g->objs.items[o].ctor, ".", c->name);
      row = ps_ft__vocab_row(g->vocab, "entry", buf);
      if (row) api = ft_str(g, buf);
    }
  }
  if (!row && c->name) {
    char buf[256];
    put3(buf, sizeof buf, ".", c->name, "");
    row = ps_ft__vocab_row(g->vocab, "entry", buf);
    if (row) api = ft_str(g, buf);
  }
  if (row) {
    const PsFtArg *a = entry_arg(ft, c, row->detail);
    if (a) {
      uint32_t f = callable_fn(g, ff, a);
      add_ctx(g, f, ff, c, loop || !strcmp(row->extra, "many"), a->how == PS_FTARG_BOUND || a->how == PS_FTARG_METHOD, api);
    }
    return;
  }
  /* Servers that run a handler class per request, in threads. */
  const struct VocabRow *srv = NULL;
  if (c->target) srv = ps_ft__vocab_row(g->vocab, "server", ft_canon(g, c->target));
  if (!srv && inst_cls != FT_NONE) srv = ft_base_row(g, inst_cls, "server", 0);
  if (srv) {
    const PsFtArg *a = entry_arg(ft, c, srv->detail);
    uint32_t h = a ? ft_cls_find(g, ft_canon(g, a->target)) : FT_NONE;
    if (h == FT_NONE) return;
    /* Every handler method of h and of its bases in the tree. */
    for (size_t i = 0; i < g->fns.size; i++) {
      const FtFn *fn = &g->fns.items[i];
      if (!fn->f->cls) continue;
      uint32_t k = ft_cls_find(g, fn->f->cls);
      if (k == FT_NONE) continue;
      bool in_mro = k == h || ft_derives(g, h, g->classes.items[k].qualname, 0);
      const char *m = strrchr(fn->f->qualname, '.') + 1;
      if (in_mro && handler_name(g, m) && ft_mro_find(g, h, m, 0) == i) {
        add_ctx(g, (uint32_t)i, ff, c, true, false, "handler");
        array_last(&g->ctxs)->multi_same = false; /* a new handler instance per request */
      }
    }
    return;
  }
  /* A Thread subclass: instantiating it runs its run() in a thread. */
  if (inst_cls != FT_NONE) {
    const struct VocabRow *sub = ft_base_row(g, inst_cls, "subclass", 0);
    if (sub && *sub->detail) {
      size_t before = g->ctxs.size;
      add_ctx(g, ft_mro_find(g, inst_cls, sub->detail, 0), ff, c, loop, false, sub->name);
      /* Each instantiation is a new object whose run() one thread runs
       * (Thread.start() twice raises): never twice at once on one instance. */
      if (g->ctxs.size > before) array_last(&g->ctxs)->multi_same = false;
    }
  }
}

static bool test_path(const char *p) {
  const char *base = strrchr(p, '/');
  base = base ? base + 1 : p;
  return !strncmp(base, "test_", 5) || strstr(p, "/test/") || strstr(p, "/tests/") || !strncmp(p, "test/", 5) ||
         !strncmp(p, "tests/", 6) || ps_str_ends_with(base, "_test.py") || !strcmp(base, "conftest.py");
}

void ft_graph_build(FtGraph *g, PsProjectIndex *ix, const PsFtVocab *vocab) {
  g->ix = ix;
  g->vocab = vocab;
  ps_pool_init(&g->pool);
  array_push(&g->locksets, ((FtLockSet){0, 0}));
  size_t nf = ps_project_index_files(ix);
  for (size_t i = 0; i < nf; i++) {
    const PsFileFacts *f = ps_project_index_file(ix, i);
    if (!f->ft || f->is_stub) continue; /* stubs declare; they run nothing */
    FtFile ff = {f, (uint32_t)g->fns.size, NULL, 0};
    ff.ls_map = ps_xmalloc((f->ft->locksets.size + 1) * sizeof(uint32_t));
    for (size_t k = 0; k <= f->ft->locksets.size; k++) ff.ls_map[k] = FT_NONE;
    ff.ls_map[0] = 0;
    bool test = test_path(f->path);
    for (size_t k = 0; k < f->ft->funcs.size; k++) {
      FtFn fn = {.file = (uint32_t)g->files.size, .f = &f->ft->funcs.items[k], .unused = FT_NONE, .test = test};
      array_push(&g->fns, fn);
      ps_strmap_put(&g->fn_by_name, fn.f->qualname, g->fns.size - 1, false);
    }
    for (size_t k = 0; k < f->ft->classes.size; k++) {
      FtClass c = {.qualname = f->ft->classes.items[k].qualname, .file = (uint32_t)g->files.size, .c = &f->ft->classes.items[k]};
      array_push(&g->classes, c);
      ps_strmap_put(&g->cls_by_name, c.qualname, g->classes.size - 1, false);
    }
    array_push(&g->files, ff);
  }
  /* Bases: in the tree, or by (canonical) name. */
  for (size_t i = 0; i < g->classes.size; i++) {
    FtClass *c = &g->classes.items[i];
    for (const char *p = c->c->bases; p && *p;) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      char *b = ps_xstrndup(p, n);
      const char *canon = ps_project_index_canonical(ix, b);
      uint32_t k = ft_cls_find(g, canon);
      if (k != FT_NONE && k != i) {
        c->bases = ps_xrealloc(c->bases, (c->n_bases + 1) * sizeof(uint32_t));
        c->bases[c->n_bases++] = k;
      } else {
        c->ext = ps_xrealloc(c->ext, (c->n_ext + 1) * sizeof(char *));
        c->ext[c->n_ext++] = ft_str(g, canon);
      }
      free(b);
      p += n + (e ? 1 : 0);
    }
  }
  for (size_t i = 0; i < g->classes.size; i++)
    for (uint32_t k = 0; k < g->classes.items[i].n_bases; k++) add_sub(g, g->classes.items[i].bases[k], (uint32_t)i, 0);
  /* Methods by module and name, for "?m" (ambiguous: FT_NONE). */
  for (size_t i = 0; i < g->fns.size; i++) {
    const FtFn *fn = &g->fns.items[i];
    if (!(fn->f->flags & PS_FTF_METHOD)) continue;
    const char *m = strrchr(fn->f->qualname, '.') + 1;
    char *key = ps_xasprintf("%s\t%s", g->files.items[fn->file].f->module, m);
    const char *k = ft_str(g, key);
    free(key);
    uint64_t v;
    if (ps_strmap_find(&g->methods, k, strlen(k), &v)) ps_strmap_put(&g->methods, k, FT_NONE, true);
    else ps_strmap_put(&g->methods, k, i, false);
  }
  /* Metaclasses (`metaclass=M`, a base "=M"): M's instances are classes. */
  for (size_t i = 0; i < g->classes.size; i++) {
    FtClass *c = &g->classes.items[i];
    c->meta = FT_NONE;
    for (uint32_t k = 0; k < c->n_ext; k++)
      if (c->ext[k][0] == '=') c->meta = ft_cls_find(g, ft_canon(g, c->ext[k] + 1));
    if (c->meta != FT_NONE) g->classes.items[c->meta].is_meta = true;
  }
  /* Objects: definitions first (in file order), then writes. */
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const PsFtFacts *ft = g->files.items[fi].f->ft;
    for (size_t k = 0; k < ft->objects.size; k++) {
      const PsFtObject *d = &ft->objects.items[k];
      uint32_t oid = obj_get(g, d->key);
      FtObj *o = &g->objs.items[oid];
      o->where |= (uint8_t)(1u << d->where);
      o->markers |= d->markers;
      if (d->guard) o->guard = d->guard;
      if (!o->def_file || (d->where != PS_FTW_INSTANCE && o->def_where == PS_FTW_INSTANCE)) {
        o->def_file = g->files.items[fi].f;
        o->def_pos = d->pos;
        o->def_where = d->where;
      }
      merge_value(g, o, d->value, d->ctor);
    }
  }
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const PsFtFacts *ft = g->files.items[fi].f->ft;
    for (size_t k = 0; k < ft->accesses.size; k++) {
      const PsFtAccess *a = &ft->accesses.items[k];
      if (a->kind != PS_FTA_WRITE) continue;
      uint32_t o = ft_obj_find(g, a->key);
      /* Lazy initialisation (`_x = None`, later `global _x; _x = {}`) tells
       * what a None-defined name holds; other writes (a test replacing
       * os.environ) do not redefine an object. */
      if (o != FT_NONE && (a->value != PS_FTV_CALL || a->name) &&
          (g->objs.items[o].cat == FT_CAT_SCALAR || !g->objs.items[o].where))
        merge_value(g, &g->objs.items[o], a->value, a->name);
    }
  }
  /* Classes whose instances are module- or class-level (singletons): their
   * instance state is shared by every thread that uses them. */
  for (size_t i = 0; i < g->objs.size; i++) {
    const FtObj *o = &g->objs.items[i];
    if (o->cat != FT_CAT_INSTANCE || o->cls == FT_NONE) continue;
    if (o->where & ((1u << PS_FTW_MODULE) | (1u << PS_FTW_CLASS))) g->classes.items[o->cls].shared = true;
  }
  /* A metaclass's instances are classes: module-level, shared. */
  for (size_t i = 0; i < g->classes.size; i++)
    if (g->classes.items[i].is_meta) g->classes.items[i].shared = true;
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const PsFtFacts *ft = g->files.items[fi].f->ft;
    for (size_t k = 0; k < ft->objects.size; k++) {
      const PsFtObject *d = &ft->objects.items[k];
      if (d->value != PS_FTV_ALIAS || d->where != PS_FTW_MODULE || !d->ctor) continue;
      const char *dot = strrchr(d->ctor, '.');
      if (!dot) continue;
      char key[1024];
      put_n(key, sizeof key, d->ctor, (size_t)(dot - d->ctor));
      uint32_t o = ft_obj_find(g, key);
      if (o != FT_NONE && g->objs.items[o].cat == FT_CAT_INSTANCE && g->objs.items[o].cls != FT_NONE &&
          (g->objs.items[o].where & (1u << PS_FTW_MODULE)))
        g->classes.items[g->objs.items[o].cls].exported = true;
    }
  }
  /* Edges, then entries. */
  for (size_t fi = 0; fi < g->files.size; fi++) {
    FtFile *ff = &g->files.items[fi];
    const PsFtFacts *ft = ff->f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      uint32_t t[16], inst;
      size_t n;
      call_targets(g, ff, c, t, &n, 16, &inst);
      if (c->func != UINT32_MAX) {
        uint32_t from = ff->fn0 + c->func;
        uint32_t ls = file_lockset(g, ff, c->locks);
        for (size_t j = 0; j < n; j++) {
          FtEdge e = {from, t[j], ls, ff, c, NULL};
          array_push(&g->edges, e);
        }
      }
      find_entries(g, ff, c, inst);
    }
  }
  /* Accesses. */
  for (size_t fi = 0; fi < g->files.size; fi++) {
    FtFile *ff = &g->files.items[fi];
    const PsFtFacts *ft = ff->f->ft;
    ff->acc0 = (uint32_t)g->accs.size;
    for (size_t k = 0; k < ft->accesses.size; k++) {
      const PsFtAccess *a = &ft->accesses.items[k];
      /* An attribute of a class defined in a base (self.items, items in Base). */
      uint32_t o = obj_get(g, canon_key(g, a->key));
      FtAcc x = {ff, a, ff->fn0 + a->func, o, file_lockset(g, ff, a->locks), (uint32_t)k};
      array_push(&g->accs, x);
      FtObj *ob = &g->objs.items[o];
      ob->n_accs++;
      if (a->via == PS_FTVIA_SELF) ob->via_self = true;
    }
  }
  /* Each object's accesses, in file order: slices of one array. */
  g->obj_accs = ps_xmalloc((g->accs.size + 1) * sizeof(uint32_t));
  size_t at = 0;
  for (size_t i = 0; i < g->objs.size; i++) {
    g->objs.items[i].accs = g->obj_accs + at;
    at += g->objs.items[i].n_accs;
    g->objs.items[i].n_accs = 0;
  }
  for (size_t i = 0; i < g->accs.size; i++) {
    FtObj *ob = &g->objs.items[g->accs.items[i].obj];
    ob->accs[ob->n_accs++] = (uint32_t)i;
  }
  /* Syntax that calls our methods: d[k] on an instance of a class of the
   * tree runs its __getitem__, len(d) its __len__, `for x in d` __iter__. */
  for (size_t i = 0; i < g->accs.size; i++) {
    const FtAcc *x = &g->accs.items[i];
    const FtObj *ob = &g->objs.items[x->obj];
    if (ob->cat != FT_CAT_INSTANCE || ob->cls == FT_NONE) continue;
    const char *m = dunder(x->a);
    uint32_t f = m ? ft_mro_find(g, ob->cls, m, 0) : FT_NONE;
    if (f != FT_NONE) array_push(&g->edges, ((FtEdge){x->fn, f, x->locks, x->file, NULL, x->a}));
  }
  /* Adjacency: edges sorted by source (counting sort keeps file order). */
  g->out_first = ps_xcalloc(g->fns.size + 1, sizeof(uint32_t));
  for (size_t i = 0; i < g->edges.size; i++) g->out_first[g->edges.items[i].from + 1]++;
  for (size_t i = 0; i < g->fns.size; i++) g->out_first[i + 1] += g->out_first[i];
  g->out = ps_xmalloc((g->edges.size + 1) * sizeof(uint32_t));
  uint32_t *fill = ps_xmalloc((g->fns.size + 1) * sizeof(uint32_t));
  memcpy(fill, g->out_first, (g->fns.size + 1) * sizeof(uint32_t));
  for (size_t i = 0; i < g->edges.size; i++) g->out[fill[g->edges.items[i].from]++] = (uint32_t)i;
  free(fill);
}

/* ---- contexts and reach ------------------------------------------------------------ */

static bool public_name(const char *q) {
  const char *last = strrchr(q, '.');
  last = last ? last + 1 : q;
  if (last[0] != '_') return true;
  return last[1] == '_' && strlen(last) > 4 && !strcmp(last + strlen(last) - 2, "__"); /* dunder */
}


/* The top-level package of a module ("pkg" for "pkg.sub.mod"). */
static size_t top_len(const char *m) { return strcspn(m, "."); }

void ft_graph_contexts(FtGraph *g, PsFtMode mode) {
  size_t n_thread = g->ctxs.size;
  if (mode == PS_FT_MODE_APP) return;
  /* Functions used as decorators register something at import: not an API
   * that callers run concurrently. */
  bool *decorator = ps_xcalloc(g->fns.size + 1, sizeof(bool));
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const PsFtFacts *ft = g->files.items[fi].f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      if (!(c->flags & PS_FTC_DECORATOR) || !c->target) continue;
      uint32_t f = ft_fn_find(g, ft_canon(g, c->target));
      if (f != FT_NONE) decorator[f] = true;
    }
  }
  /* The packages that start threads themselves are applications (auto). */
  PsStrSet app;
  ps_strset_init(&app);
  for (size_t i = 0; i < n_thread; i++) {
    const char *m = g->ctxs.items[i].file->f->module;
    ps_strset_put(&app, m, top_len(m), NULL);
  }
  FtCtx lib = {FT_NONE, NULL, NULL, true, true, true, false, "any caller", FT_NONE, FT_NONE};
  array_push(&g->ctxs, lib);
  for (size_t i = 0; i < g->fns.size; i++) {
    FtFn *fn = &g->fns.items[i];
    const PsFileFacts *f = g->files.items[fn->file].f;
    if (fn->f->flags & (PS_FTF_NESTED | PS_FTF_LAMBDA)) continue;
    if (!public_name(fn->f->qualname) || (fn->f->cls && !public_name(fn->f->cls))) continue;
    /* A script's entry point is no library API. */
    const char *last = strrchr(fn->f->qualname, '.');
    last = last ? last + 1 : fn->f->qualname;
    if (!fn->f->cls && (!strcmp(last, "main") || !strcmp(last, "test") || !strcmp(last, "demo"))) continue;
    if (f->is_stub || fn->test || decorator[i]) continue;
    if (mode == PS_FT_MODE_AUTO && ps_strset_get(&app, f->module, top_len(f->module), NULL)) continue;
    fn->library_root = true;
  }
  free(decorator);
  ps_strset_free(&app);
}

/* Must-hold locks from each context: held[f] = the intersection over the
 * call paths from the context's roots of the locks held at the calls. */
void ft_graph_reach(FtGraph *g) {
  size_t nf = g->fns.size;
  uint32_t *held = ps_xmalloc((nf + 1) * sizeof(uint32_t));
  uint32_t *pred = ps_xmalloc((nf + 1) * sizeof(uint32_t));
  bool *queued = ps_xcalloc(nf + 1, sizeof(bool));
  for (size_t i = 0; i < nf; i++) held[i] = FT_NONE;
  g->reach_first = ps_xcalloc(nf + 1, sizeof(uint32_t));
  Array(uint32_t) touched, work;
  array_init(&touched);
  array_init(&work);
  /* Per function: its reach entries, built context by context. */
  Array(FtReach) *per = ps_xcalloc(nf + 1, sizeof *per);
  for (size_t x = 0; x < g->ctxs.size; x++) {
    const FtCtx *cx = &g->ctxs.items[x];
    array_clear(&work);
    if (cx->library) {
      for (size_t i = 0; i < nf; i++)
        if (g->fns.items[i].library_root) {
          held[i] = 0;
          pred[i] = FT_NONE;
          array_push(&touched, (uint32_t)i);
          array_push(&work, (uint32_t)i);
          queued[i] = true;
        }
    } else {
      held[cx->root] = 0;
      pred[cx->root] = FT_NONE;
      array_push(&touched, cx->root);
      array_push(&work, cx->root);
      queued[cx->root] = true;
    }
    /* Breadth first (a queue over `work`): first discovery is a shortest
     * path, kept in pred for the explanation. */
    for (size_t w = 0; w < work.size; w++) {
      uint32_t f = work.items[w];
      queued[f] = false;
      for (uint32_t k = g->out_first[f]; k < g->out_first[f + 1]; k++) {
        const FtEdge *e = &g->edges.items[g->out[k]];
        uint32_t h = ft_ls_union(g, held[f], e->locks);
        uint32_t t = e->to;
        /* Library callers do not run the tree's tests (reached only by
         * dispatch: TestCase.run calls every test class's tearDown). */
        if (cx->library && g->fns.items[t].test) continue;
        if (held[t] == FT_NONE) {
          held[t] = h;
          pred[t] = g->out[k];
          array_push(&touched, t);
        } else {
          uint32_t m = ft_ls_inter(g, held[t], h);
          if (m == held[t]) continue;
          held[t] = m;
        }
        if (!queued[t]) {
          queued[t] = true;
          array_push(&work, t);
        }
        if (work.size > 4u * 1024 * 1024) break; /* a pathological graph: stop refining */
      }
    }
    for (size_t i = 0; i < touched.size; i++) {
      uint32_t f = touched.items[i];
      array_push(&per[f], ((FtReach){(uint32_t)x, held[f], pred[f]}));
      held[f] = FT_NONE;
      queued[f] = false;
    }
    array_clear(&touched);
  }
  size_t total = 0;
  for (size_t i = 0; i < nf; i++) {
    g->reach_first[i] = (uint32_t)total;
    total += per[i].size;
  }
  g->reach_first[nf] = (uint32_t)total;
  g->reach = ps_xmalloc((total + 1) * sizeof(FtReach));
  for (size_t i = 0; i < nf; i++) {
    if (per[i].size) memcpy(g->reach + g->reach_first[i], per[i].items, per[i].size * sizeof(FtReach));
    array_free(&per[i]);
  }
  free(per);
  free(held);
  free(pred);
  free(queued);
  array_free(&touched);
  array_free(&work);
}

void ft_graph_free(FtGraph *g) {
  for (size_t i = 0; i < g->files.size; i++) free(g->files.items[i].ls_map);
  array_free(&g->files);
  array_free(&g->fns);
  for (size_t i = 0; i < g->classes.size; i++) {
    free(g->classes.items[i].bases);
    free(g->classes.items[i].ext);
    free(g->classes.items[i].subs);
  }
  array_free(&g->classes);
  array_free(&g->objs);
  free(g->obj_accs);
  array_free(&g->accs);
  array_free(&g->edges);
  array_free(&g->ctxs);
  array_free(&g->locks);
  array_free(&g->locksets);
  array_free(&g->ls_ids);
  free(g->out_first);
  free(g->out);
  free(g->reach_first);
  free(g->reach);
  ps_strmap_free(&g->fn_by_name);
  ps_strmap_free(&g->cls_by_name);
  ps_strmap_free(&g->obj_by_key);
  ps_strmap_free(&g->lock_by_key);
  ps_strmap_free(&g->ls_map);
  ps_strmap_free(&g->canon);
  ps_strmap_free(&g->methods);
  ps_pool_free(&g->pool);
}
