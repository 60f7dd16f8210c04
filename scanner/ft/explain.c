/* explain.c: the explanation and output of the FT races found in
 * races.c: the object's and accesses' names, the conflicting accesses as
 * related locations, each thread's path from its start to the access, the
 * locks held, and the fix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/races_internal.h"

static const char *prev_dot(const char *s, const char *dot) {
  while (dot > s) {
    dot--;
    if (*dot == '.') return dot;
  }
  return NULL;
}

/* The object's name for people: "cache", "Registry.items". */
const char *ft_display(R *r, const FtObj *o) {
  const char *k = o->key;
  const char *m = o->def_file ? o->def_file->module : NULL;
  if (m && *m) {
    size_t ml = strlen(m);
    if (!strncmp(k, m, ml) && k[ml] == '.') return k + ml + 1;
  }
  /* Strip the longest prefix that is a module of the tree. */
  for (const char *dot = strrchr(k, '.'); dot; dot = prev_dot(k, dot)) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)(dot - k), k);
    if (ps_project_index_module(r->g->ix, buf)) return dot + 1;
  }
  return k;
}

char *ft_defined_at(const FtObj *o) {
  if (!o->def_file) return ps_xstrdup("outside the scanned tree");
  return ps_xasprintf("%s:%u", o->def_file->path, (unsigned)o->def_pos.line);
}

const char *ft_fn_name(const R *r, uint32_t fn) {
  const FtFn *f = &r->g->fns.items[fn];
  const char *m = r->g->files.items[f->file].f->module;
  size_t ml = strlen(m);
  const char *q = f->f->qualname;
  return ml && !strncmp(q, m, ml) && q[ml] == '.' ? q + ml + 1 : q;
}

/* What an access does, as code: "cache[...] = ...", "items.insert(...)". */
char *ft_describe(R *r, const FtAcc *x) {
  const char *d = ft_display(r, ft_obj_of(r, x));
  const PsFtAccess *a = x->a;
  if (a->text && *a->text) return ps_xstrdup(a->text);
  const char *via = a->via == PS_FTVIA_SELF ? "self." : a->via == PS_FTVIA_CLS ? "cls." : "";
  const char *nm = d;
  if (*via) {
    const char *dot = strrchr(d, '.');
    nm = dot ? dot + 1 : d;
  }
  switch (a->kind) {
  case PS_FTA_WRITE: return ps_xasprintf("%s%s = ...", via, nm);
  case PS_FTA_RMW: return ps_xasprintf("%s%s %s", via, nm, a->flags & PS_FTX_SELF_RHS ? "= ... (its own value) ..." : "+= ...");
  case PS_FTA_DEL: return ps_xasprintf("del %s%s", via, nm);
  case PS_FTA_ITEM_READ: return ps_xasprintf("%s%s[...]", via, nm);
  case PS_FTA_ITEM_STORE: return ps_xasprintf("%s%s[...] = ...", via, nm);
  case PS_FTA_ITEM_DEL: return ps_xasprintf("del %s%s[...]", via, nm);
  case PS_FTA_ITEM_RMW: return ps_xasprintf("%s%s[...] %s", via, nm, a->flags & PS_FTX_SELF_RHS ? "= ... (its own item) ..." : "+= ...");
  case PS_FTA_METHOD: return ps_xasprintf("%s%s.%s(...)", via, nm, a->name ? a->name : "");
  case PS_FTA_ARG: return ps_xasprintf("%s(%s%s)", a->name ? a->name : "", via, nm);
  case PS_FTA_ITER: return a->name ? ps_xasprintf("for ... in %s%s.%s()", via, nm, a->name) : ps_xasprintf("for ... in %s%s", via, nm);
  case PS_FTA_TEST_IN: return ps_xasprintf("... %sin %s%s", a->flags & PS_FTX_NEGATED ? "not " : "", via, nm);
  case PS_FTA_TEST_TRUTH: return ps_xasprintf("%s%s%s", a->flags & PS_FTX_NEGATED ? "not " : "", via, nm);
  case PS_FTA_TEST_NONE: return ps_xasprintf("%s%s is %sNone", via, nm, a->flags & PS_FTX_NEGATED ? "" : "not ");
  default: return ps_xasprintf("%s%s", via, nm);
  }
}

const char *ft_what_word(int e) {
  switch (e) {
  case FE_READ: return "read";
  case EF_TEST: return "test";
  case FE_WRITE:
  case FE_INSERT:
  case FE_REMOVE:
  case FE_TAKE:
  case FE_ONCE:
  case EF_REBIND: return "write";
  case FE_COMPOUND:
  case EF_RMW: return "compound";
  case FE_ITERATE: return "iteration";
  case FE_CONSUME: return "consumption";
  case FE_COPY: return "copy";
  default: return "access";
  }
}

char *ft_locks_text(R *r, uint32_t ls) {
  if (!ls) return ps_xstrdup("no lock");
  PsBuf b = PS_BUF_INIT;
  const FtLockSet *s = &r->g->locksets.items[ls];
  for (uint32_t i = 0; i < s->n; i++) {
    const char *k = r->g->locks.items[r->g->ls_ids.items[s->first + i]].key;
    uint32_t o = ft_obj_find(r->g, k);
    const char *d = o != FT_NONE ? ft_display(r, &r->g->objs.items[o]) : strrchr(k, ':') ? strrchr(k, ':') + 1 : k;
    ps_buf_printf(&b, "%s`%s`", i ? ", " : "", d);
  }
  return ps_buf_steal(&b);
}

const char *ft_ctx_text(R *r, const FtCtx *c, char *buf, size_t n) {
  if (c->library) return snprintf(buf, n, "any caller of the public API"), buf;
  snprintf(buf, n, "the thread %s %s%s at %s:%u", !strcmp(c->api, "handler") ? "a threading server runs" : "started by",
           !strcmp(c->api, "handler") ? "" : c->api, c->multi ? " (several at once)" : "", c->file->f->path,
           (unsigned)c->call->pos.line);
  return buf;
}

const char *ft_out_keep(Out *o, char *s) {
  array_push(&o->strings, s);
  return s;
}

void ft_out_init(Out *o, PsFtRace race, const FtAcc *at) {
  memset(o, 0, sizeof *o);
  o->f.race = race;
  o->f.at = (PsFtLoc){at->file->f->path, at->a->pos, at->a->end, NULL};
}

void ft_out_related(Out *o, const FtAcc *x, char *msg) {
  array_push(&o->related, ((PsFtLoc){x->file->f->path, x->a->pos, x->a->end, ft_out_keep(o, msg)}));
}

/* One thread's path: where it starts, the calls on the way, the access. */
void ft_out_flow(R *r, Out *o, const FtReach *re, const FtAcc *x, const char *role) {
  const FtCtx *c = &r->g->ctxs.items[re->ctx];
  if (c->library) return;
  char buf[512];
  array_push(&o->flow_first, o->steps.size);
  array_push(&o->flows, ((PsFtFlow){ft_out_keep(o, ps_xasprintf("%s: %s", role, ft_ctx_text(r, c, buf, sizeof buf))), NULL, 0}));
  array_push(&o->steps, ((PsFtLoc){c->file->f->path, c->call->pos, c->call->end,
                                   ft_out_keep(o, ps_xasprintf("thread starts `%s`", ft_fn_name(r, c->root)))}));
  /* The calls from the root to x's function, through pred edges. */
  uint32_t chain[32];
  size_t n = 0;
  uint32_t fn = x->fn;
  for (int guard = 0; guard < 32; guard++) {
    uint32_t nr;
    const FtReach *rs = ft_reach_of(r, fn, &nr);
    const FtReach *me = NULL;
    for (uint32_t i = 0; i < nr && !me; i++)
      if (rs[i].ctx == re->ctx) me = &rs[i];
    if (!me || me->pred == FT_NONE) break;
    chain[n++] = me->pred;
    fn = r->g->edges.items[me->pred].from;
  }
  for (size_t i = n; i-- > 0;) {
    const FtEdge *e = &r->g->edges.items[chain[i]];
    PsPos ep = e->call ? e->call->pos : e->acc->pos, ee = e->call ? e->call->end : e->acc->end;
    array_push(&o->steps, ((PsFtLoc){e->file->f->path, ep, ee,
                                     ft_out_keep(o, ps_xasprintf("`%s` calls `%s`", ft_fn_name(r, e->from), ft_fn_name(r, e->to)))}));
  }
  char *d = ft_describe(r, x);
  array_push(&o->steps, ((PsFtLoc){x->file->f->path, x->a->pos, x->a->end,
                                   ft_out_keep(o, ps_xasprintf("%s `%s` in `%s`", role, d, ft_fn_name(r, x->fn)))}));
  free(d);
}

void ft_out_emit(R *r, Out *o, const FtObj *ob, const FtAcc *at, const char *detail, const char *fix, bool high) {
  char *d = ft_describe(r, at);
  o->f.object = ft_display(r, ob);
  o->f.defined = ft_out_keep(o, ft_defined_at(ob));
  o->f.op = ft_out_keep(o, d);
  o->f.detail = detail;
  o->f.fix = fix;
  o->f.high = high;
  for (size_t i = 0; i < o->flows.size; i++) {
    size_t first = o->flow_first.items[i];
    size_t end = i + 1 < o->flows.size ? o->flow_first.items[i + 1] : o->steps.size;
    o->flows.items[i].steps = o->steps.items + first;
    o->flows.items[i].n_steps = end - first;
  }
  if (fix) array_push(&o->notes, ft_out_keep(o, ps_xasprintf("fix: %s", fix)));
  o->f.related = o->related.items;
  o->f.n_related = o->related.size;
  o->f.flows = o->flows.items;
  o->f.n_flows = o->flows.size;
  o->f.notes = o->notes.items;
  o->f.n_notes = o->notes.size;
  r->emit(r->ctx, &o->f);
  for (size_t i = 0; i < o->strings.size; i++) free(o->strings.items[i]);
  array_free(&o->strings);
  array_free(&o->related);
  array_free(&o->flows);
  array_free(&o->steps);
  array_free(&o->flow_first);
  array_free(&o->notes);
}

/* The standard explanation of a conflicting pair: related location, the
 * threads' paths, the locks at each. */
void ft_explain_pair(R *r, Out *o, const FtAcc *a, const FtAcc *b, const Pair *p, uint32_t a_locks) {
  if (p->inst_lock != FT_NONE) {
    ft_per_instance_lock(r, p->inst_lock, a, p->high);
    char ln[256];
    array_push(&o->notes, ft_out_keep(o, ps_xasprintf("`%s` is made per instance: it does not exclude other instances",
                                               ft_lock_name(r, r->g->locks.items[p->inst_lock].key, ln, sizeof ln))));
  }
  char buf[512];
  const FtCtx *cb = &r->g->ctxs.items[p->rb->ctx];
  char *db = ft_describe(r, b);
  if (a != b)
    ft_out_related(o, b, ps_xasprintf("conflicting %s `%s` in `%s` (%s)", ft_what_word(ft_effect(r, b)), db, ft_fn_name(r, b->fn),
                                   ft_ctx_text(r, cb, buf, sizeof buf)));
  if (p->high) {
    ft_out_flow(r, o, p->ra, a, a == b ? "one thread" : "here");
    ft_out_flow(r, o, p->rb, b, a == b ? "another thread" : "there");
  }
  char *la = ft_locks_text(r, ft_ls_union(r->g, p->ra->held, a_locks));
  char *lb = ft_locks_text(r, ft_ls_union(r->g, p->rb->held, b->locks));
  char *da = ft_describe(r, a);
  array_push(&o->notes, ft_out_keep(o, ps_xasprintf("locks held at `%s` (line %u): %s", da, (unsigned)a->a->pos.line, la)));
  if (a != b)
    array_push(&o->notes, ft_out_keep(o, ps_xasprintf("locks held at `%s` (%s:%u): %s", db, b->file->f->path,
                                               (unsigned)b->a->pos.line, lb)));
  else if (!p->high)
    array_push(&o->notes, ft_out_keep(o, ps_xasprintf("%s may run it in several threads at once", ft_ctx_text(r, cb, buf, sizeof buf))));
  free(la);
  free(lb);
  free(da);
  free(db);
}

/* A lock that guards the object elsewhere (for the note and the fix). */
const char *ft_guarding_lock(R *r, const FtObj *o) {
  for (uint32_t i = 0; i < o->n_accs; i++) {
    const FtAcc *x = ft_acc(r, o->accs[i]);
    if (x->locks) return ft_ls_first(r->g, x->locks);
  }
  return NULL;
}

const char *ft_lock_name(R *r, const char *key, char *buf, size_t n) {
  uint32_t o = ft_obj_find(r->g, key);
  const char *d = o != FT_NONE ? ft_display(r, &r->g->objs.items[o]) : strrchr(key, ':') ? strrchr(key, ':') + 1 : key;
  snprintf(buf, n, "%s", d);
  return buf;
}

void ft_fix_with_lock(R *r, const FtObj *o, char *buf, size_t n, const char *what) {
  const char *gl = ft_guarding_lock(r, o);
  char lb[256];
  if (gl) snprintf(buf, n, "hold `%s` (the lock that guards `%s` elsewhere) around %s", ft_lock_name(r, gl, lb, sizeof lb),
                   ft_display(r, o), what);
  else snprintf(buf, n, "guard every access to `%s` with one threading.Lock held around %s", ft_display(r, o), what);
}
