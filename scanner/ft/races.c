/* races.c: the races of the FT rules, found per shared object among the
 * accesses graph.c collected, and explained: the conflicting accesses, the
 * threads' paths to them, the locks held, a fix.
 *
 * Two accesses conflict when some context reaching the first and some
 * context reaching the second can run at the same time (two contexts, or
 * one context that runs in several threads), and the locks held at them
 * (held on every path from the context, plus those taken around the
 * access) have nothing in common. Which pairs matter depends on the race:
 * a read-modify-write against another write, an iteration against a
 * mutation that changes the size, an act after a test against whatever
 * invalidates the test. The explanation (the text, the paths, the fix)
 * is built in explain.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/races_internal.h"



int ft_effect(const R *r, const FtAcc *x) {
  const FtObj *o = ft_obj_of(r, x);
  const PsFtAccess *a = x->a;
  bool iter = o->cat == FT_CAT_ITER;
  switch (a->kind) {
  case PS_FTA_WRITE:
  case PS_FTA_DEL: return EF_REBIND;
  /* x += [v] on a list extends it in place (compound unless the table
   * says what the in-place method does: s |= t); x = x + [v] rebinds. */
  case PS_FTA_RMW: {
    if (o->cat != FT_CAT_CONTAINER || (a->flags & PS_FTX_SELF_RHS)) return EF_RMW;
    FtEffect e = ps_ft__method(r->g->vocab, o->kind, a->name);
    return e != FE_NONE ? (int)e : FE_COMPOUND;
  }
  case PS_FTA_ITEM_READ: return o->kind == FK_DEFAULTDICT && (a->flags & PS_FTX_ELEMENT) ? FE_COMPOUND : FE_READ;
  case PS_FTA_ITEM_STORE: {
    FtEffect e = o->kind == FK_BUFFER ? ps_ft__method(r->g->vocab, o->kind, "__setitem__") : FE_NONE;
    if (e != FE_NONE) return e;
    return o->kind == FK_LIST || o->kind == FK_DEQUE ? FE_WRITE : FE_INSERT;
  }
  case PS_FTA_ITEM_DEL: return FE_TAKE;
  case PS_FTA_ITEM_RMW: return FE_COMPOUND;
  case PS_FTA_METHOD:
    if (iter) return a->name && (!strcmp(a->name, "__next__") || !strcmp(a->name, "send")) ? FE_CONSUME : FE_NONE;
    return o->cat == FT_CAT_CONTAINER ? ps_ft__method(r->g->vocab, o->kind, a->name) : FE_NONE;
  case PS_FTA_ARG: {
    FtEffect e = ps_ft__call(r->g->vocab, o->kind, a->name);
    if (iter) return e == FE_CONSUME || e == FE_ITERATE ? FE_CONSUME : FE_NONE;
    return o->cat == FT_CAT_CONTAINER ? e : FE_NONE;
  }
  case PS_FTA_ITER: return iter ? FE_CONSUME : FE_ITERATE;
  case PS_FTA_TEST_IN:
  case PS_FTA_TEST_TRUTH:
  case PS_FTA_TEST_NONE: return EF_TEST;
  default: return FE_NONE;
  }
}

static bool mutating(int e) {
  return e == FE_WRITE || e == FE_INSERT || e == FE_REMOVE || e == FE_TAKE || e == FE_COMPOUND || e == FE_ONCE ||
         e == EF_REBIND || e == EF_RMW;
}
static bool resizing(int e) {
  return e == FE_INSERT || e == FE_REMOVE || e == FE_TAKE || e == FE_COMPOUND || e == FE_ONCE;
}

static bool silenced(const FtObj *o) {
  return o->markers & (PS_FTM_CONFINED | PS_FTM_INIT_ONLY | PS_FTM_GUARDED | PS_FTM_BENIGN);
}

/* Defined at module or class level in the tree: shared by every thread.
 * (An object defined nowhere in the tree, `sys.modules`, is not ours to judge.) */
static bool module_or_class(const FtObj *o) { return o->where & ((1u << PS_FTW_MODULE) | (1u << PS_FTW_CLASS)); }

/* State only instances hold (not bound at module or class level too). */
static bool instance_only(const FtObj *o) { return (o->where & (1u << PS_FTW_INSTANCE)) && !module_or_class(o); }

/* The key of what holds an attribute: "pkg.mod.Cls.attr" -> "pkg.mod.Cls"
 * ("" for a key without a dot). */
static void owner_key(const char *key, char *buf, size_t n) {
  const char *dot = strrchr(key, '.');
  snprintf(buf, n, "%.*s", dot ? (int)(dot - key) : 0, key);
}

/* Which context pairs may touch one object. Module- and class-level state:
 * any. Instance state: threads running bound methods of the instance,
 * started together (one context on one instance in several threads, or
 * two started by the same function); for a class with a module-level
 * instance also any two thread contexts, and any caller of the library
 * when the instance's bound methods are exported (`seed = _inst.seed`). */
typedef enum Sharing { SHARE_ANY, SHARE_INSTANCE } Sharing;

static bool related(const R *r, uint32_t k, uint32_t o) {
  return k != FT_NONE && o != FT_NONE &&
         (k == o || ft_derives(r->g, k, r->g->classes.items[o].qualname, 0) ||
          ft_derives(r->g, o, r->g->classes.items[k].qualname, 0));
}

/* Does context c run on an instance of (a class related to) cls_key: a
 * bound method of it, or a thread it was handed to? */
static bool ctx_on_class(const R *r, const FtCtx *c, uint32_t o) {
  if (c->root == FT_NONE) return false;
  if (c->hands != FT_NONE && related(r, c->hands, o)) return true;
  if (!c->bound) return false;
  const char *rc = r->g->fns.items[c->root].f->cls;
  return rc && related(r, ft_cls_find(r->g, rc), o);
}

/* Does context c run a thread object's own `run` (a Thread subclass of a
 * class related to k, made where the thread is started)? Each such context
 * makes its own object: two of them never share one, even for a class
 * with a module- or class-level instance (ipykernel's Heartbeat, made by
 * the kernel app and by each test). */
static bool own_object(const R *r, const FtCtx *c, uint32_t k) {
  if (c->root == FT_NONE || c->bound || c->hands != FT_NONE || k == FT_NONE) return false;
  const PsFtFunc *f = r->g->fns.items[c->root].f;
  const char *dot = f->cls ? strrchr(f->qualname, '.') : NULL;
  return dot && !strcmp(dot + 1, "run") && related(r, ft_cls_find(r->g, f->cls), k);
}

/* Instance state of a metaclass is class-level state of its classes. */
static bool meta_state(const R *r, const FtObj *o) {
  if (!strchr(o->key, '.')) return false;
  char cls[1024];
  owner_key(o->key, cls, sizeof cls);
  uint32_t k = ft_cls_find(r->g, cls);
  return k != FT_NONE && r->g->classes.items[k].is_meta && (o->where & (1u << PS_FTW_INSTANCE));
}

/* The class whose instance an access works on: the accessing method's for
 * self.x (and self.a.b), else the class in the object's key. */
static uint32_t access_class(const R *r, const FtAcc *a, const char *cls_key) {
  if (a->a->via == PS_FTVIA_SELF) {
    const char *fc = r->g->fns.items[a->fn].f->cls;
    uint32_t k = fc ? ft_cls_find(r->g, fc) : FT_NONE;
    if (k != FT_NONE) return k;
  }
  return ft_cls_find(r->g, cls_key);
}

/* Finds a pair of contexts under which a and b run at the same time with
 * no lock in common. a_joint, if not FT_NONE, replaces a's own locks (a
 * check and its act: only what is held across both protects). */
static bool concurrent(R *r, const FtAcc *a, const FtAcc *b, uint32_t a_joint, Sharing sh, const char *cls_key,
                       Pair *out) {
  /* Two functions that only the main thread can run never run at once. */
  if (r->main_only[a->fn] && r->main_only[b->fn]) return false;
  uint32_t na, nb;
  const FtReach *ra = ft_reach_of(r, a->fn, &na), *rb = ft_reach_of(r, b->fn, &nb);
  bool found = false;
  /* A class-level default that __init__ (or another method) replaces per
   * instance (`tempfiles = None` ... `self.tempfiles = []`): through self,
   * instance state. */
  const FtObj *oa = ft_obj_of(r, a);
  char ck[1024];
  if (sh == SHARE_ANY && (oa->where & (1u << PS_FTW_INSTANCE)) && a->a->via == PS_FTVIA_SELF &&
      b->a->via == PS_FTVIA_SELF) {
    owner_key(oa->key, ck, sizeof ck);
    sh = SHARE_INSTANCE;
    cls_key = ck;
  }
  for (uint32_t i = 0; i < na; i++)
    for (uint32_t j = 0; j < nb; j++) {
      const FtCtx *x = &r->g->ctxs.items[ra[i].ctx], *y = &r->g->ctxs.items[rb[j].ctx];
      if (ra[i].ctx == rb[j].ctx && !x->multi) continue;
      if (sh == SHARE_INSTANCE) {
        uint32_t ka = access_class(r, a, cls_key), kb = access_class(r, b, cls_key);
        if (ra[i].ctx != rb[j].ctx && own_object(r, x, ka) && own_object(r, y, kb)) continue;
        /* An instance that raises in any thread but its owner's races with no one. */
        if ((ka != FT_NONE && r->confined[ka]) || (kb != FT_NONE && r->confined[kb])) continue;
        bool lib = x->library || y->library;
        bool singleton = false;
        for (int s = 0; s < 2 && !singleton; s++) {
          uint32_t k = s ? kb : ka;
          const FtClass *kc = k != FT_NONE ? &r->g->classes.items[k] : NULL;
          singleton = kc && kc->shared && (!lib || kc->exported);
        }
        bool same_inst = ra[i].ctx == rb[j].ctx ? (x->multi_same || x->hands != FT_NONE)
                                                : x->spawner == y->spawner && x->spawner != FT_NONE;
        bool bound = ctx_on_class(r, x, ka) && ctx_on_class(r, y, kb) && same_inst;
        /* One thread against itself on a singleton: only when the same
         * callable runs several times at once on it (a loop, a pool, a
         * server), not merely because the function that starts it could
         * run again (`loop_start()` on a module-level client). */
        if (singleton && ra[i].ctx == rb[j].ctx && !same_inst) singleton = false;
        if (!singleton && !bound) continue;
      }
      uint32_t la = ft_ls_union(r->g, ra[i].held, a_joint != FT_NONE ? a_joint : a->locks);
      uint32_t lb = ft_ls_union(r->g, rb[j].held, b->locks);
      uint32_t common = ft_ls_inter(r->g, la, lb), inst_lock = FT_NONE;
      if (common && sh == SHARE_ANY) {
        /* self._lock guards only its own instance: state every instance
         * shares is not protected by it. */
        const FtLockSet *cs = &r->g->locksets.items[common];
        bool all_inst = true;
        for (uint32_t c = 0; c < cs->n && all_inst; c++) all_inst = r->g->locks.items[r->g->ls_ids.items[cs->first + c]].per_instance;
        if (all_inst) inst_lock = r->g->ls_ids.items[cs->first], common = 0;
      }
      if (common) continue;
      bool high = !x->library && !y->library;
      if (!found || (high && !out->high)) {
        *out = (Pair){&ra[i], &rb[j], high, inst_lock};
        found = true;
        if (high) return true;
      }
    }
  return found;
}

/* Is the race's rule on, or FT006, which a pair's per-instance lock reports
 * (without the race's own finding when its rule is off)? */
static bool wanted(const R *r, PsFtRace race) { return r->opts->races[race] || r->opts->races[PS_FT_LOCKING]; }

/* A pair found for a race whose rule is off: only its per-instance lock. */
static bool lock_only(R *r, PsFtRace race, const FtAcc *a, const Pair *p) {
  if (r->opts->races[race]) return false;
  if (p->inst_lock != FT_NONE) ft_per_instance_lock(r, p->inst_lock, a, p->high);
  return true;
}

static bool mark(R *r, const FtAcc *a, PsFtRace race) {
  uint32_t i = (uint32_t)(a - r->g->accs.items);
  if (r->done[i] & (1u << race)) return false;
  r->done[i] |= (uint16_t)(1u << race);
  return true;
}

/* ---- the races --------------------------------------------------------------------- */

/* FT001, FT002 (read-modify-write), FT005 and FT007 share this shape: a
 * compound update racing with another write (or itself). */
static void compound_races(R *r, const FtObj *o) {
  bool shared_mc = module_or_class(o);
  bool inst = instance_only(o);
  bool class_level = (o->where & (1u << PS_FTW_CLASS)) && !(o->where & (1u << PS_FTW_INSTANCE));
  char cls_key[1024];
  owner_key(o->key, cls_key, sizeof cls_key);
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    int ea = ft_effect(r, a);
    if (ea != FE_COMPOUND && ea != EF_RMW) continue;
    PsFtRace race;
    Sharing sh = SHARE_ANY;
    bool meta = meta_state(r, o);
    if (meta && a->a->via == PS_FTVIA_SELF && o->cat == FT_CAT_CONTAINER) {
      race = PS_FT_CLASS_STATE; /* a metaclass's instance state: its classes' class-level state */
    } else if (inst || (a->a->via == PS_FTVIA_SELF && !(class_level && o->cat == FT_CAT_CONTAINER))) {
      /* self.n += 1 on a class-level number writes an instance attribute:
       * instance state, shared only as the instance is. */
      if (!r->opts->races[PS_FT_INSTANCE] || a->a->via != PS_FTVIA_SELF) continue;
      race = PS_FT_INSTANCE;
      sh = SHARE_INSTANCE;
    } else if (class_level && a->a->via == PS_FTVIA_SELF && o->cat == FT_CAT_CONTAINER) {
      race = PS_FT_CLASS_STATE;
    } else if (o->cat == FT_CAT_CONTAINER && ea == FE_COMPOUND) {
      if (!shared_mc) continue;
      race = PS_FT_MUTATION;
    } else if (ea == EF_RMW) {
      if (!shared_mc) continue;
      race = PS_FT_RMW;
    } else {
      continue;
    }
    if (!wanted(r, race)) continue;
    /* The other side: another write (or this one in another thread); an
     * insert or sort also races with readers. */
    bool method_compound = a->a->kind == PS_FTA_METHOD;
    for (uint32_t k = 0; k < o->n_accs; k++) {
      const FtAcc *b = ft_acc(r, o->accs[(i + k) % o->n_accs]);
      int eb = ft_effect(r, b);
      /* `x is None` tests the name's binding, not the container's items:
       * an insert into the container does not conflict with it. */
      bool content_test = eb == EF_TEST && b->a->kind != PS_FTA_TEST_NONE;
      if (!mutating(eb) && !(method_compound && (eb == FE_READ || eb == FE_ITERATE || content_test))) continue;
      Pair p;
      if (!concurrent(r, a, b, FT_NONE, sh, cls_key, &p)) continue;
      if (lock_only(r, race, a, &p)) break;
      if (!mark(r, a, race)) break;
      Out out;
      ft_out_init(&out, race, a);
      char fix[512], detail[512];
      char *db = ft_describe(r, b);
      if (a == b) snprintf(detail, sizeof detail, "two threads can run it at once");
      else snprintf(detail, sizeof detail, "it races with `%s` at %s:%u", db, b->file->f->path, (unsigned)b->a->pos.line);
      free(db);
      if (race == PS_FT_RMW && a->a->kind == PS_FTA_RMW) ft_fix_with_lock(r, o, fix, sizeof fix, "the read and the write");
      else if (race == PS_FT_CLASS_STATE)
        snprintf(fix, sizeof fix, "make `%s` an instance attribute (assign it in __init__), or guard it with a class-level lock",
                 strrchr(ft_display(r, o), '.') ? strrchr(ft_display(r, o), '.') + 1 : ft_display(r, o));
      else ft_fix_with_lock(r, o, fix, sizeof fix, "the whole update");
      if (race == PS_FT_CLASS_STATE && o->def_file)
        array_push(&out.related, ((PsFtLoc){o->def_file->path, o->def_pos, o->def_pos,
                                            ft_out_keep(&out, ps_xasprintf("`%s` is defined at class level: one object for every instance", ft_display(r, o)))}));
      ft_explain_pair(r, &out, a, b, &p, a->locks);
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)), ft_out_keep(&out, ps_xstrdup(fix)), p.high);
      break;
    }
  }
}

/* Is a lock held at a on every path from every context? */
static bool always_locked(const R *r, const FtAcc *a) {
  if (a->locks) return true;
  uint32_t n;
  const FtReach *rs = ft_reach_of(r, a->fn, &n);
  for (uint32_t i = 0; i < n; i++)
    if (!rs[i].held) return false;
  return n > 0;
}

/* FT002, second form: `global X; X = {}` then filled in place in the same
 * function: other threads see the new object before it is complete. */
static void publish_races(R *r, const FtObj *o) {
  if (!r->opts->races[PS_FT_RMW] || !module_or_class(o) || o->cat != FT_CAT_CONTAINER) return;
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    if (a->a->kind != PS_FTA_WRITE || (a->a->value != PS_FTV_DICT && a->a->value != PS_FTV_LIST && a->a->value != PS_FTV_SET))
      continue;
    if (a->a->via == PS_FTVIA_SELF) continue;
    /* Filled afterwards in the same function? */
    const FtAcc *fill = NULL;
    for (uint32_t k = 0; k < o->n_accs && !fill; k++) {
      const FtAcc *m = ft_acc(r, o->accs[k]);
      int em = ft_effect(r, m);
      if (m->fn == a->fn && m->a->pos.byte > a->a->pos.byte && (em == FE_INSERT || em == FE_WRITE || em == FE_COMPOUND))
        fill = m;
    }
    if (!fill || always_locked(r, a)) continue; /* published under a lock its early readers take */
    for (uint32_t k = 0; k < o->n_accs; k++) {
      const FtAcc *b = ft_acc(r, o->accs[k]);
      if (b->fn == a->fn) continue;
      Pair p;
      if (!concurrent(r, a, b, FT_NONE, SHARE_ANY, NULL, &p) || !mark(r, a, PS_FT_RMW)) continue;
      Out out;
      ft_out_init(&out, PS_FT_RMW, a);
      char detail[512];
      snprintf(detail, sizeof detail, "published before it is filled (line %u): other threads see it half-built",
               (unsigned)fill->a->pos.line);
      ft_out_related(&out, fill, ps_xasprintf("filled in place after publication"));
      ft_explain_pair(r, &out, a, b, &p, a->locks);
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)),
               ft_out_keep(&out, ps_xasprintf("build the object in a local variable, then publish it with one assignment")), p.high);
      break;
    }
  }
}

/* Lazy initialisation (`if _x is None: _x = make()`) races only when
 * running it twice matters: a lock (FT006), an instance of a class of the
 * tree (a singleton), or a flag set after one-time work (calls between the
 * test and the act). Computing an equal value twice and publishing it with
 * one assignment (a compiled regex, a string) is benign; a fresh container
 * filled afterwards is FT002's publish-before-initialise. */
static bool lazy_init_races(R *r, const FtAcc *a, const FtAcc *t, const FtObj *o) {
  switch (a->a->value) {
  case PS_FTV_CALL: return o->cat == FT_CAT_LOCK || o->cat == FT_CAT_INSTANCE;
  case PS_FTV_FLAG: {
    const PsFtFacts *ft = a->file->f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      if (c->func == a->a->func && c->pos.byte > t->a->pos.byte && c->pos.byte < a->a->pos.byte && c->target) return true;
    }
    return false;
  }
  default: return false;
  }
  (void)r;
}

/* A cache fill (`if k not in c: c[k] = v`) that two threads both run
 * computes v twice and stores it twice: harmless when v is a value, equal
 * each time and published by the one store (freethreading.md, point (4):
 * check-then-act is benign only when idempotent and published atomically;
 * RacerD's @Functional). It races when the value's identity matters:
 *   - an instance (`cls()`, `Encoding(...)`, `object()`: callers of the
 *     two threads keep different objects; a singleton registry), a lock
 *     (FT006, found before this), an iterator or generator;
 *   - a container whose entries are then changed in place through the
 *     cache (`c[k] = []` ... `c[k].append(x)`: one thread's items go to the
 *     list the other thread's store replaced);
 *   - a placeholder filled in later (`c[k] = None` ... `c[k] = v` in the
 *     same function, the same entry): other threads see the placeholder.
 *     Other later stores to the entry are taken for alternatives (the
 *     branches of an if: html5lib's `cache[t] = dom.TreeWalker` / `elif`
 *     `cache[t] = genshi.TreeWalker`); an entry completed in place
 *     (`c[k][j] = y`, `c[k].attr = y`) is the case above.
 * A call of a function (`compile(p)`, `self._load(k)`), a literal, a
 * comprehension, a tuple, a class or module attribute (`dom.TreeWalker`),
 * a name holding any of these: a value. Constructors are told by the tree
 * (a class of the tree, a container, a lock) or by the CapWords
 * convention for callees outside it (`IPv4Address(...)`, `cls(...)`). */
/* Do two item writes name the same entry: the same `c[key]` in their code
 * (`c[k] = x` and `c[k][j] = y`, not `c[host] = ...` and `c[domain] = ...`)?
 * Without the code, assume so. */
static bool same_entry(const PsFtAccess *x, const PsFtAccess *y) {
  if (!x->text || !y->text) return true;
  const char *ex = strchr(x->text, ']'), *ey = strchr(y->text, ']');
  if (!ex || !ey) return true;
  return ex - x->text == ey - y->text && !strncmp(x->text, y->text, (size_t)(ex - x->text));
}

static bool identity_fill(R *r, const FtAcc *a, const FtObj *o) {
  for (uint32_t k = 0; k < o->n_accs; k++) {
    const FtAcc *m = ft_acc(r, o->accs[k]);
    const PsFtAccess *x = m->a;
    if (x->kind == PS_FTA_ITEM_READ && (x->flags & PS_FTX_ELEMENT)) return true;
    if (a->a->value == PS_FTV_NONE && m != a && m->fn == a->fn && x->pos.byte > a->a->pos.byte &&
        (x->kind == PS_FTA_ITEM_STORE || x->kind == PS_FTA_ITEM_RMW) && same_entry(a->a, x))
      return true;
  }
  switch (a->a->value) {
  case PS_FTV_GENEXP: return true;
  case PS_FTV_CALL: {
    const char *callee = a->a->name;
    if (!callee || !*callee) return true; /* an unnamed callee (f()(), d[k]()): unknown, keep it */
    const char *canon = ft_canon(r->g, callee);
    const char *names[2] = {callee, canon};
    for (int i = 0; i < 2; i++) {
      if (!names[i]) continue;
      if (ps_ft__container(r->g->vocab, names[i]) != FK_NONE) return false; /* filled in place: above */
      if (ps_ft__vocab_row(r->g->vocab, "lock", names[i]) || ps_ft__vocab_row(r->g->vocab, "safe", names[i]) ||
          ps_ft__vocab_row(r->g->vocab, "iterator", names[i]))
        return true;
    }
    if (ft_cls_find(r->g, canon) != FT_NONE) return true;
    uint32_t fn = ft_fn_find(r->g, canon);
    if (fn != FT_NONE) return (r->g->fns.items[fn].f->flags & PS_FTF_GENERATOR) != 0;
    const char *last = strrchr(callee, '.');
    last = last ? last + 1 : callee;
    while (*last == '_') last++;
    return (*last >= 'A' && *last <= 'Z') || !strcmp(last, "object") || !strcmp(last, "cls") ||
           !strcmp(last, "klass") || !strcmp(last, "type");
  }
  default: return false;
  }
}

/* FT003 (and FT006's lazily made lock, FT007's on instance state): an act
 * that depends on a test, when another thread can invalidate the test. */
static void check_act_races(R *r, const FtObj *o) {
  bool shared_mc = module_or_class(o);
  bool inst = instance_only(o);
  bool class_level = (o->where & (1u << PS_FTW_CLASS)) && !(o->where & (1u << PS_FTW_INSTANCE));
  char cls_key[1024];
  owner_key(o->key, cls_key, sizeof cls_key);
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    if (a->a->check < 0 || (a->a->flags & PS_FTX_EAFP)) continue;
    const FtAcc *t = ft_acc(r, a->file->acc0 + (uint32_t)a->a->check);
    int ea = ft_effect(r, a);
    if (ea == FE_NONE || ea == EF_TEST || ea == FE_ONCE || ea == FE_COPY) continue;
    bool lock_made = ea == EF_REBIND && o->cat == FT_CAT_LOCK;
    /* Does the act fit the test? An insert needs a test of absence (`k not
     * in d`, `x is None`, `not x`), a use a test of presence; a test of
     * something else (`len(d) < n`) is no check of this act. */
    const PsFtAccess *ta = t->a;
    bool neg = ta->flags & PS_FTX_NEGATED;
    if (a->a->inverted) neg = !neg; /* after a guard clause: the act runs when the test fails */
    bool polar = ta->kind == PS_FTA_TEST_IN || ta->kind == PS_FTA_TEST_NONE || ta->kind == PS_FTA_TEST_TRUTH;
    bool absent = polar && neg, present = polar && !neg;
    /* `len(d) > n` before d.popitem(): a test of presence for a removal. */
    bool sized = ta->kind == PS_FTA_ARG && ta->name && !strcmp(ta->name, "len");
    bool binding_test = ta->kind == PS_FTA_TEST_NONE || ta->kind == PS_FTA_TEST_TRUTH;
    const PsFtAccess *aa = a->a;
    bool item_insert = (aa->kind == PS_FTA_ITEM_STORE || (aa->kind == PS_FTA_METHOD && ea == FE_INSERT)) &&
                       absent && (ta->kind == PS_FTA_TEST_IN || aa->kind == PS_FTA_METHOD);
    bool rebind = ea == EF_REBIND && aa->kind == PS_FTA_WRITE && absent && binding_test && lazy_init_races(r, a, t, o);
    bool removal = aa->kind == PS_FTA_METHOD && ea == FE_TAKE && !(aa->flags & PS_FTX_DEFAULT);
    bool use = (aa->kind == PS_FTA_ITEM_READ || aa->kind == PS_FTA_ITEM_DEL || aa->kind == PS_FTA_ITEM_RMW || removal) &&
               ((present && (ta->kind == PS_FTA_TEST_IN || aa->kind == PS_FTA_METHOD)) || (sized && removal));
    /* A lock stored on first use: `if k not in locks: locks[k] = Lock()`. */
    if (item_insert && aa->kind == PS_FTA_ITEM_STORE && aa->name &&
        ps_ft__vocab_row(r->g->vocab, "lock", ft_canon(r->g, aa->name)))
      lock_made = true;
    if (!item_insert && !rebind && !use) continue;
    if (item_insert && !lock_made && aa->kind == PS_FTA_ITEM_STORE && o->cat == FT_CAT_CONTAINER &&
        !identity_fill(r, a, o))
      continue;
    /* Item acts: only on containers whose operations the vocabulary knows
     * (a mapping of unknown type may lock itself). */
    if ((item_insert || use) && o->cat != FT_CAT_CONTAINER) continue;
    PsFtRace race;
    Sharing sh = SHARE_ANY;
    bool meta = meta_state(r, o);
    if (lock_made) {
      race = PS_FT_LOCKING;
      if (inst && !meta) sh = SHARE_INSTANCE;
    } else if (o->cat == FT_CAT_LOCK || o->cat == FT_CAT_SAFE) {
      continue;
    } else if ((class_level || meta) && a->a->via == PS_FTVIA_SELF && o->cat == FT_CAT_CONTAINER) {
      race = PS_FT_CLASS_STATE; /* class-level state reached through self: shared by every instance */
    } else if ((inst && !meta) || (a->a->via == PS_FTVIA_SELF && o->cat != FT_CAT_CONTAINER)) {
      /* self.x = v writes the instance's own attribute, whatever the class
       * body says: instance state. */
      if (a->a->via != PS_FTVIA_SELF) continue;
      race = PS_FT_CHECK_ACT;
      sh = SHARE_INSTANCE;
    } else {
      if (!shared_mc && !meta) continue;
      race = PS_FT_CHECK_ACT;
    }
    if (!wanted(r, race)) continue;
    /* An insert (or a rebinding) after a test of absence races with other
     * writers; a use after a test of presence with removers. */
    bool insert = !use;
    uint32_t joint = 0;
    if (a->a->flags & PS_FTX_CHECK_LOCKED) joint = ft_ls_inter(r->g, a->locks, t->locks);
    for (uint32_t k = 0; k < o->n_accs; k++) {
      const FtAcc *b = ft_acc(r, o->accs[(i + k) % o->n_accs]);
      int eb = ft_effect(r, b);
      bool invalidates = insert ? (eb == FE_INSERT || eb == FE_WRITE || eb == EF_REBIND || eb == FE_COMPOUND ||
                                   eb == EF_RMW || eb == FE_ONCE)
                                : (eb == FE_REMOVE || eb == FE_TAKE || eb == EF_REBIND ||
                                   (eb == FE_COMPOUND && b->a->kind == PS_FTA_METHOD));
      if (!invalidates) continue;
      Pair p;
      if (!concurrent(r, a, b, joint, sh, cls_key, &p)) continue;
      if (lock_only(r, race, a, &p)) break;
      if (!mark(r, a, race)) break;
      Out out;
      ft_out_init(&out, race, a);
      char *dt = ft_describe(r, t);
      char detail[768], fix[512];
      const char *role = insert ? "another thread can make the same test pass and write too"
                                : "another thread can undo what was tested in between";
      if (lock_made)
        snprintf(detail, sizeof detail, "made on first use after the test `%s` (line %u): two threads can make two locks", dt,
                 (unsigned)t->a->pos.line);
      else
        if (t->a->flags & PS_FTX_SNAPSHOT)
        snprintf(detail, sizeof detail, "indexes with a key of the snapshot `%s` (line %u), but another thread can remove "
                                        "it in between", dt, (unsigned)t->a->pos.line);
      else
        snprintf(detail, sizeof detail, "acts on the test `%s` (line %u), but %s", dt, (unsigned)t->a->pos.line, role);
      ft_out_related(&out, t, ps_xasprintf("the test `%s`", dt));
      free(dt);
      if (lock_made)
        snprintf(fix, sizeof fix, "create the lock once, at import or in __init__, instead of on first use");
      else if (o->cat == FT_CAT_CONTAINER && insert && a->a->kind == PS_FTA_ITEM_STORE)
        snprintf(fix, sizeof fix, "use `%s.setdefault(key, value)` to insert once, or hold one lock around the test and the write",
                 ft_display(r, o));
      else if (o->cat == FT_CAT_CONTAINER && !insert && (a->a->kind == PS_FTA_ITEM_DEL || ea == FE_TAKE))
        snprintf(fix, sizeof fix, "use `%s.pop(key, None)` (or try/except KeyError) instead of testing first", ft_display(r, o));
      else if (o->cat == FT_CAT_CONTAINER && !insert && a->a->kind == PS_FTA_ITEM_READ)
        snprintf(fix, sizeof fix, "use `%s.get(key)`, or try/except KeyError, instead of testing first", ft_display(r, o));
      else if (insert && ea == EF_REBIND)
        snprintf(fix, sizeof fix, "initialise it at import, or hold one lock around the test and the assignment");
      else ft_fix_with_lock(r, o, fix, sizeof fix, "the test and the act");
      ft_explain_pair(r, &out, a, b, &p, joint ? joint : a->locks);
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)), ft_out_keep(&out, ps_xstrdup(fix)), p.high);
      break;
    }
  }
}

/* FT004: iteration while another thread changes the size. */
static void iteration_races(R *r, const FtObj *o) {
  if (!wanted(r, PS_FT_ITERATION) || o->cat != FT_CAT_CONTAINER) return;
  bool inst = instance_only(o);
  char cls_key[1024];
  owner_key(o->key, cls_key, sizeof cls_key);
  Sharing sh = inst ? SHARE_INSTANCE : SHARE_ANY;
  if (!inst && !module_or_class(o)) return;
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    if (ft_effect(r, a) != FE_ITERATE || (a->a->flags & PS_FTX_EAFP_ITER)) continue;
    Out out;
    memset(&out, 0, sizeof out);
    bool any = false, high = false;
    Pair first;
    for (uint32_t k = 0; k < o->n_accs && out.related.size < 3; k++) {
      const FtAcc *b = ft_acc(r, o->accs[k]);
      int eb = ft_effect(r, b);
      if (!resizing(eb) && !(eb == EF_RMW)) continue;
      Pair p;
      if (!concurrent(r, a, b, FT_NONE, sh, cls_key, &p)) continue;
      if (lock_only(r, PS_FT_ITERATION, a, &p)) break;
      if (!any) {
        if (!mark(r, a, PS_FT_ITERATION)) break;
        ft_out_init(&out, PS_FT_ITERATION, a);
        first = p;
        any = true;
        ft_explain_pair(r, &out, a, b, &p, a->locks);
      } else {
        char buf[512];
        char *db = ft_describe(r, b);
        ft_out_related(&out, b, ps_xasprintf("conflicting write `%s` in `%s` (%s)", db, ft_fn_name(r, b->fn),
                                          ft_ctx_text(r, &r->g->ctxs.items[p.rb->ctx], buf, sizeof buf)));
        free(db);
      }
      high |= p.high;
    }
    if (!any) continue;
    (void)first;
    char detail[512];
    const FtAcc *m = NULL;
    for (size_t k = 0; k < out.related.size && !m; k++) m = NULL;
    snprintf(detail, sizeof detail, "another thread adds or removes items meanwhile");
    ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)),
             ft_out_keep(&out, ps_xasprintf("iterate over a copy taken atomically (`list(%s)`, `%s.copy()`), or hold the "
                                     "lock that guards its writers",
                                     ft_display(r, o), ft_display(r, o))),
             high);
  }
}

/* FT007, last form: one instance used by several threads at once, each
 * setting an attribute and reading it back (a scratch attribute: self.data
 * = f(chunk) ... self.data[...] later): another thread's value can land in
 * between. Only threads running the same methods on one instance (a pool
 * over a bound method or a lambda on self). */
static void write_read_races(R *r, const FtObj *o) {
  if (!r->opts->races[PS_FT_INSTANCE] || !(o->where & (1u << PS_FTW_INSTANCE)) || module_or_class(o) || meta_state(r, o))
    return;
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    if (a->a->kind != PS_FTA_WRITE || a->a->via != PS_FTVIA_SELF || a->a->check >= 0 || a->locks) continue;
    for (uint32_t k = 0; k < o->n_accs; k++) {
      const FtAcc *b = ft_acc(r, o->accs[k]);
      int eb = ft_effect(r, b);
      if (b->a->via != PS_FTVIA_SELF || mutating(eb) || eb == EF_TEST || b->locks) continue;
      /* b reads it in a thread of the same context as a (the same methods
       * on one instance, several at once). */
      uint32_t na, nb;
      const FtReach *ra = ft_reach_of(r, a->fn, &na), *rb = ft_reach_of(r, b->fn, &nb);
      const FtReach *pa = NULL, *pb = NULL;
      /* The instance's class: the context must run on that instance (a
       * bound method of it, or the object handed to the thread), not on
       * another object it was given (Worker(pool): the pool is handed,
       * the Worker's own state is its thread's alone). */
      char ck[1024];
      owner_key(o->key, ck, sizeof ck);
      uint32_t ko = ft_cls_find(r->g, ck);
      for (uint32_t x = 0; x < na && !pa; x++)
        for (uint32_t y = 0; y < nb && !pa; y++) {
          const FtCtx *c = &r->g->ctxs.items[ra[x].ctx];
          bool handed = c->hands != FT_NONE && (ko == FT_NONE || related(r, c->hands, ko));
          bool on_it = ko == FT_NONE ? (c->bound || handed) : ctx_on_class(r, c, ko);
          if (ra[x].ctx == rb[y].ctx && !c->library && (c->multi_same || handed) && !ra[x].held && on_it)
            pa = &ra[x], pb = &rb[y];
        }
      if (!pa || !mark(r, a, PS_FT_INSTANCE)) continue;
      Out out;
      ft_out_init(&out, PS_FT_INSTANCE, a);
      Pair p = {pa, pb, true, FT_NONE};
      ft_explain_pair(r, &out, a, b, &p, a->locks);
      char detail[512];
      char *db = ft_describe(r, b);
      snprintf(detail, sizeof detail, "each thread sets it, then reads it back (`%s`, line %u); another thread's value "
                                      "can land in between", db, (unsigned)b->a->pos.line);
      free(db);
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)),
               ft_out_keep(&out, ps_xasprintf("keep per-call data in local variables (pass it as an argument) instead of on self")),
               true);
      break;
    }
  }
}

/* FT008: one iterator or generator consumed by several threads. */
static void iterator_races(R *r, const FtObj *o) {
  if (!wanted(r, PS_FT_ITERATOR) || o->cat != FT_CAT_ITER) return;
  bool inst = instance_only(o);
  char cls_key[1024];
  owner_key(o->key, cls_key, sizeof cls_key);
  Sharing sh = inst ? SHARE_INSTANCE : SHARE_ANY;
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    if (ft_effect(r, a) != FE_CONSUME) continue;
    for (uint32_t k = 0; k < o->n_accs; k++) {
      const FtAcc *b = ft_acc(r, o->accs[(i + k) % o->n_accs]);
      if (ft_effect(r, b) != FE_CONSUME) continue;
      Pair p;
      if (!concurrent(r, a, b, FT_NONE, sh, cls_key, &p)) continue;
      if (lock_only(r, PS_FT_ITERATOR, a, &p)) break;
      if (!mark(r, a, PS_FT_ITERATOR)) continue;
      Out out;
      ft_out_init(&out, PS_FT_ITERATOR, a);
      if (o->def_file)
        array_push(&out.related, ((PsFtLoc){o->def_file->path, o->def_pos, o->def_pos, ft_out_keep(&out, ps_xstrdup("created here"))}));
      ft_explain_pair(r, &out, a, b, &p, a->locks);
      char detail[256];
      snprintf(detail, sizeof detail, "%s", r->opts->target_minor >= 15
                                            ? "threads may get an item twice or skip one (a generator raises \"already "
                                              "executing\"); Python 3.15's threading.serialize() wraps it"
                                            : "threads may get an item twice or skip one (a generator raises \"already "
                                              "executing\")");
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)),
               ft_out_keep(&out, ps_xstrdup(r->opts->target_minor >= 15
                                         ? "wrap it in threading.serialize(), hand each thread its own iterator, or "
                                           "take items under a lock"
                                         : "hand each thread its own iterator (or a queue.Queue), or take items under a lock")),
               p.high);
      break;
    }
  }
}

/* FT006: the same state guarded by different locks. */
static void lock_mismatch(R *r, const FtObj *o) {
  if (!r->opts->races[PS_FT_LOCKING] || (!module_or_class(o) && !r->g->classes.size)) return;
  if (!module_or_class(o)) return;
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *a = ft_acc(r, o->accs[i]);
    int ea = ft_effect(r, a);
    if (!mutating(ea) || !a->locks) continue;
    for (uint32_t k = 0; k < i; k++) {
      const FtAcc *b = ft_acc(r, o->accs[k]);
      int eb = ft_effect(r, b);
      if (!b->locks || (!mutating(eb) && eb != FE_ITERATE && eb != FE_READ)) continue;
      if (ft_ls_inter(r->g, a->locks, b->locks)) continue;
      Pair p;
      if (!concurrent(r, a, b, FT_NONE, SHARE_ANY, NULL, &p) || !mark(r, a, PS_FT_LOCKING)) continue;
      char la[256], lb[256], detail[768];
      ft_lock_name(r, ft_ls_first(r->g, a->locks), la, sizeof la);
      ft_lock_name(r, ft_ls_first(r->g, b->locks), lb, sizeof lb);
      Out out;
      ft_out_init(&out, PS_FT_LOCKING, a);
      snprintf(detail, sizeof detail, "guarded by `%s` here but by `%s` at line %u, so neither excludes the other", la, lb,
               (unsigned)b->a->pos.line);
      ft_explain_pair(r, &out, a, b, &p, a->locks);
      ft_out_emit(r, &out, o, a, ft_out_keep(&out, ps_xstrdup(detail)),
               ft_out_keep(&out, ps_xasprintf("guard every access to `%s` with the same lock", ft_display(r, o))), p.high);
      break;
    }
  }
}

static bool reached(const R *r, uint32_t fn) { return r->g->reach_first[fn + 1] > r->g->reach_first[fn]; }

/* FT006: a lock made per instance (self._lock = Lock() in __init__) that
 * guards state every instance shares (once per lock). */
void ft_per_instance_lock(R *r, uint32_t lock, const FtAcc *a, bool high) {
  if (!r->opts->races[PS_FT_LOCKING] || r->lock_done[lock]) return;
  r->lock_done[lock] = true;
  const char *key = r->g->locks.items[lock].key;
  uint32_t lo = ft_obj_find(r->g, key);
  if (lo == FT_NONE || !r->g->objs.items[lo].def_file) return;
  const FtObj *l = &r->g->objs.items[lo];
  const FtObj *o = ft_obj_of(r, a);
  char *detail = ps_xasprintf("made per instance, but it guards `%s`, which every instance shares, so two instances "
                              "never exclude each other", ft_display(r, o));
  char *rel = ps_xasprintf("`%s` guarded by it", ft_display(r, o));
  char *op = ps_xasprintf("%s = ...", ft_display(r, l));
  PsFtLoc related[1] = {{a->file->f->path, a->a->pos, a->a->end, rel}};
  const char *notes[1] = {"fix: make the lock as shared as the state: a class-level or module-level lock"};
  PsFtFinding f = {0};
  f.race = PS_FT_LOCKING;
  f.at = (PsFtLoc){l->def_file->path, l->def_pos, l->def_pos, NULL};
  f.object = ft_display(r, l);
  char *def = ft_defined_at(l);
  f.defined = def;
  f.op = op;
  f.detail = detail;
  f.fix = "a class-level or module-level lock";
  f.related = related;
  f.n_related = 1;
  f.notes = notes;
  f.n_notes = 1;
  f.high = high;
  r->emit(r->ctx, &f);
  free(detail);
  free(rel);
  free(op);
  free(def);
}

/* FT006: a lock made for one with statement, or per call. */
static void lock_creation(R *r) {
  if (!r->opts->races[PS_FT_LOCKING]) return;
  FtGraph *g = r->g;
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const FtFile *ff = &g->files.items[fi];
    const PsFtFacts *ft = ff->f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      if (!(c->flags & PS_FTC_WITH) || !c->target || c->func == UINT32_MAX) continue;
      const char *canon = ft_canon(g, c->target);
      if (!ps_ft__vocab_row(g->vocab, "lock", canon) && !ps_ft__vocab_row(g->vocab, "lock", c->target)) continue;
      PsFtFinding f = {0};
      f.race = PS_FT_LOCKING;
      f.at = (PsFtLoc){ff->f->path, c->pos, c->end, NULL};
      f.object = c->target;
      f.defined = "this with statement";
      f.op = "with Lock():";
      f.detail = "a new lock is made for this with statement alone, so no other thread ever waits on it";
      f.fix = "create the lock once (at module level or in __init__) and use that one in every with statement";
      const char *notes[1] = {"fix: create the lock once (at module level or in __init__) and use that one everywhere"};
      f.notes = notes;
      f.n_notes = 1;
      f.high = true;
      r->emit(r->ctx, &f);
    }
    /* Locals holding a lock made in the function, used in its with statements. */
    for (size_t k = 0; k < ft->objects.size; k++) {
      const PsFtObject *d = &ft->objects.items[k];
      if (d->where != PS_FTW_LOCAL || d->func == UINT32_MAX) continue;
      uint32_t o = ft_obj_find(g, d->key);
      if (o == FT_NONE || g->objs.items[o].cat != FT_CAT_LOCK) continue;
      uint32_t fn = ff->fn0 + d->func;
      /* Used as a lock here and nowhere else (not handed to a thread or a
       * Condition, not stored): then every call has its own. */
      if (!reached(r, fn) || (d->markers & PS_FTM_ESCAPES)) continue;
      const FtAcc *guarded = NULL;
      bool used = false;
      for (uint32_t a = ff->acc0; a < ff->acc0 + ft->accesses.size && !guarded; a++) {
        const FtAcc *x = ft_acc(r, a);
        if (x->fn != fn || !x->locks) continue;
        const FtLockSet *ls = &g->locksets.items[x->locks];
        bool under = false;
        for (uint32_t j = 0; j < ls->n && !under; j++)
          under = !strcmp(g->locks.items[g->ls_ids.items[ls->first + j]].key, d->key);
        used |= under;
        const FtObj *xo = ft_obj_of(r, x);
        if (under && xo->cat != FT_CAT_LOCK && xo->cat != FT_CAT_SAFE) guarded = x;
      }
      for (size_t k2 = 0; k2 < ft->calls.size && !used; k2++) {
        const PsFtCall *c2 = &ft->calls.items[k2];
        if (c2->func != d->func || !c2->locks) continue;
        const PsFtLockSet *ls = &ft->locksets.items[c2->locks];
        for (uint32_t j = 0; j < ls->n && !used; j++) used = !strcmp(ft->lock_keys.items[ls->first + j], d->key);
      }
      if (!used && !(d->markers & PS_FTM_LOCKED)) continue;
      const char *name = strrchr(d->key, ':') + 1;
      char *detail = guarded ? ps_xasprintf("`%s` is a new lock on every call of `%s`, so concurrent calls never exclude "
                                            "each other around `%s`",
                                            name, ft_fn_name(r, fn), ft_display(r, ft_obj_of(r, guarded)))
                             : ps_xasprintf("`%s` is a new lock on every call of `%s`, so concurrent calls never exclude "
                                            "each other",
                                            name, ft_fn_name(r, fn));
      char *rel = guarded ? ps_xasprintf("guarded by `%s` alone", name) : NULL;
      char *dg = guarded ? ft_describe(r, guarded) : ps_xasprintf("%s = ...", name);
      PsFtLoc related[1] = {{ff->f->path, guarded ? guarded->a->pos : d->pos, guarded ? guarded->a->end : d->pos, rel}};
      const char *notes[1] = {"fix: create the lock once, next to the state it guards (module level or __init__)"};
      PsFtFinding f = {0};
      f.race = PS_FT_LOCKING;
      f.at = (PsFtLoc){ff->f->path, d->pos, d->pos, NULL};
      f.at.end.col += (uint32_t)strlen(name);
      f.at.end.col16 += (uint32_t)strlen(name);
      f.at.end.byte += (uint32_t)strlen(name);
      f.object = name;
      f.defined = "a local variable";
      f.op = dg;
      f.detail = detail;
      f.fix = "create the lock once, next to the state it guards";
      f.related = related;
      f.n_related = guarded ? 1 : 0;
      f.notes = notes;
      f.n_notes = 1;
      uint32_t n;
      const FtReach *rs = ft_reach_of(r, fn, &n);
      f.high = false;
      for (uint32_t j = 0; j < n; j++) f.high |= !g->ctxs.items[rs[j].ctx].library;
      r->emit(r->ctx, &f);
      free(detail);
      free(rel);
      free(dg);
    }
  }
}

/* Classes whose instances only their owner thread may use: a method
 * raises unless a `thread-ident` call (threading.get_ident()) equals an
 * attribute of self (Pyro5's Proxy.__check_owner, called by the methods
 * that touch its state), and the classes derived from them. */
static void confined_classes(R *r) {
  FtGraph *g = r->g;
  Array(uint32_t) direct = {0};
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const FtFile *ff = &g->files.items[fi];
    const PsFtFacts *ft = ff->f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      if (c->func == UINT32_MAX || !c->target) continue;
      const PsFtFunc *f = g->fns.items[ff->fn0 + c->func].f;
      if (!(f->flags & PS_FTF_OWNER_CHECK) || !f->cls) continue;
      if (!ps_ft__vocab_row(g->vocab, "thread-ident", c->target) &&
          !ps_ft__vocab_row(g->vocab, "thread-ident", ft_canon(g, c->target)))
        continue;
      uint32_t cls = ft_cls_find(g, f->cls);
      if (cls == FT_NONE || r->confined[cls]) continue;
      r->confined[cls] = true;
      array_push(&direct, cls);
    }
  }
  for (size_t k = 0; k < g->classes.size && direct.size; k++)
    for (size_t i = 0; i < direct.size && !r->confined[k]; i++)
      if (ft_derives(g, (uint32_t)k, g->classes.items[direct.items[i]].qualname, 0)) r->confined[k] = true;
  array_free(&direct);
}

void ps_ft_analyze(PsProjectIndex *index, const PsFtVocab *vocab, const PsFtOptions *opts, PsFtEmit emit, void *ctx) {
  FtGraph g;
  memset(&g, 0, sizeof g);
  ft_graph_build(&g, index, vocab);
  ft_graph_contexts(&g, opts->mode);
  ft_graph_reach(&g);
  ft_graph_races(&g, vocab, opts, emit, ctx);
  ft_graph_free(&g);
}

void ft_graph_races(FtGraph *g, const PsFtVocab *vocab, const PsFtOptions *opts, PsFtEmit emit, void *ctx) {
  if (getenv("PYSHIFT_FT_DEBUG")) {
    size_t na = 0, nc = 0, no = 0, nf = 0, nargs = 0, sb = 0, chunks = 0, mapcap = 0;
    for (size_t i = 0; i < g->files.size; i++) {
      const PsFileFacts *f = g->files.items[i].f;
      na += f->ft->accesses.size, nc += f->ft->calls.size, no += f->ft->objects.size, nf += f->ft->funcs.size;
      nargs += f->ft->args.size, sb += f->strings.bytes, chunks += f->strings.chunks.size, mapcap += f->strings.index.cap;
    }
    fprintf(stderr, "FTDBG-STATS files=%zu accesses=%zu calls=%zu objects=%zu funcs=%zu args=%zu strbytes=%zu chunks=%zu mapcap=%zu\n",
            g->files.size, na, nc, no, nf, nargs, sb, chunks, mapcap);
  }
  if (getenv("PYSHIFT_FT_DEBUG"))
    for (size_t i = 0; i < g->ctxs.size; i++) {
      const FtCtx *c = &g->ctxs.items[i];
      fprintf(stderr, "FTDBG-CTX\t%s\t%s:%u\t%s\t%s%s\treach=%u\n", c->api, c->file ? c->file->f->path : "-",
              c->call ? (unsigned)c->call->pos.line : 0, c->root != FT_NONE ? g->fns.items[c->root].f->qualname : "-",
              c->multi ? "multi" : "once", c->bound ? " bound" : "", 0u);
    }
  if (getenv("PYSHIFT_FT_DEBUG") && !strcmp(getenv("PYSHIFT_FT_DEBUG"), "2")) {
    for (size_t i = 0; i < g->objs.size; i++) {
      const FtObj *o = &g->objs.items[i];
      fprintf(stderr, "FTDBG-OBJ\t%s\tcat=%d where=%u accs=%u\n", o->key, (int)o->cat, (unsigned)o->where, o->n_accs);
      for (uint32_t k = 0; k < o->n_accs; k++) {
        const FtAcc *a = &g->accs.items[o->accs[k]];
        const char *lk = ft_ls_first(g, a->locks);
        fprintf(stderr, "FTDBG-ACC\t  %u:%u kind=%d via=%d fn=%s locks=%s\n", (unsigned)a->a->pos.line,
                (unsigned)a->a->pos.col, (int)a->a->kind, (int)a->a->via, g->fns.items[a->fn].f->qualname,
                lk ? lk : "-");
      }
    }
    for (size_t i = 0; i < g->locks.size; i++)
      fprintf(stderr, "FTDBG-LOCK\t%s\tper_instance=%d\n", g->locks.items[i].key, g->locks.items[i].per_instance);
  }
  R r = {g, opts, emit, ctx, ps_xcalloc(g->accs.size + 1, sizeof(uint16_t)), ps_xcalloc(g->locks.size + 1, sizeof(bool)),
         ps_xcalloc(g->fns.size + 1, sizeof(bool)), ps_xcalloc(g->classes.size + 1, sizeof(bool)), PS_BUF_INIT};
  /* signal.signal() raises ValueError outside the main thread, so a
   * function that calls it runs in the main thread (unittest's
   * installHandler, a CLI's setup), and so does the handler it installs:
   * their accesses never race each other. */
  for (size_t fi = 0; fi < g->files.size; fi++) {
    const FtFile *ff = &g->files.items[fi];
    const PsFtFacts *ft = ff->f->ft;
    for (size_t k = 0; k < ft->calls.size; k++) {
      const PsFtCall *c = &ft->calls.items[k];
      if (c->func == UINT32_MAX || !c->target) continue;
      if (!ps_ft__vocab_row(vocab, "main-only", c->target) && !ps_ft__vocab_row(vocab, "main-only", ft_canon(g, c->target)))
        continue;
      r.main_only[ff->fn0 + c->func] = true;
      /* The handler handed to signal.signal() runs in the main thread too. */
      for (uint32_t k2 = 0; k2 < c->n_args; k2++) {
        const PsFtArg *arg = &ft->args.items[c->first_arg + k2];
        if (arg->how != PS_FTARG_FUNC && arg->how != PS_FTARG_BOUND && arg->how != PS_FTARG_LAMBDA) continue;
        uint32_t h = ft_fn_find(g, ft_canon(g, arg->target));
        if (h != FT_NONE) r.main_only[h] = true;
      }
    }
  }
  confined_classes(&r);
  for (size_t i = 0; i < g->objs.size; i++) {
    const FtObj *o = &g->objs.items[i];
    if (!o->n_accs || silenced(o) || o->cat == FT_CAT_SAFE) continue;
    if (o->cat == FT_CAT_LOCK) {
      check_act_races(&r, o);
      continue;
    }
    check_act_races(&r, o);
    compound_races(&r, o);
    publish_races(&r, o);
    iteration_races(&r, o);
    iterator_races(&r, o);
    write_read_races(&r, o);
    lock_mismatch(&r, o);
  }
  lock_creation(&r);
  free(r.done);
  free(r.lock_done);
  free(r.main_only);
  free(r.confined);
  ps_buf_free(&r.scratch);
}
