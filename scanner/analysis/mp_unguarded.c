/* mp_unguarded.c: `mp-unguarded-start` (MP003), processes started when a
 * module is imported, outside `if __name__ == "__main__":`.
 *
 * Under spawn and forkserver the child imports the main module again
 * (spawn as `__mp_main__`; forkserver preloads it in the server since
 * 3.14.1): top-level code that starts processes runs again there and
 * fails with multiprocessing's bootstrapping RuntimeError. Reported: a
 * process start at import time (a Pool or Manager created, an executor's
 * first task, `Process.start()`), a call at import time of a function of
 * the file that starts processes, directly or through other functions of
 * the file, and `set_start_method("spawn")` at import time (the re-run
 * raises "context has already been set"). A package's `__main__.py` is
 * not re-imported by the children and is left alone.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

static const char *const PARAMS[] = {NULL};

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  int rc = ps_mp__configure(self, target,
                          PS_MP_KIND(PS_MP_POOL) | PS_MP_KIND(PS_MP_PROCESS) | PS_MP_KIND(PS_MP_MANAGER) |
                              PS_MP_KIND(PS_MP_SET_START),
                          err);
  if (!rc) ps_mp_table_fact_gates(self->state, self);
  return rc;
}

/* The module-level function (its name) a scope belongs to: "run" for
 * "run" and "run.inner"; NULL for methods and module level. */
static bool top_function(const PsSummary *s, const char *scope, char *out, size_t n) {
  if (!*scope) return false;
  const char *dot = strchr(scope, '.');
  size_t len = dot ? (size_t)(dot - scope) : strlen(scope);
  if (len >= n) return false;
  memcpy(out, scope, len);
  out[len] = '\0';
  return ps_mp_is_function(s, out);
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const PsMpTable *t = self->state;
  const PsSummary *sum = ctx->summary;
  PsArena *arena = ctx->arena; /* rewound by the engine after the run */
  PsMpModel own;
  const PsMpModel *m = ps_mp_model_get(t, ctx, &own); /* shared: read only */
  if (m->is_dunder_main) goto done;
  /* Which module-level functions start processes (the first start each). */
  size_t nd = sum->defs.size;
  const PsMpStart **starts_in = ps_xcalloc(nd + 1, sizeof *starts_in);
  char name[512];
  for (size_t i = 0; i < m->starts.size; i++) {
    const PsMpStart *st = &m->starts.items[i];
    const char *method = ps_mp_effective_method(t, m, st->method);
    if (st->set_start) {
      /* Only spawn re-runs it in a child where the context is already set. */
      if (st->import_time && st->method && !strcmp(st->method, "spawn")) {
        PsVar vars[] = {{"api", st->api},
                        {"why", "the children re-run it and raise RuntimeError: context has already been set"}};
        emit->emit(emit->ctx, self->rule, st->start, st->end, vars, 2);
      }
      continue;
    }
    if (!ps_mp_method_reimports(method)) continue;
    if (st->import_time) {
      PsVar vars[] = {{"api", st->api},
                      {"why", ps_arena_sprintf(arena, "under `%s` every child imports the module again and fails "
                                                      "with multiprocessing's bootstrapping RuntimeError",
                                               method)}};
      emit->emit(emit->ctx, self->rule, st->start, st->end, vars, 2);
    } else if (top_function(sum, st->scope, name, sizeof name)) {
      for (size_t d = 0; d < nd; d++)
        if (!starts_in[d] && sum->defs.items[d].kind == PS_DEF_FUNCTION && !strcmp(sum->defs.items[d].name, name))
          starts_in[d] = st;
    }
  }
  /* Callers of starting functions start processes too (calls by bare name
   * between module-level functions of the file). */
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t c = 0; c < sum->calls.size; c++) {
      const PsCall *call = &sum->calls.items[c];
      if (strchr(call->callee, '.') || !top_function(sum, call->scope, name, sizeof name)) continue;
      const PsMpStart *callee_start = NULL;
      for (size_t d = 0; d < nd && !callee_start; d++)
        if (starts_in[d] && !strcmp(sum->defs.items[d].name, call->callee)) callee_start = starts_in[d];
      if (!callee_start) continue;
      for (size_t d = 0; d < nd; d++)
        if (!starts_in[d] && sum->defs.items[d].kind == PS_DEF_FUNCTION && !strcmp(sum->defs.items[d].name, name)) {
          starts_in[d] = callee_start;
          changed = true;
        }
    }
  }
  for (size_t i = 0; i < m->top_calls.size; i++) {
    const PsMpTopCall *tc = &m->top_calls.items[i];
    if (!tc->import_time || strchr(tc->callee, '.')) continue;
    for (size_t d = 0; d < nd; d++) {
      const PsDef *def = &sum->defs.items[d];
      if (!starts_in[d] || !def->module_level || strcmp(def->name, tc->callee)) continue;
      const PsMpStart *st = starts_in[d];
      PsPos p = ps_source_pos(ctx->source, st->start);
      PsVar vars[] = {{"api", ps_arena_sprintf(arena, "%s()", tc->callee)},
                      {"why", ps_arena_sprintf(arena, "it starts processes (`%s` at line %u): under `%s` every child "
                                                      "imports the module again and fails with multiprocessing's "
                                                      "bootstrapping RuntimeError",
                                               st->api, (unsigned)p.line, ps_mp_effective_method(t, m, st->method))}};
      emit->emit(emit->ctx, self->rule, tc->start, tc->end, vars, 2);
      break;
    }
  }
  free(starts_in);
done:
  ps_mp_model_release(m, &own);
}

const PsAnalysisClass ps_analysis__mp_unguarded_start = {
    .name = "mp-unguarded-start",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = ps_mp__free_state,
    .link = ps_mp__link,
    .facts = PS_FACT_MP | PS_FACT_IMPORTS | PS_FACT_DEFS,
    .join = ps_mp__join_unguarded,
};
