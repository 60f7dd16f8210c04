/* mp_main_global.c: `mp-main-only-global` (MP004), a module global that
 * workers read but that only the parent sets at run time.
 *
 * Under spawn and forkserver a worker imports the module afresh: it sees
 * the globals as import-time code leaves them, never what the parent did
 * under `if __name__ == "__main__":` or in the functions called from
 * there (argument parsing, configuration). Under fork it inherited the
 * parent's memory, so the code worked until 3.14 changed the default.
 *
 * Workers: the module-level functions of the file handed to a pool or
 * Process whose start method imports afresh, and the module-level
 * functions they call (by bare name). A global is reported at each
 * run-time write (an assignment or a mutation, `G.append(x)`, `G[k] = v`,
 * under the guard, or in a function called only from the guard through
 * `global G`) when a worker reads it and no worker-side function
 * (an initializer included) writes it.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

static const char *const PARAMS[] = {NULL};

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  int rc = ps_mp__configure(self, target, PS_MP_KIND(PS_MP_POOL) | PS_MP_KIND(PS_MP_PROCESS), err);
  if (!rc) ps_mp_table_fact_gates(self->state, self);
  return rc;
}

/* Module-level function sets, as flags per summary def. */
enum { F_WORKER = 1, F_IMPORT = 2, F_GUARD = 4 };

static const char *top_of(const char *scope, char *buf, size_t n) {
  const char *dot = strchr(scope, '.');
  size_t len = dot ? (size_t)(dot - scope) : strlen(scope);
  if (!len || len >= n) return NULL;
  memcpy(buf, scope, len);
  buf[len] = '\0';
  return buf;
}

static int def_index(const PsSummary *s, const char *name) {
  for (size_t d = 0; d < s->defs.size; d++)
    if (s->defs.items[d].kind == PS_DEF_FUNCTION && s->defs.items[d].module_level &&
        !strcmp(s->defs.items[d].name, name))
      return (int)d;
  return -1;
}

/* Spreads `flag` from callers to the module-level functions they call. */
static void spread(const PsSummary *s, unsigned char *fl, unsigned flag) {
  char buf[512];
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t c = 0; c < s->calls.size; c++) {
      const PsCall *call = &s->calls.items[c];
      const char *top = top_of(call->scope, buf, sizeof buf);
      int from = top ? def_index(s, top) : -1;
      if (from < 0 || !(fl[from] & flag) || strchr(call->callee, '.')) continue;
      int to = def_index(s, call->callee);
      if (to >= 0 && !(fl[to] & flag)) fl[to] |= (unsigned char)flag, changed = true;
    }
  }
}

/* Is `name` bound locally in `scope` (a parameter, an assignment)? */
static bool local(const PsSummary *s, const char *scope, const char *name) {
  for (size_t i = 0; i < s->bindings.size; i++) {
    const PsBinding *b = &s->bindings.items[i];
    if (!strcmp(b->scope, scope) && !strcmp(b->name, name)) return true;
  }
  return false;
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const PsMpTable *t = self->state;
  const PsSummary *s = ctx->summary;
  PsArena *arena = ctx->arena; /* rewound by the engine after the run */
  PsMpModel own;
  const PsMpModel *m = ps_mp_model_get(t, ctx, &own); /* shared: read only */
  size_t nd = s->defs.size;
  unsigned char *fl = ps_xcalloc(nd + 1, 1);
  const char **method_of = ps_xcalloc(nd + 1, sizeof *method_of);
  bool any = false;
  for (size_t i = 0; i < m->handed.size; i++) {
    const PsMpHanded *h = &m->handed.items[i];
    if (!h->module_def) continue;
    int d = def_index(s, h->module_def);
    if (d < 0) continue;
    const char *method = ps_mp_effective_method(t, m, h->method);
    fl[d] |= F_WORKER; /* an initializer under fork still writes its globals in the child */
    if (ps_mp_method_reimports(method)) method_of[d] = method, any = true;
  }
  if (!any) goto done;
  char buf[512];
  for (size_t i = 0; i < m->top_calls.size; i++) {
    const PsMpTopCall *tc = &m->top_calls.items[i];
    int d = strchr(tc->callee, '.') ? -1 : def_index(s, tc->callee);
    if (d >= 0) fl[d] |= tc->import_time ? F_IMPORT : F_GUARD;
  }
  /* Workers' callees are workers (with the caller's start method). */
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t c = 0; c < s->calls.size; c++) {
      const PsCall *call = &s->calls.items[c];
      const char *top = top_of(call->scope, buf, sizeof buf);
      int from = top ? def_index(s, top) : -1;
      if (from < 0 || !method_of[from] || strchr(call->callee, '.')) continue;
      int to = def_index(s, call->callee);
      if (to >= 0 && !method_of[to]) method_of[to] = method_of[from], fl[to] |= F_WORKER, changed = true;
    }
  }
  spread(s, fl, F_WORKER);
  spread(s, fl, F_IMPORT);
  spread(s, fl, F_GUARD);
  for (size_t w = 0; w < m->writes.size; w++) {
    const PsMpWrite *wr = &m->writes.items[w];
    /* A run-time write in the parent: under the guard, or in a function
     * only the guard calls. */
    const char *where;
    if (!wr->in_def) {
      if (!wr->guarded) continue;
      where = "under `if __name__ == \"__main__\":`";
    } else {
      int d = def_index(s, top_of(wr->scope, buf, sizeof buf) ? buf : "");
      if (d < 0 || fl[d] != F_GUARD) continue;
      if (wr->kind == PS_MP_W_MUTATE && local(s, wr->scope, wr->name)) continue;
      where = ps_arena_sprintf(arena, "in `%s()`, which only the `__main__` guard calls", s->defs.items[d].name);
    }
    /* Written by a worker-side function itself (an initializer): fine. */
    bool worker_writes = false;
    for (size_t o = 0; o < m->writes.size && !worker_writes; o++) {
      const PsMpWrite *ow = &m->writes.items[o];
      int d = ow->in_def && top_of(ow->scope, buf, sizeof buf) ? def_index(s, buf) : -1;
      worker_writes = d >= 0 && (fl[d] & F_WORKER) && !strcmp(ow->name, wr->name) &&
                      !(ow->kind == PS_MP_W_MUTATE && local(s, ow->scope, ow->name));
    }
    if (worker_writes) continue;
    /* Its import-time value, if it has one. */
    bool at_import = false;
    for (size_t o = 0; o < m->writes.size && !at_import; o++) {
      const PsMpWrite *ow = &m->writes.items[o];
      int d = ow->in_def && top_of(ow->scope, buf, sizeof buf) ? def_index(s, buf) : -1;
      at_import = !strcmp(ow->name, wr->name) && ow->kind != PS_MP_W_MUTATE &&
                  ((!ow->in_def && !ow->guarded) || (d >= 0 && (fl[d] & F_IMPORT)));
    }
    for (size_t i = 0; i < s->bindings.size && !at_import; i++) {
      const PsBinding *b = &s->bindings.items[i];
      at_import = !*b->scope && b->kind == PS_BIND_IMPORT && !strcmp(b->name, wr->name);
    }
    /* A worker that reads it. */
    for (size_t r = 0; r < m->reads.size; r++) {
      const PsMpRead *rd = &m->reads.items[r];
      if (strcmp(rd->name, wr->name) || !top_of(rd->scope, buf, sizeof buf)) continue;
      int d = def_index(s, buf);
      if (d < 0 || !method_of[d] || local(s, rd->scope, rd->name)) continue;
      PsPos p = ps_source_pos(ctx->source, rd->start);
      const char *sees = at_import ? "the value import-time code gives it, not this one"
                                   : "no value at all (NameError)";
      PsVar vars[] = {{"name", wr->name},
                      {"where", where},
                      {"worker", s->defs.items[d].name},
                      {"line", ps_arena_sprintf(arena, "%u", (unsigned)p.line)},
                      {"method", method_of[d]},
                      {"sees", sees}};
      emit->emit(emit->ctx, self->rule, wr->start, wr->end, vars, sizeof vars / sizeof vars[0]);
      break;
    }
  }
done:
  free(fl);
  free(method_of);
  ps_mp_model_release(m, &own);
}

const PsAnalysisClass ps_analysis__mp_main_only_global = {
    .name = "mp-main-only-global",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = ps_mp__free_state,
    .link = ps_mp__link,
    .facts = PS_FACT_MP | PS_FACT_IMPORTS | PS_FACT_DEFS,
    .join = ps_mp__join_main_global,
};
