/* mp_unpicklable.c: `mp-unpicklable` (MP002), a callable or argument that
 * cannot be pickled, handed to another process.
 *
 * What a pool method (map, submit, apply_async ...) is given always goes
 * through a pipe, pickled, whatever the start method. What a Process or a
 * pool's initializer is given is pickled only when the start method
 * starts the child afresh (forkserver, the Linux default from 3.14, or
 * spawn); under fork the child inherits it. The reasons an expression
 * cannot be pickled (a lambda, a nested function, a class defined in a
 * function or its instances, a bound method of one, an open file, lock or
 * socket, functools.partial of any of those) are found by walk_mp.c.
 */
#include <string.h>

#include "analysis/mp_internal.h"

static const char *const PARAMS[] = {NULL};

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  return ps_mp__configure(self, target,
                          PS_MP_KIND(PS_MP_POOL) | PS_MP_KIND(PS_MP_PROCESS) | PS_MP_KIND(PS_MP_INTERP_POOL), err);
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const PsMpTable *t = self->state;
  PsArena *arena = ctx->arena; /* rewound by the engine after the run */
  PsMpModel own;
  const PsMpModel *m = ps_mp_model_get(t, ctx, &own); /* shared: read only */
  for (size_t i = 0; i < m->handed.size; i++) {
    const PsMpHanded *h = &m->handed.items[i];
    if (!h->why || h->unstarted) continue;
    const char *method = ps_mp_effective_method(t, m, h->method);
    const char *when;
    if (h->always) {
      when = "a pool sends its tasks to the workers pickled, whatever the start method";
    } else if (ps_mp_method_reimports(method)) {
      when = h->method || m->file_method
                 ? ps_arena_sprintf(arena, "the `%s` start method chosen here pickles it for the child", method)
                 : ps_arena_sprintf(arena, "`%s`, the default start method on Linux from Python 3.14, pickles it "
                                           "for the child (`fork` did not)",
                                    method);
    } else {
      continue; /* fork: the child inherits it */
    }
    PsVar vars[] = {{"what", h->why}, {"slot", h->slot}, {"api", h->api}, {"when", when}, {"method", method}};
    emit->emit(emit->ctx, self->rule, ts_node_start_byte(h->expr), ts_node_end_byte(h->expr), vars,
               sizeof vars / sizeof vars[0]);
  }
  ps_mp_model_release(m, &own);
}

const PsAnalysisClass ps_analysis__mp_unpicklable = {
    .name = "mp-unpicklable",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = ps_mp__free_state,
    .link = ps_mp__link,
};
