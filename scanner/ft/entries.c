/* entries.c: ps_ft_entries, the thread entries of the call graph seen from
 * outside the ft module (MP001 asks, per process pool handed a callable of
 * the tree, what the callable reaches and which races it takes part in
 * when the pool's work runs in threads).
 *
 * It builds the graph once, stops there when no context is a wanted entry,
 * else runs the race analysis on it (ft_graph_races, findings kept) and
 * uses its reach sets, and attributes a finding to
 * an entry when one of its accesses (the primary location or a related
 * one) lies in a function the entry reaches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/graph.h"

typedef struct KeptLoc {
  char *path;
  PsPos pos;
} KeptLoc;

typedef struct Kept {
  PsFtFinding f;
  KeptLoc *locs; /* at, then the related locations */
  size_t n_locs;
} Kept;

typedef struct Keep {
  Array(Kept) items;
} Keep;

static char *dup_or_null(const char *s) { return s ? ps_xstrdup(s) : NULL; }

static void keep_finding(void *p, const PsFtFinding *f) {
  Keep *k = p;
  Kept x;
  memset(&x, 0, sizeof x);
  x.f.race = f->race;
  x.f.at = (PsFtLoc){dup_or_null(f->at.path), f->at.start, f->at.end, NULL};
  x.f.object = dup_or_null(f->object);
  x.f.defined = dup_or_null(f->defined);
  x.f.op = dup_or_null(f->op);
  x.f.high = f->high;
  x.n_locs = 1 + f->n_related;
  x.locs = ps_xcalloc(x.n_locs, sizeof *x.locs);
  x.locs[0] = (KeptLoc){ps_xstrdup(f->at.path ? f->at.path : ""), f->at.start};
  for (size_t i = 0; i < f->n_related; i++)
    x.locs[i + 1] = (KeptLoc){ps_xstrdup(f->related[i].path ? f->related[i].path : ""), f->related[i].start};
  array_push(&k->items, x);
}

static void kept_free(Keep *k) {
  for (size_t i = 0; i < k->items.size; i++) {
    Kept *x = &k->items.items[i];
    free((char *)x->f.at.path);
    free((char *)x->f.object);
    free((char *)x->f.defined);
    free((char *)x->f.op);
    for (size_t l = 0; l < x->n_locs; l++) free(x->locs[l].path);
    free(x->locs);
  }
  array_free(&k->items);
}

static char *loc_key(const char *path, PsPos p) { return ps_xasprintf("%s\x1f%u\x1f%u", path, (unsigned)p.line, (unsigned)p.col); }

static bool wanted(const char *api, const char *const *apis, size_t n) {
  for (size_t i = 0; api && i < n; i++)
    if (!strcmp(api, apis[i])) return true;
  return false;
}

void ps_ft_entries(PsProjectIndex *index, const PsFtVocab *vocab, const PsFtOptions *opts, const char *const *apis,
                   size_t n_apis, PsFtEntryEmit emit, void *ctx) {
  Keep kept;
  array_init(&kept.items);
  FtGraph g;
  memset(&g, 0, sizeof g);
  ft_graph_build(&g, index, vocab);
  ft_graph_contexts(&g, opts->mode);
  bool any = false;
  for (size_t x = 0; x < g.ctxs.size && !any; x++) {
    const FtCtx *cx = &g.ctxs.items[x];
    any = !cx->library && cx->root != FT_NONE && cx->call && wanted(cx->api, apis, n_apis);
  }
  if (!any) { /* no entry to report: neither reach sets nor races needed */
    ft_graph_free(&g);
    return;
  }
  ft_graph_reach(&g);
  ft_graph_races(&g, vocab, opts, keep_finding, &kept); /* the race analysis, on the same graph */
  size_t nf = g.fns.size;
  bool *reached = ps_xcalloc(nf + 1, sizeof(bool));
  Array(const char *) names;
  Array(const char *) calls;
  Array(PsFtWrite) writes;
  Array(const PsFtFinding *) races;
  Array(char *) keys;
  array_init(&names);
  array_init(&calls);
  array_init(&writes);
  array_init(&races);
  array_init(&keys);
  for (size_t x = 0; x < g.ctxs.size; x++) {
    const FtCtx *cx = &g.ctxs.items[x];
    if (cx->library || cx->root == FT_NONE || !cx->call || !wanted(cx->api, apis, n_apis)) continue;
    memset(reached, 0, (nf + 1) * sizeof(bool));
    array_clear(&names);
    array_clear(&calls);
    array_clear(&writes);
    array_clear(&races);
    reached[cx->root] = true;
    array_push(&names, g.fns.items[cx->root].f->qualname);
    for (size_t i = 0; i < nf; i++)
      for (uint32_t r = g.reach_first[i]; r < g.reach_first[i + 1]; r++)
        if (g.reach[r].ctx == x && !reached[i]) {
          reached[i] = true;
          array_push(&names, g.fns.items[i].f->qualname);
        }
    /* The calls leaving the tree. */
    PsStrMap seen = PS_STRMAP_INIT;
    for (size_t n = 0; n < names.size; n++) {
      uint32_t fi = ft_fn_find(&g, names.items[n]);
      if (fi == FT_NONE) continue;
      const FtFile *ff = &g.files.items[g.fns.items[fi].file];
      uint32_t local = fi - ff->fn0;
      const PsFtFacts *ft = ff->f->ft;
      for (size_t c = 0; c < ft->calls.size; c++) {
        const PsFtCall *call = &ft->calls.items[c];
        if (call->func != local || !call->target || (call->flags & (PS_FTC_SELF | PS_FTC_SUPER | PS_FTC_IMPLICIT)))
          continue;
        const char *canon = ft_canon(&g, call->target);
        if (ft_fn_find(&g, canon) != FT_NONE || ft_cls_find(&g, canon) != FT_NONE) continue;
        if (ps_strmap_put(&seen, canon, 0, false) && calls.size < 256) array_push(&calls, canon);
      }
    }
    /* The mutations of objects that are no function's locals. */
    PsStrMap wseen = PS_STRMAP_INIT;
    for (size_t a = 0; a < g.accs.size && writes.size < 256; a++) {
      const FtAcc *acc = &g.accs.items[a];
      if (!reached[acc->fn]) continue;
      const PsFtAccess *ax = acc->a;
      bool store = ax->kind == PS_FTA_WRITE || ax->kind == PS_FTA_RMW || ax->kind == PS_FTA_DEL ||
                   ax->kind == PS_FTA_ITEM_STORE || ax->kind == PS_FTA_ITEM_DEL || ax->kind == PS_FTA_ITEM_RMW;
      if ((!store && ax->kind != PS_FTA_METHOD) || !ax->key || strchr(ax->key, ':')) continue; /* ':' a local */
      const char *m = store ? NULL : ax->name;
      char *tmp = ps_xasprintf("%s\t%s", ax->key, m ? m : "");
      const char *k = ft_str(&g, tmp);
      free(tmp);
      if (ps_strmap_put(&wseen, k, 0, false)) array_push(&writes, ((PsFtWrite){ax->key, m}));
    }
    ps_strmap_free(&wseen);
    ps_strmap_free(&seen);
    /* The findings with an access in a reached function. */
    PsStrMap at = PS_STRMAP_INIT;
    for (size_t a = 0; a < g.accs.size; a++) {
      const FtAcc *acc = &g.accs.items[a];
      if (!reached[acc->fn]) continue;
      char *k = loc_key(acc->file->f->path, acc->a->pos);
      array_push(&keys, k);
      ps_strmap_put(&at, k, 1, false);
    }
    for (size_t i = 0; at.size && i < kept.items.size; i++) {
      const Kept *kf = &kept.items.items[i];
      bool hit = false;
      for (size_t l = 0; l < kf->n_locs && !hit; l++) {
        char *k = loc_key(kf->locs[l].path, kf->locs[l].pos);
        hit = ps_strmap_find(&at, k, strlen(k), NULL) != NULL;
        free(k);
      }
      if (hit) array_push(&races, &kf->f);
    }
    ps_strmap_free(&at);
    const FtFn *root = &g.fns.items[cx->root];
    const PsFtCall *call = cx->call;
    PsFtEntry e = {
        .api = cx->api,
        .at = {cx->file->f->path, call->pos, call->end, NULL},
        .caller = call->func != UINT32_MAX ? g.fns.items[cx->file->fn0 + call->func].f->qualname : NULL,
        .callee = root->f->qualname,
        .callee_at = {g.files.items[root->file].f->path, root->f->pos, root->f->pos, NULL},
        .local = (root->f->flags & (PS_FTF_LAMBDA | PS_FTF_NESTED)) || root->f->cls,
        .many = cx->multi,
        .call_flags = call->flags,
        .reached = names.items,
        .n_reached = names.size,
        .calls = calls.items,
        .n_calls = calls.size,
        .writes = writes.items,
        .n_writes = writes.size,
        .races = races.items,
        .n_races = races.size,
    };
    emit(ctx, &e);
    for (size_t k = 0; k < keys.size; k++) free(keys.items[k]);
    array_clear(&keys);
  }
  free(reached);
  array_free(&names);
  array_free(&calls);
  array_free(&writes);
  array_free(&races);
  array_free(&keys);
  ft_graph_free(&g);
  kept_free(&kept);
}
