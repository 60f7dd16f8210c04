/* mp_config.c: what the MP analyses share: one model per file (built by
 * the first MP analysis to run on it, reused by the others, exported as
 * project facts by walk_mp_facts.c), the merged table (ps_mp__link) and
 * the common configuration of MP002-MP006.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

/* ---- one model per file ------------------------------------------------------- */

/* A file's model as shared: with the table it was built with. */
static void drop_model(void *v) {
  ps_mp_model_free(&((PsMpShared *)v)->m);
  free(v);
}

const PsMpModel *ps_mp_model_get(const PsMpTable *t, const PsFileContext *ctx, PsMpModel *own) {
  const PsMpTable *mt = ps_mp_table_of(t);
  PsFileShare *share = ctx->share;
  PsMpShared *sh = ps_file_share_get(share, mt);
  if (sh) return &sh->m;
  if (share && share->n < PS_FILE_SHARE_SLOTS) {
    sh = ps_xcalloc(1, sizeof *sh);
    sh->t = mt;
    ps_mp_model_build(&sh->m, mt, ctx, share->arena);
    ps_file_share_put(share, mt, sh, drop_model, ps_mp__export_facts);
    return &sh->m;
  }
  ps_mp_model_build(own, mt, ctx, ctx->arena);
  return own;
}

void ps_mp_model_release(const PsMpModel *m, PsMpModel *own) {
  if (m == own) ps_mp_model_free(own);
}

static bool is_mp_class(const PsAnalysisClass *c) {
  return c == &ps_analysis__mp_unpicklable || c == &ps_analysis__mp_unguarded_start ||
         c == &ps_analysis__mp_main_only_global || c == &ps_analysis__mp_fork_with_threads ||
         c == &ps_analysis__mp_fork_start_method;
}

void ps_mp__link(PsAnalysis *const *all, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (all[i]->empty || !is_mp_class(all[i]->cls)) continue;
    PsMpTable *first = all[i]->state;
    if (first->merged) continue; /* already in a group */
    /* The group: every MP analysis with the same default start method. */
    PsMpTable *u = ps_xcalloc(1, sizeof *u);
    u->default_method = first->default_method;
    size_t cap = 0;
    for (size_t k = i; k < n; k++)
      if (!all[k]->empty && is_mp_class(all[k]->cls) &&
          !strcmp(((PsMpTable *)all[k]->state)->default_method, u->default_method))
        cap += ((PsMpTable *)all[k]->state)->n_rows;
    u->rows = ps_xcalloc(cap + 1, sizeof *u->rows);
    for (size_t k = i; k < n; k++) {
      if (all[k]->empty || !is_mp_class(all[k]->cls)) continue;
      PsMpTable *t = all[k]->state;
      if (t->merged || strcmp(t->default_method, u->default_method)) continue;
      for (size_t r = 0; r < t->n_rows; r++) {
        bool dup = false;
        for (size_t q = 0; q < u->n_rows && !dup; q++)
          dup = u->rows[q].kind == t->rows[r].kind && !strcmp(u->rows[q].name, t->rows[r].name);
        if (!dup) u->rows[u->n_rows++] = t->rows[r];
      }
      t->merged = u;
    }
    first->owns_merged = true;
  }
}

/* ---- shared configuration ------------------------------------------------------- */

void ps_mp__free_state(void *state) {
  PsMpTable *t = state;
  ps_mp_table_free(t);
  free(t);
}

int ps_mp__configure(PsAnalysis *self, PsPyVersion target, unsigned gate_kinds, PsError *err) {
  PsMpTable *t = ps_xcalloc(1, sizeof *t);
  self->state = t;
  int rc = ps_mp_table_load(t, self->rule, target, err);
  if (rc) return rc;
  ps_mp_table_gates(t, self, gate_kinds);
  self->empty = false;
  return 0;
}
